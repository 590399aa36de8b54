import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { DATA_24H, ROOT, listFiles, runCli, tmpDir } from '../testing/helpers';
import { planEpisodes, shardEpisodes } from '../opt/chain-run';
import { lpIterationReports } from '../opt/highs';

// 4 transitions of the 24-hour day in episodes of 2, with the fast (approximate) LinDistFlow model
// and no MT decisions: the run mechanics (files, workers, shards, resume, locks) are what is tested
// here; the exact model is tested in src/opt.
const BASE = ['run', '--data', DATA_24H, '--start', '0', '--steps', '4', '--episode', '2', '--branch', 'lindistflow', '--mt', 'off', '--objective', 'loss',
  '--time-limit', '60', '--quiet'];

function read(f: string): string {
  return fs.readFileSync(f, 'utf8');
}

test('episodes and shards partition the steps', () => {
  const eps = planEpisodes(5, 10, 4);
  assert.deepEqual(eps.map((e) => [e.start, e.length]), [[5, 4], [9, 4], [13, 2]]);
  const a = shardEpisodes(eps, { index: 0, count: 2 }).map((e) => e.index);
  const b = shardEpisodes(eps, { index: 1, count: 2 }).map((e) => e.index);
  assert.deepEqual([...a, ...b].sort(), [0, 1, 2]);
});

test('mdpc run: a complete chain in the original layout, with manifest, .lp and .log per step', () => {
  const dir = tmpDir();
  const r = runCli('mdpc', [...BASE, '--run', 'one', '--schema', 'case33py'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const csv = read(path.join(dir, 'out/res_MDPC/one.csv')).trim().split('\n');
  assert.equal(csv.length, 5);
  const header = csv[0].split(',');
  assert.equal(header.length, 92);
  assert.deepEqual([header[0], header[39], header[40], header[51], header[91]], ['S(t)_Pin_1', 'current_time', 'A(t)_Pmt_1', 'R(t+1)', 'next_time']);
  assert.deepEqual(csv.slice(1).map((l) => Number(l.split(',')[39])), [0, 1, 2, 3]);
  for (const l of csv.slice(1)) assert.equal(l.split(',').length, 92);
  const m = JSON.parse(read(path.join(dir, 'out/res_MDPC/one.manifest.json')));
  assert.equal(m.rows, 4);
  assert.equal(m.steps.length, 4);
  assert.ok(m.steps.every((s: { status: string; fallback: boolean }) => s.status === 'optimal' && !s.fallback));
  assert.ok(m.dataFiles.length > 3);
  // the run's solver work is the sum of its steps', each step's LP iterations those its log reports
  type Work = { mipSolves: number; lpSolves: number; nodes: number; lpIterations: number };
  const steps = m.steps as Work[];
  for (const k of ['mipSolves', 'lpSolves', 'nodes', 'lpIterations'] as const) assert.equal(m.work[k], steps.reduce((a, s) => a + s[k], 0), k);
  assert.ok(steps.every((s) => s.mipSolves >= 1 && s.lpIterations > 0));
  const log0 = read(path.join(dir, 'log/one/step_0.log'));
  assert.equal(steps[0].lpIterations, lpIterationReports(log0).reduce((a, x) => a + x, 0));
  const logs = listFiles(path.join(dir, 'log/one'));
  for (let t = 0; t < 4; t++) assert.ok(logs.includes(`step_${t}.lp`) && logs.includes(`step_${t}.log`), `step ${t}`);
  assert.equal(listFiles(path.join(dir, 'out/res_MDPC')).filter((f) => /partial|lock/.test(f)).length, 0);
});

test('mdpc run: --workers 2, shards + merge, and kill -9 + --resume all give the single-process file', async () => {
  const dir = tmpDir();
  const single = runCli('mdpc', [...BASE, '--run', 'ref', '--no-lp'], { cwd: dir });
  assert.equal(single.code, 0, single.stderr);
  const ref = read(path.join(dir, 'out/res_MDPC/ref.csv'));

  const w = runCli('mdpc', [...BASE, '--run', 'w2', '--workers', '2', '--no-lp'], { cwd: dir });
  assert.equal(w.code, 0, w.stderr);
  assert.equal(read(path.join(dir, 'out/res_MDPC/w2.csv')), ref);
  const wm = JSON.parse(read(path.join(dir, 'out/res_MDPC/w2.manifest.json')));
  const refm = JSON.parse(read(path.join(dir, 'out/res_MDPC/ref.manifest.json')));
  assert.equal(wm.steps.length, 4);
  // the totals cover every worker's steps: the single process's counts and work
  assert.equal(wm.statusCounts.optimal, 4);
  assert.deepEqual(wm.statusCounts, refm.statusCounts);
  assert.deepEqual(wm.work, refm.work);

  for (const i of [1, 0]) {
    const s = runCli('mdpc', [...BASE, '--run', 'sh', '--shard', `${i}/2`, '--no-lp'], { cwd: dir });
    assert.equal(s.code, 0, s.stderr);
  }
  const mg = runCli('mdpc', ['merge', '--run', 'sh', '--shards', '2'], { cwd: dir });
  assert.equal(mg.code, 0, mg.stderr);
  assert.equal(read(path.join(dir, 'out/res_MDPC/sh.csv')), ref);

  // kill -9 after the first rows are written, then resume
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/mdpc.js'), ...BASE, '--run', 'k', '--no-lp'], { cwd: dir, stdio: 'ignore' });
  const partial = path.join(dir, 'out/res_MDPC/k.csv.partial');
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      const rows = fs.existsSync(partial) ? read(partial).split('\n').length - 2 : 0;
      if (rows >= 1 || child.exitCode !== null) { clearInterval(poll); resolve(); }
    }, 20);
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  assert.ok(fs.existsSync(partial), 'killed before the end: the partial chain is there');
  const kept = read(partial).split('\n').length - 2;
  assert.ok(kept >= 1 && kept < 4, `${kept} complete rows kept`);
  // the dead run's lock is taken over (the lock comes first); a fresh run without --resume is refused
  const again = runCli('mdpc', [...BASE, '--run', 'k', '--no-lp'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /taking over the stale lock/);
  assert.match(again.stderr, /interrupted run left .*k\.csv\.partial \(no process is writing it\): add --resume/);
  const res = runCli('mdpc', [...BASE, '--run', 'k', '--no-lp', '--resume'], { cwd: dir, env: { QUIET_OFF: '1' } });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(read(path.join(dir, 'out/res_MDPC/k.csv')), ref);
});

test('mdpc run: two runs on the same output do not both write', async () => {
  const dir = tmpDir();
  const args = [path.join(ROOT, 'bin/mdpc.js'), ...BASE, '--run', 'same', '--no-lp'];
  const a = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const lock = path.join(dir, 'out/res_MDPC/same.lock');
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => { if (fs.existsSync(lock) || a.exitCode !== null) { clearInterval(poll); resolve(); } }, 10);
  });
  const b = runCli('mdpc', [...BASE, '--run', 'same', '--no-lp', '--resume'], { cwd: dir });
  // without --resume too: the lock is looked at first, and nobody is told to remove a live file
  const c = runCli('mdpc', [...BASE, '--run', 'same', '--no-lp'], { cwd: dir });
  assert.equal(c.code, 3, c.stderr);
  assert.doesNotMatch(c.stderr, /remove it|partial/);
  const codeA = await new Promise<number | null>((resolve) => a.on('exit', resolve));
  assert.equal(codeA, 0);
  assert.equal(b.code, 3, b.stderr);
  assert.match(b.stderr, /same is being written by process \d+/);
  assert.equal(read(path.join(dir, 'out/res_MDPC/same.csv')).trim().split('\n').length, 5);
});

test('mdpc run / merge / clean: bad input is one line, exit 2, nothing written', () => {
  const dir = tmpDir();
  const cases: [string[], RegExp][] = [
    [['run', '--mode', 'island'], /option --mode: expected one of reconfig, restore, found "island"/],
    [['run', '--steps', '99999'], /option --steps: expected an integer in 1\.\.12863, found 99999/],
    [['run', '--start', '12863'], /option --start: expected an integer in 0\.\.12862, found 12863/],
    [['run', '--shard', '2/2'], /option --shard: expected 0 <= I < N, found 2\/2/],
    [['run', '--shard', 'x'], /option --shard: expected I\/N like 0\/4/],
    [['run', '--time-limit', '0'], /option --time-limit: expected a time limit > 0 seconds, found 0/],
    [['run', '--time-limit', '-5'], /option --time-limit: expected a time limit > 0 seconds/],
    [['run', '--schema', 'wide'], /option --schema: expected one of case33py, full, found "wide"/],
    [['run', '--workers', '0'], /option --workers: expected an integer in 1\.\.64, found 0/],
    [['run', '--run', 'a/b'], /option --run: expected a run name of letters/],
    [['run', '--out-dir', '/proc/version/x'], /option --out-dir: .*"\/proc\/version" is a file, not a directory/],
    [['run', '--log-dir', '/proc/version/x'], /option --log-dir: .*"\/proc\/version" is a file, not a directory/],
    [['run', '--run', 'r'.repeat(300)], /option --run: /],
    [['merge', '--run', 'nope', '--shards', '2'], /nope\.shard-0-of-2\.csv: shard file not found/],
    [['merge', '--run', 'x'], /option --shards: give the number of shards/],
    [['clean'], /option --keep-runs: give --keep-runs N and\/or --keep-days D/],
    [['clean', '--keep-days', 'soon'], /option --keep-days: expected a number, found "soon"/],
  ];
  for (const [args, re] of cases) {
    const r = runCli('mdpc', args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(listFiles(dir), [], args.join(' '));
  }
});

test('many machines: N shard processes launched at once (GNU parallel, else xargs -P), then merge, give the single-process file', () => {
  const dir = tmpDir();
  const bin = path.join(ROOT, 'bin/mdpc.js');
  const single = runCli('mdpc', [...BASE, '--run', 'one', '--no-lp'], { cwd: dir });
  assert.equal(single.code, 0, single.stderr);
  const args = [...BASE, '--run', 'par', '--no-lp'].map((a) => `'${a}'`).join(' ');
  const hasParallel = spawnSync('sh', ['-c', 'command -v parallel'], { encoding: 'utf8' }).status === 0;
  // the same command line a Slurm array job or a Kubernetes indexed Job runs with its index
  const cmd = hasParallel
    ? `parallel --will-cite -j 2 '${process.execPath}' '${bin}' ${args} --shard {}/2 ::: 0 1`
    : `printf '0\\n1\\n' | xargs -P 2 -I{} '${process.execPath}' '${bin}' ${args} --shard {}/2`;
  const r = spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `${hasParallel ? 'parallel' : 'xargs'}: ${r.stderr}`);
  const m = runCli('mdpc', ['merge', '--run', 'par', '--shards', '2'], { cwd: dir });
  assert.equal(m.code, 0, m.stderr);
  assert.equal(read(path.join(dir, 'out/res_MDPC/par.csv')), read(path.join(dir, 'out/res_MDPC/one.csv')));
  assert.deepEqual(listFiles(path.join(dir, 'out/res_MDPC')).filter((f) => f.includes('shard')), []);
});

test('merge orders rows by step for both schemas and refuses a step twice or a different header', async () => {
  const { mergeChainFiles } = await import('../mdp/merge');
  const dir = tmpDir();
  const w = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const a = w('a.csv', 'S(t)_step,x\n2,c\n0,a\n');
  const b = w('b.csv', 'S(t)_step,x\n1,b\n');
  assert.equal(mergeChainFiles([a, b], path.join(dir, 'm.csv')), 3);
  assert.equal(read(path.join(dir, 'm.csv')), 'S(t)_step,x\n0,a\n1,b\n2,c\n');
  const c = w('c.csv', 'p,current_time\n9,5\n8,4\n');
  assert.equal(mergeChainFiles([c], path.join(dir, 'n.csv')), 2);
  assert.equal(read(path.join(dir, 'n.csv')), 'p,current_time\n8,4\n9,5\n');
  assert.throws(() => mergeChainFiles([a, w('d.csv', 'S(t)_step,x\n0,z\n')], path.join(dir, 'o.csv')),
    /d\.csv, row 2: expected each step once, step 0 is also in .*a\.csv/);
  assert.throws(() => mergeChainFiles([a, c], path.join(dir, 'o.csv')), /c\.csv, row 1: expected the same header/);
  assert.equal(fs.existsSync(path.join(dir, 'o.csv')), false);
});

test('mdpc run --resume: a row cut short, a record missing behind its row, other options', async () => {
  const dir = tmpDir();
  const out = path.join(dir, 'out/res_MDPC');
  const single = runCli('mdpc', [...BASE, '--run', 'ref', '--no-lp'], { cwd: dir });
  assert.equal(single.code, 0, single.stderr);
  const ref = read(path.join(out, 'ref.csv'));
  const refLines = ref.split('\n');
  const refSteps = (JSON.parse(read(path.join(out, 'ref.manifest.json'))).steps as { step: number }[]).map((r) => JSON.stringify(r));
  // the options file of an interrupted run of the same options (stopped as soon as it is written)
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/mdpc.js'), ...BASE, '--run', 'x', '--no-lp'], { cwd: dir, stdio: 'ignore' });
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => { if (fs.existsSync(path.join(out, 'x.options.json.partial')) ||
      child.exitCode !== null) { clearInterval(poll); resolve(); } }, 5);
  });
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  const options = read(path.join(out, 'x.options.json.partial'));
  /** an interrupted run NAME: its partial chain, step records and options */
  const interrupted = (name: string, chain: string, records: string[]): void => {
    fs.writeFileSync(path.join(out, `${name}.csv.partial`), chain);
    fs.writeFileSync(path.join(out, `${name}.steps.jsonl.partial`), records.map((r) => r + '\n').join(''));
    fs.writeFileSync(path.join(out, `${name}.options.json.partial`), options);
  };

  // (a) the third row cut to 49 cells, yet ending with a newline: dropped and solved again
  const cut = refLines[3].split(',').slice(0, 49).join(',');
  interrupted('a', [refLines[0], refLines[1], refLines[2], cut].join('\n') + '\n', refSteps.slice(0, 3));
  const ra = runCli('mdpc', [...BASE, '--run', 'a', '--no-lp', '--resume'], { cwd: dir });
  assert.equal(ra.code, 0, ra.stderr);
  assert.match(ra.stderr, /a\.csv\.partial, row 4: not a complete row \(49 of 546 cells\): it and the rows after it are computed again/);
  assert.equal(read(path.join(out, 'a.csv')), ref);

  // (c) killed between a row and its step record: the episode is solved again, the manifest has every step
  interrupted('c', [refLines[0], refLines[1], refLines[2]].join('\n') + '\n', refSteps.slice(0, 1));
  const rc = runCli('mdpc', [...BASE, '--run', 'c', '--no-lp', '--resume'], { cwd: dir });
  assert.equal(rc.code, 0, rc.stderr);
  assert.equal(read(path.join(out, 'c.csv')), ref);
  assert.deepEqual(JSON.parse(read(path.join(out, 'c.manifest.json'))).steps.map((r: { step: number }) => r.step), [0, 1, 2, 3]);

  // (b) other options than the interrupted run's: refused, nothing touched
  interrupted('b', [refLines[0], refLines[1], refLines[2]].join('\n') + '\n', refSteps.slice(0, 2));
  const before = listFiles(out).map((f) => [f, read(path.join(out, f))]);
  for (const [opt, value, was] of [['--objective', 'cost', 'loss'], ['--gap', '0.001', '0.01'], ['--steps', '3', '4']]) {
    const args = [...BASE, '--run', 'b', '--no-lp', '--resume'];
    const i = args.indexOf(opt);
    if (i >= 0) args[i + 1] = value; else args.push(opt, value);
    const rb = runCli('mdpc', args, { cwd: dir });
    assert.equal(rb.code, 2, rb.stderr);
    assert.equal(rb.stderr.trim(), `mdpc: option ${opt}: the interrupted run was made with ${was}, this one has ${value}: resume with the same options ` +
      `(rows must come from one set of options)`);
  }
  assert.deepEqual(listFiles(out).map((f) => [f, read(path.join(out, f))]), before);
});

test('scripts/cron-nightly.sh: the night\'s drawn event table is the one the run uses; a finished night reruns as exit 0', () => {
  // a checkout of its own (bin linked), so the script's out/ and log/ stay in the test's folder
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(ROOT, 'scripts/cron-nightly.sh'), path.join(dir, 'scripts/cron-nightly.sh'));
  fs.symlinkSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'));
  const night = (date: string) => spawnSync('bash', [path.join(dir, 'scripts/cron-nightly.sh')],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NIGHT: date, STEPS: '1' } });
  const first = night('20260101');
  assert.equal(first.status, 0, first.stdout + first.stderr);
  const events = 'out/res_faultmaker/nightly-20260101-event.csv';
  const m = JSON.parse(read(path.join(dir, 'out/res_MDPC/nightly-20260101.manifest.json')));
  assert.equal(m.options.events, events);
  assert.ok(m.dataFiles.some((d: { file: string }) => d.file === events), 'the drawn table is hashed in the manifest');
  assert.ok(!m.dataFiles.some((d: { file: string }) => d.file.endsWith('data/ieee33/event.csv')), 'the bundled table is not used');
  const chain = read(path.join(dir, 'out/res_MDPC/nightly-20260101.csv'));
  // the same night again: nothing redone, nothing changed
  const again = night('20260101');
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /nightly-20260101: finished already/);
  assert.equal(read(path.join(dir, 'out/res_MDPC/nightly-20260101.csv')), chain);
  // another night draws another table (its seed is the date)
  const other = spawnSync(process.execPath,
    [path.join(ROOT, 'bin/faultmaker.js'), 'scene', '--steps', '12864', '--p-n1', '0.1', '--p-n2', '0.01', '--repair-hours', '1:4', '--seed', '20260102',
    '--out', path.join(dir, 'e2.csv'), '--quiet'], { encoding: 'utf8' });
  assert.equal(other.status, 0, other.stderr);
  assert.notEqual(read(path.join(dir, 'e2.csv')), read(path.join(dir, events)));
});

test('mdpc clean --out-dir: a run whose lock is held under that directory keeps its log folder', () => {
  const dir = tmpDir();
  const logDir = path.join(dir, 'logs');
  const outDir = path.join(dir, 'chains');
  fs.mkdirSync(outDir);
  const old = (Date.now() - 10 * 86400e3) / 1000;
  for (const run of ['going', 'done1', 'done2']) {
    fs.mkdirSync(path.join(logDir, run), { recursive: true });
    fs.writeFileSync(path.join(logDir, run, 'step_0.lp'), 'x'.repeat(1000));
    fs.utimesSync(path.join(logDir, run), old, old);
  }
  fs.writeFileSync(path.join(outDir, 'going.lock'), JSON.stringify({ pid: process.pid }));
  const r = runCli('mdpc', ['clean', '--keep-runs', '0', '--log-dir', logDir, '--out-dir', outDir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed 2 run folders/);
  assert.deepEqual(fs.readdirSync(logDir), ['going']);
});

test('mdpc run --schema case33py: refused at the start, exit 2, naming the step and --schema full, when the range can need more slots', () => {
  const dir = tmpDir();
  // the bundled event table faults line 24 at step 120 (the run stopped there with exit 1)
  const r = runCli('mdpc', ['run', '--start', '118', '--steps', '4', '--schema', 'case33py', '--quiet'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, 'mdpc: option --schema: step 120: line 24 becomes faulted: protection opens it beside the 5 open lines of the configuration in ' +
    'force, the case33py schema has 5 open-line slots: use --schema full (the default), which holds every step\n');
  const restore = runCli('mdpc', ['run', '--data', DATA_24H, '--steps', '2', '--mode', 'restore', '--schema', 'case33py', '--quiet'], { cwd: dir });
  assert.equal(restore.code, 2, restore.stderr);
  assert.match(restore.stderr, new RegExp(/^mdpc: option --schema: step 0: restore mode: MT islands can leave more than 5 lines open, /.source +
    /.*: use --schema full \(the default\), which holds every step\n$/.source));
  assert.deepEqual(listFiles(dir), [], 'nothing written, no solve started');
});
