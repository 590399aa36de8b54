import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DATA_24H, DATA_33, ROOT, copyCase, listFiles, runCli, tmpDir } from '../testing/helpers';

test('powerflow run --json: the base case with every documented field', () => {
  const r = runCli('powerflow', ['run', '--load', 'nominal', '--open', '33,34,35,36,37', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const j = JSON.parse(r.stdout);
  assert.equal(j.converged, true);
  assert.ok(j.iterations > 0);
  assert.ok(Math.abs(j.lossKw - 202.68) < 0.01);
  assert.ok(Math.abs(j.lossKvar - 135.14) < 0.01);
  assert.ok(Math.abs(j.vMinPu - 0.91309) < 1e-5);
  assert.equal(j.vMinBus, 18);
  assert.equal(j.servedKw, 3715);
  assert.equal(j.unservedKw, 0);
  assert.equal(j.buses.length, 33);
  assert.deepEqual(Object.keys(j.buses[0]).slice(0, 4), ['bus', 'vPu', 'angleDeg', 'energized']);
  assert.equal(j.lines.length, 37);
  const l33 = j.lines.find((l: { line: number }) => l.line === 33);
  assert.deepEqual([l33.from, l33.to, l33.status, l33.pKw], [8, 21, 'open', 0]);
  for (const k of ['pKw', 'qKvar', 'currentA', 'loadingPct', 'lossKw']) assert.equal(typeof j.lines[0][k], 'number');
  assert.ok(Math.abs(j.lines.reduce((s: number, l: { lossKw: number }) => s + l.lossKw, 0) - j.lossKw) < 0.01);
  for (const k of ['total', 'voltage', 'loss', 'blackout', 'mt']) assert.equal(typeof j.reward[k], 'number');
  // reward = -(0.5 x voltage deviation + 0.18 x loss): independent recomputation from the bus table
  const dev = j.buses.reduce((s: number, b: { vPu: number }) => s + Math.max(0, 0.95 - b.vPu) + Math.max(0, b.vPu - 1.05), 0);
  assert.ok(Math.abs(j.reward.total - -(0.5 * dev + 0.18 * j.lossKw)) < 1e-3);
});

test('powerflow run: faults, MT island, step data and reward config', () => {
  const dir = tmpDir();
  const cfg = path.join(dir, 'w.json');
  fs.writeFileSync(cfg, JSON.stringify({ blackoutPricePerKwh: 1 }));
  const r = runCli('powerflow', ['run', '--fault', '6,26', '--mt', '8:300:100', '--config', cfg, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const st = (id: number): string => j.lines.find((l: { line: number }) => l.line === id).status;
  assert.equal(st(6), 'faulted');
  assert.equal(st(27), 'de-energized');
  // the island 7..26 needs ~1090 kW from a 500 kW MT: protection trips it and the island is dark
  assert.deepEqual(j.trippedMts, [2]);
  const darkKw = j.buses.filter((b: { energized: boolean }) => !b.energized).reduce((a: number, b: { loadKw: number }) => a + b.loadKw, 0);
  assert.ok(Math.abs(j.unservedKw - darkKw) < 1e-6);
  assert.ok(j.unservedKw > 60 + 60 + 120 + 200 + 150 + 210 + 60); // more than buses 27-33 (Baran & Wu)
  assert.ok(Math.abs(j.reward.blackout - j.unservedKw) < 1e-6);
  assert.equal(j.buses.find((b: { bus: number }) => b.bus === 30).energized, false);
  assert.ok(j.islands.every((i: { source: string }) => i.source !== 'MT 2'));
  // shedding four of the island's loads keeps the MT within its limits: it holds the island
  const shed = runCli('powerflow', ['run', '--fault', '6,26', '--mt', '8:300:100', '--shed', '18,7,8,14', '--json']);
  assert.equal(shed.code, 0, shed.stderr);
  const k = JSON.parse(shed.stdout);
  assert.deepEqual(k.trippedMts, []);
  assert.deepEqual(k.shedBuses, [7, 8, 14, 18]);
  const mt = k.generators.find((g: { kind: string; bus: number }) => g.kind === 'MT' && g.bus === 8);
  assert.equal(mt.withinLimits, true);
  assert.ok(mt.pKw > 300 && mt.pKw <= 500.01, `MT output ${mt.pKw}`); // the island's balance, not its set-point
  assert.ok(k.islands.some((i: { source: string }) => i.source === 'MT 2'));
  const shedKw = 200 + 200 + 120 + 90; // buses 7, 8, 14, 18 (Baran & Wu)
  const darkK = k.buses.filter((b: { energized: boolean }) => !b.energized).reduce((a: number, b: { loadKw: number }) => a + b.loadKw, 0);
  assert.ok(Math.abs(k.unservedKw - (darkK + shedKw)) < 1e-6, `${k.unservedKw} vs ${darkK} + ${shedKw}`);
  const s = runCli('powerflow', ['run', '--data', DATA_24H, '--step', '12', '--json']);
  assert.equal(s.code, 0, s.stderr);
  const js = JSON.parse(s.stdout);
  assert.equal(js.step, 12);
  assert.ok(js.loadKw > 0 && js.loadKw !== 3715);
});

test('powerflow run --csv and --plot write readable files and a manifest; summary without colour', () => {
  const dir = tmpDir();
  const prefix = path.join(dir, 'out', 'base');
  const svg = path.join(dir, 'pic', 'feeder.svg');
  const r = runCli('powerflow', ['run', '--csv', prefix, '--plot', svg]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /losses\s+202\.677 kW, 135\.141 kvar/);
  assert.match(r.stdout, /min 0\.91309 pu at bus 18/);
  assert.doesNotMatch(r.stdout, /\x1b\[/);
  const buses = parse(fs.readFileSync(`${prefix}-buses.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(buses.length, 33);
  assert.ok(Math.abs(Number(buses[17].vPu) - 0.91309) < 1e-5);
  const lines = parse(fs.readFileSync(`${prefix}-lines.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(lines.length, 37);
  assert.equal(lines[36].status, 'open');
  const m = JSON.parse(fs.readFileSync(`${prefix}.manifest.json`, 'utf8'));
  assert.equal(m.tool, 'powerflow run');
  assert.ok(m.dataFiles.length >= 3 && m.dataFiles.every((d: { sha256: string }) => /^[0-9a-f]{64}$/.test(d.sha256)));
  const text = fs.readFileSync(svg, 'utf8');
  assert.match(text, /^<svg /);
  assert.equal((text.match(/<circle /g) ?? []).length, 32 + 6); // 32 buses + the legend's 6 swatches
  assert.match(text, /loss 202\.68 kW, Vmin 0\.9131 pu at bus 18/);
  assert.equal(listFiles(dir).filter((f) => f.includes('.tmp-')).length, 0);
});

test('powerflow run --plot --flows --no-title: kW labels equal the --json line flows, no title', () => {
  const dir = tmpDir();
  const svg = path.join(dir, 'n2.svg');
  const args = ['run', '--fault', '6,26', '--open', '9,33,34,36', '--mt', '8:460:220'];
  const r = runCli('powerflow', [...args, '--plot', svg, '--flows', '--no-title', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(runCli('powerflow', [...args, '--json']).stdout);
  const text = fs.readFileSync(svg, 'utf8');
  assert.doesNotMatch(text, /nominal load|losses/);
  // line 2 (2-3) carries kW as in the JSON, its label reads "L2" then the kW
  const l2 = j.lines.find((l: { line: number }) => l.line === 2);
  const kw = Math.abs(l2.pKw) >= 999.5 ? `${(Math.abs(l2.pKw) / 1000).toFixed(2)} MW` : `${Math.abs(l2.pKw).toFixed(0)} kW`;
  assert.match(text, new RegExp(`>L2</tspan><tspan [^>]*>${kw.replace('.', '\\.')}<`));
  // the MT's tag shows its output; its island is shaded and named in the legend
  const mt = j.generators.find((g: { kind: string; bus: number }) => g.kind === 'MT' && g.bus === 8);
  assert.match(text, new RegExp(`>MT ${mt.pKw.toFixed(0)} kW<`));
  assert.match(text, /island: MT 2 at bus 8 \(3 buses\)/);
  const bad = runCli('powerflow', ['run', '--flows']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /option --flows: draws on the feeder map: add --plot FILE\.svg/);
});

test('powerflow run: bad input gives one line, exit 2, and writes nothing', () => {
  const dir = tmpDir();
  const out = path.join(dir, 'o');
  const badCase = copyCase(DATA_33, { 'lines.csv': 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,2,abc,0.047,420,1,0\n' });
  const cases: [string[], RegExp][] = [
    [['--open', '38'], /option --open: unknown line 38/],
    [['--open', '3x'], /option --open: expected line ids/],
    [['--fault', '0'], /option --fault: unknown line 0/],
    [['--step', '-1'], /option --step: expected an integer in 0\.\.12863, found -1/],
    [['--step', '12864'], /option --step: expected an integer in 0\.\.12863/],
    [['--step', '1.5'], /option --step: expected an integer, found "1\.5"/],
    [['--mt', '5:100:0'], /option --mt: no MT at bus 5; the case has MTs at bus 4, 8, 22/],
    [['--mt', '8:900:0'], /option --mt: MT at bus 8: P 900 kW outside its limits 125\.\.500 kW/],
    [['--mt', '8:abc'], /option --mt: expected BUS:PKW:QKVAR/],
    [['--load', 'peak'], /option --load: expected "nominal"/],
    [['--method', 'gauss'], /argument 'gauss' is invalid/],
    [['--plot', path.join(out, 'x.pdf')], /option --plot: expected a file name ending in \.svg or \.png/],
    [['--data', path.join(dir, 'nope')], /option --data: data directory .* does not exist/],
    [['--data', badCase], /lines\.csv, row 2, column rOhm: expected a number, found "abc"/],
    [['--config', path.join(dir, 'missing.json')], /missing\.json: file not found/],
    [['--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = runCli('powerflow', ['run', '--csv', path.join(out, 'r'), '--plot', path.join(out, 'r.svg'), ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
    assert.deepEqual(listFiles(out), [], `${args.join(' ')} wrote files`);
  }
  const cfg = path.join(dir, 'bad.json');
  fs.writeFileSync(cfg, '{"lossPricePerKwh": "x"}');
  const r = runCli('powerflow', ['run', '--config', cfg]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json, column lossPricePerKwh: expected a finite number/);
});

test('powerflow --help lists examples and exit codes', () => {
  const r = runCli('powerflow', ['run', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  const top = runCli('powerflow', ['--help']);
  assert.match(top.stdout, /Exit codes:/);
});

test('powerflow run: every kind of malformed data file is named with its row and column, exit 2', () => {
  const dir = tmpDir();
  const out = path.join(dir, 'o');
  const L = 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n';
  const lines33 = fs.readFileSync(path.join(DATA_24H, 'lines.csv'), 'utf8');
  const load24 = fs.readFileSync(path.join(DATA_24H, 'load.csv'), 'utf8').trimEnd().split('\n');
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'lines.csv': L + '1,1,2,0.0922,zero,420,1,0\n' }, /lines\.csv, row 2, column xOhm: expected a number, found "zero"/],
    [{ 'lines.csv': L + '1,1,2,0.0922,0.047,420,1\n' }, /lines\.csv, row 2: expected 8 columns/],
    [{ 'lines.csv': lines33.replace('\n2,2,3,', '\n1,2,3,') }, /lines\.csv, row 3, column line: expected a unique line id, line 1 appears twice/],
    [{ 'lines.csv': lines33.replace('1,1,2,0.0922,0.047,', '1,1,2,0,0,') }, /lines\.csv, row 2, column rOhm: expected a non-zero impedance/],
    [{ 'lines.csv': lines33.replace('\n5,5,6,', '\n5,5,66,') }, /lines\.csv, row 6, column to: expected a bus listed in buses\.csv, found unknown bus 66/],
    [{ 'buses.csv': '' }, /buses\.csv: expected .*found an empty file|buses\.csv.*empty/],
    [{ 'load.csv': load24.slice(0, 23).join('\n') + '\n' }, /expected 23 rows \(steps\) like load\.csv, found 24/],
    [{ 'load.csv': load24.map((r) => r.split(',').slice(0, 32).join(',')).join('\n') + '\n' },
      /load\.csv, row 1: expected 33 columns, one per bus of the case \(33 buses\), found 32/],
    [{ 'load.csv': load24.map((r, i) => (i === 4 ? r.replace(/^0\+0im/, 'x+yim') : r)).join('\n') + '\n' },
      /load\.csv, row 5, column 1: expected a complex power like 12\.5\+3\.1j/],
    [{ 'mt.csv': '4,8,22\n' + '1,1,2\n'.repeat(24) }, /mt\.csv, row 2, column 3: expected 0 or 1, found "2"/],
  ];
  for (const [files, re] of cases) {
    const data = copyCase(DATA_24H, files);
    const r = runCli('powerflow', ['run', '--data', data, '--step', '1', '--csv', path.join(out, 'r')]);
    assert.equal(r.code, 2, `${Object.keys(files)}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.deepEqual(listFiles(out), []);
  }
});

test('every `powerflow run` example of --help and the README runs as printed, with no MT tripped or outside its limits', () => {
  const help = runCli('powerflow', ['run', '--help']).stdout;
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const examples = [...help.split('\n').map((l) => l.replace(/^\s*\$ /, '')), ...readme.split('\n')]
    .filter((l) => l.startsWith('powerflow run'))
    .map((l) => l.replace(/\s+#.*$/, '').trim());
  assert.ok(examples.length >= 10, `found ${examples.length} examples`);
  // as printed: relative paths (data/..., out/...) from a fresh directory holding the bundled data
  const cwd = tmpDir();
  fs.symlinkSync(path.join(ROOT, 'data'), path.join(cwd, 'data'));
  for (const ex of examples) {
    const r = runCli('powerflow', ex.split(/\s+/).slice(1), { cwd });
    assert.equal(r.code, 0, `${ex}: ${r.stderr}`);
    assert.equal(r.stderr, '', ex);
    if (/--json/.test(ex)) {
      const j = JSON.parse(r.stdout);
      assert.equal(j.converged, true, ex);
      assert.deepEqual(j.trippedMts, [], ex);
      assert.ok(j.generators.every((g: { withinLimits: boolean }) => g.withinLimits), ex);
      continue;
    }
    assert.doesNotMatch(r.stdout, /tripped|outside its limits|NOT CONVERGED/, ex);
    // an example with an MT set-point shows the MT holding its island
    if (/--mt /.test(ex)) assert.match(r.stdout, /island {4}MT \d+ at bus \d+: .*converged/, ex);
  }
});
