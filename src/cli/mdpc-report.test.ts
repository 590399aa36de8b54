import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DATA_24H, ROOT, listFiles, runCli, tmpDir } from '../testing/helpers';

// A restore-mode replay on the 24-hour day with a fault table of our own: line 6 faulted at
// steps 2-4, line 27 at step 4; MTs dispatched; switches moved at several steps.
const ACTIONS = [
  'open,pMtKw_G1,pMtKw_G2,pMtKw_G3,qMtKvar_G1,qMtKvar_G2,qMtKvar_G3',
  '33 34 35 36 37,0,0,0,0,0,0',
  '33 34 35 36 37,800,0,0,100,0,0',
  '6 34 35 36 37,800,300,0,100,100,0',
  '6 34 35 36 37,0,300,0,0,100,0',
  '6 27 34 35 36,900,0,400,200,0,100',
  '7 9 14 32 37,0,0,0,0,0,0',
].join('\n') + '\n';

function events(faults: Record<number, number[]>, lines = 37, steps = 24): string {
  const rows: string[] = [];
  for (let t = 0; t < steps; t++) {
    const r = new Array(lines).fill(0);
    for (const l of faults[t] ?? []) r[l - 1] = 1;
    rows.push(r.join(','));
  }
  return rows.join('\n') + '\n';
}

/** The chain read back here, by hand: header -> column, rows of cells. */
function readChain(file: string): { col: (name: string) => number; rows: string[][]; header: string[] } {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const idx = new Map(header.map((h, i) => [h, i]));
  return { header, rows: lines.slice(1).map((l) => l.split(',')), col: (n) => { const i = idx.get(n); assert.ok(i !== undefined, n); return i!; } };
}

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

function makeReplay(dir: string): string {
  fs.writeFileSync(path.join(dir, 'acts.csv'), ACTIONS);
  fs.writeFileSync(path.join(dir, 'ev.csv'), events({ 2: [6], 3: [6], 4: [6, 27] }));
  const chain = path.join(dir, 'rp.csv');
  const r = runCli('powerflow', [
    'replay', '--data', DATA_24H, '--events', path.join(dir, 'ev.csv'), '--mode', 'restore',
    '--actions', path.join(dir, 'acts.csv'), '--start', '0', '--out', chain,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return chain;
}

test('mdpc report --chain (a replay): the summary equals the chain read back, maps at --at and at fault onsets', () => {
  const dir = tmpDir();
  const chain = makeReplay(dir);
  const r = runCli('mdpc', ['report', '--chain', chain, '--data', DATA_24H, '--at', '3', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.html, path.join(dir, 'rp.report.html'));
  const rep = JSON.parse(fs.readFileSync(path.join(dir, 'rp.report.json'), 'utf8'));
  const c = readChain(chain);
  const n = c.rows.length;
  assert.equal(n, 6);
  assert.equal(rep.steps.length, n);
  const v = (row: string[], name: string): number => Number(row[c.col(name)]);
  // reward and each term (the chain's R_ columns, whatever they are), per step and summed
  const termCols = c.header.filter((h) => h.startsWith('R_')).map((h) => h.slice(2));
  assert.deepEqual(rep.rewardTerms, termCols);
  let total = 0;
  c.rows.forEach((row, k) => {
    const s = rep.steps[k];
    assert.equal(s.step, v(row, 'S(t)_step'));
    assert.equal(s.next, v(row, 'S(t+1)_step'));
    assert.equal(s.reward, v(row, 'R(t+1)'));
    for (const t of termCols) assert.equal(s.terms[t], v(row, `R_${t}`), `step ${k} ${t}`);
    assert.equal(s.lossKw, v(row, 'lossKw'));
    assert.equal(s.unservedKw, v(row, 'unservedKw'));
    assert.equal(s.switchOps, v(row, 'switchOps'));
    total += v(row, 'R(t+1)');
  });
  close(rep.totals.reward, total, 1e-9);
  for (const t of termCols) close(rep.totals.terms[t], c.rows.reduce((a, row) => a + v(row, `R_${t}`), 0), 1e-9);
  // the replay's own manifest has the same total
  close(rep.totals.reward, JSON.parse(fs.readFileSync(path.join(dir, 'rp.manifest.json'), 'utf8')).totalReward, 1e-6);
  close(rep.totals.energyNotServedKwh, c.rows.reduce((a, row) => a + v(row, 'unservedKw'), 0), 1e-9);
  close(rep.totals.lossesKwh, c.rows.reduce((a, row) => a + v(row, 'lossKw'), 0), 1e-9);
  // switches moved: lines whose A(t) state differs from S(t)'s, not faulted at t+1 (every line of the case is switchable)
  const lineIds = c.header.filter((h) => h.startsWith('A(t)_open_L')).map((h) => Number(h.slice('A(t)_open_L'.length)));
  let ops = 0;
  const movedAll = new Set<number>();
  c.rows.forEach((row, k) => {
    const closed: number[] = [], opened: number[] = [], faults: number[] = [];
    for (const id of lineIds) {
      if (v(row, `S(t+1)_faulted_L${id}`) === 1) { faults.push(id); continue; }
      const a = v(row, `A(t)_open_L${id}`), s = v(row, `S(t)_open_L${id}`);
      if (a !== s) (a === 1 ? opened : closed).push(id);
    }
    assert.deepEqual(rep.steps[k].closed, closed, `step ${k} closed`);
    assert.deepEqual(rep.steps[k].opened, opened, `step ${k} opened`);
    assert.equal(closed.length + opened.length, v(row, 'switchOps'), `step ${k}: moved switches = the chain's switchOps`);
    assert.deepEqual(rep.steps[k].faults, faults);
    ops += v(row, 'switchOps');
    for (const id of [...closed, ...opened]) movedAll.add(id);
    // lowest voltage over energized buses at t+1
    const vs = c.header.filter((h) => h.startsWith('S(t+1)_vPu_B')).map((h) => v(row, h)).filter((x) => x > 0);
    assert.equal(rep.steps[k].vMinPu, Math.min(...vs));
    // MT output at t+1, set-point of A(t)
    for (const m of rep.steps[k].mt) {
      assert.equal(m.pKw, v(row, `S(t+1)_genPKw_G${m.gen}`));
      assert.equal(m.setPointKw, v(row, `A(t)_pMtKw_G${m.gen}`));
    }
  });
  assert.ok(ops >= 3, `the chain moves switches (${ops})`);
  assert.equal(rep.totals.switchOps, ops);
  assert.deepEqual(new Set(rep.totals.switchMoves.map((m: { line: number }) => m.line)), movedAll);
  // fault onsets: step 2 (L6) and step 4 (L27); maps there and at --at 3, each re-evaluated to the chain's reward
  assert.deepEqual(rep.onsets.map((o: { step: number; lines: number[] }) => [o.step, o.lines]), [[2, [6]], [4, [27]]]);
  assert.deepEqual(rep.maps.map((m: { step: number }) => m.step), [2, 3, 4]);
  for (const m of rep.maps) assert.ok(m.rewardDiff < 1e-4, `map ${m.step}: ${m.rewardDiff}`);
  assert.deepEqual(rep.warnings, []);
  // no solver records for a replay, said so
  assert.equal(rep.totals.solver, null);
  assert.ok(rep.steps.every((s: { solver: unknown }) => s.solver === null));
  assert.match(rep.solverRecords, /powerflow replay/);
  // the page: self-contained, the headline figures on it, one map per map step
  const html = fs.readFileSync(out.html, 'utf8');
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(|href="http|src=/i);
  assert.match(html, /no solver ran/);
  assert.ok(html.includes(`>−${Math.abs(total).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}<`), 'total reward on the page');
  for (const s of [2, 3, 4]) assert.ok(html.includes(`id="map-${s}"`), `map ${s}`);
  assert.ok((html.match(/<svg/g) ?? []).length >= 8, 'charts and maps');
  // the command's manifest
  const man = JSON.parse(fs.readFileSync(out.manifest, 'utf8'));
  assert.equal(man.tool, 'mdpc report');
  assert.equal(man.transitions, 6);
  assert.deepEqual(listFiles(dir).filter((f) => /tmp|partial/.test(f)), []);
  // --onset-maps 1: the first onset only; --out elsewhere
  const other = path.join(dir, 'sub', 'one.html');
  const r1 = runCli('mdpc', ['report', '--chain', chain, '--data', DATA_24H, '--onset-maps', '1', '--out', other, '--quiet']);
  assert.equal(r1.code, 0, r1.stderr);
  const rep1 = JSON.parse(fs.readFileSync(path.join(dir, 'sub', 'one.json'), 'utf8'));
  assert.deepEqual(rep1.maps.map((m: { step: number }) => m.step), [2]);
  assert.equal(rep1.onsetsNotDrawn, 1);
  assert.ok(fs.existsSync(path.join(dir, 'sub', 'one.manifest.json')));
});

test('mdpc report --run: solver status, gap, time and HiGHS work per step from the manifest', () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'ev.csv'), events({ 2: [6] }));
  const run = runCli('mdpc', ['run', '--data', DATA_24H, '--events', path.join(dir, 'ev.csv'), '--start', '0', '--steps', '2', '--episode', '2',
    '--branch', 'lindistflow', '--mt', 'off', '--objective', 'loss', '--time-limit', '60', '--no-lp', '--quiet', '--run', 'two'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const r = runCli('mdpc', ['report', '--run', 'two', '--at', '1,2', '--quiet'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(fs.readFileSync(path.join(dir, 'out/res_MDPC/two.report.json'), 'utf8'));
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'out/res_MDPC/two.manifest.json'), 'utf8'));
  assert.equal(rep.solverRecords, 'manifest');
  assert.equal(rep.steps.length, m.steps.length);
  rep.steps.forEach((s: { step: number; solver: Record<string, unknown> }, k: number) => {
    const rec = m.steps[k];
    assert.equal(s.step, rec.step);
    for (const f of ['status', 'gap', 'totalMs', 'solveMs', 'nodes', 'lpIterations', 'mipSolves', 'lpSolves']) {
      assert.equal(s.solver[f], rec[f], `step ${rec.step} ${f}`);
    }
  });
  for (const f of ['nodes', 'lpIterations', 'mipSolves', 'lpSolves']) assert.equal(rep.totals.solver[f], m.work[f], f);
  assert.equal(rep.totals.solver.stepsAtTimeLimit, m.statusCounts['time-limit']);
  assert.equal(rep.totals.solver.fallbackSteps, m.statusCounts.fallback);
  // the chain's reward, and the manifest's per-step reward
  const c = readChain(path.join(dir, 'out/res_MDPC/two.csv'));
  close(rep.totals.reward, c.rows.reduce((a, row) => a + Number(row[c.col('R(t+1)')]), 0), 1e-9);
  rep.steps.forEach((s: { reward: number }, k: number) => close(s.reward, m.steps[k].reward, 1e-6));
  assert.deepEqual(rep.onsets.map((o: { step: number }) => o.step), [2]);
  assert.deepEqual(rep.maps.map((x: { step: number; rewardDiff: number }) => x.step), [1, 2]);
  for (const x of rep.maps) assert.ok(x.rewardDiff < 1e-4, `map ${x.step}: ${x.rewardDiff}`);
  const html = fs.readFileSync(path.join(dir, 'out/res_MDPC/two.report.html'), 'utf8');
  assert.match(html, /Steps at time limit/);
  assert.match(html, /HiGHS branch-and-bound nodes per step/);
});

test('mdpc report: bad input exits 2 with one line naming the option or file, writes nothing', () => {
  const dir = tmpDir();
  const chain = makeReplay(dir);
  const junk = path.join(dir, 'junk.csv');
  fs.writeFileSync(junk, 'a,b\n1,2\n');
  const cut = path.join(dir, 'cut.csv');
  const text = fs.readFileSync(chain, 'utf8').split('\n');
  fs.writeFileSync(cut, [text[0], text[1], text[2].split(',').slice(0, 50).join(',')].join('\n') + '\n');
  const old = path.join(dir, 'old.csv');
  assert.equal(runCli('powerflow', [
    'replay', '--actions', path.join(ROOT, 'src/mdp/fixtures/case33py_mdpc_example.csv'),
    '--start', '1', '--faults', 'none', '--schema', 'case33py', '--out', old,
  ]).code, 0);
  fs.writeFileSync(path.join(dir, 'partial.csv.partial'), '');
  const cases: [string[], RegExp][] = [
    [['--run', 'nope', '--out-dir', dir], /^mdpc: option --run: .*nope\.csv not found \(no run "nope" in .*; see --out-dir\)\n$/],
    [['--run', 'partial', '--out-dir', dir], /^mdpc: option --run: .*partial\.csv not found \(.*partial\.csv\.partial exists: the run is not finished\)\n$/],
    [['--run', 'a/b'], /^mdpc: option --run: expected a run name/],
    [[], /^mdpc: option --run: give either --run NAME or --chain FILE\n$/],
    [['--chain', path.join(dir, 'missing.csv')], /^mdpc: option --chain: .*missing\.csv not found\n$/],
    [['--chain', junk], /^mdpc: .*junk\.csv.*expected a chain CSV of the full schema/],
    [['--chain', cut, '--data', DATA_24H], /^mdpc: .*cut\.csv.*row 3.*expected \d+ cells as in the header, found 50\n$/],
    [['--chain', old], /^mdpc: .*old\.csv.*case33py layout.*--schema full/],
    [['--chain', chain, '--data', DATA_24H, '--at', 'x'], /^mdpc: option --at: expected steps like 10 or 10,12, found "x"\n$/],
    [['--chain', chain, '--data', DATA_24H, '--at', '3,99'], /^mdpc: option --at: step 99 is not a step of the chain: .* 1\.\.6\n$/],
    [['--chain', chain, '--data', DATA_24H, '--at', '0'], /^mdpc: option --at: step 0 is not a step of the chain: .*\(0 is the first S\(t\)/],
    [['--chain', chain, '--data', DATA_24H, '--out', path.join(dir, 'r.txt')], /^mdpc: option --out: expected a file name ending in \.html/],
    [['--chain', chain, '--data', DATA_24H, '--onset-maps', '-1'], /^mdpc: option --onset-maps: expected all or a number of maps, found "-1"\n$/],
    [['--chain', chain, '--data', path.join(dir, 'nodata')], /^mdpc: option --data: data directory .* does not exist\n$/],
  ];
  const before = listFiles(dir).sort();
  for (const [args, re] of cases) {
    const r = runCli('mdpc', ['report', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
  assert.deepEqual(listFiles(dir).sort(), before, 'nothing written');
});

test('mdpc report --help: the examples name commands that exist', () => {
  const r = runCli('mdpc', ['report', '--help']);
  assert.equal(r.code, 0);
  for (const opt of ['--run', '--chain', '--at', '--out', '--onset-maps', '--data', '--weights']) assert.ok(r.stdout.includes(opt), opt);
  assert.match(r.stdout, /\$ mdpc report --run day8 --at 10/);
});

test('the report page opens in headless Chromium without errors and is not blank', (t) => {
  const which = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  if (which.status !== 0) {
    t.skip('chromium is not installed (Debian: apt-get install -y chromium)');
    return;
  }
  const dir = tmpDir();
  const chain = makeReplay(dir);
  assert.equal(runCli('mdpc', ['report', '--chain', chain, '--data', DATA_24H, '--quiet']).code, 0);
  const png = path.join(dir, 'page.png');
  const r = spawnSync(process.execPath, [
    path.join(ROOT, 'scripts/check-report.js'), '--html', path.join(dir, 'rp.report.html'), '--png', png, '--width', '1000', '--height', '1600',
  ], { encoding: 'utf8', timeout: 180000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const res = JSON.parse(r.stdout);
  assert.deepEqual(res.problems, []);
  assert.equal(res.width, 1000);
  assert.equal(res.height, 1600);
  assert.ok(res.nonWhiteFraction > 0.03, String(res.nonWhiteFraction));
  // and the check fails on a page that is blank or throws
  const bad = path.join(dir, 'bad.html');
  fs.writeFileSync(bad, '<!DOCTYPE html><html><body><script>missing()</script></body></html>');
  const rb = spawnSync(process.execPath, [
    path.join(ROOT, 'scripts/check-report.js'), '--html', bad, '--png', path.join(dir, 'bad.png'), '--width', '400', '--height', '300',
  ], { encoding: 'utf8', timeout: 180000 });
  assert.equal(rb.status, 1, rb.stdout + rb.stderr);
  const problems = JSON.parse(rb.stdout).problems.join('\n');
  assert.match(problems, /Uncaught ReferenceError/);
  assert.match(problems, /looks blank/);
});
