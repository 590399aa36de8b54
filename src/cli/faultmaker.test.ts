/** The compiled faultmaker CLI, run as a child process (bin/faultmaker.js -> dist/cli/faultmaker.js). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadCase } from '../grid/load-case';
import { readEventTable } from '../grid/series';
import { writeTinyFeeder } from '../faults/fixture';

const BIN = path.join(__dirname, '..', '..', 'bin', 'faultmaker.js');
const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'case33ts-fmcli-'));
const tiny = writeTinyFeeder(path.join(root, 'tiny'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

function run(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
function freshDir(): string {
  return path.join(root, `o${++n}`);
}

test('enumerate --k 2 writes n2.csv, n2.json and a manifest with the exhaustive counts', () => {
  const out = freshDir();
  const r = run(['enumerate', '--k', '2', '--out-dir', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /666 scenarios \(tie 573, island 42, lost 51\)/);
  assert.deepEqual(fs.readdirSync(out).sort(), ['n2.csv', 'n2.json', 'n2.manifest.json']);
  const csv = fs.readFileSync(path.join(out, 'n2.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv.length, 667);
  assert.equal(csv[0], Array.from({ length: 37 }, (_, i) => i + 1).join(','));
  assert.ok(csv.slice(1).every((row) => row.split(',').filter((c) => c === '1').length === 2));
  const j = JSON.parse(fs.readFileSync(path.join(out, 'n2.json'), 'utf8'));
  assert.deepEqual(j.counts, { tie: 573, island: 42, lost: 51, total: 666 });
  assert.equal(j.scenarios.length, 666);
  assert.deepEqual(j.options.exclude, []);
  assert.deepEqual(j.command, ['faultmaker', 'enumerate', '--k', '2', '--out-dir', out]);
  const lost = j.scenarios.find((s: { lines: number[] }) => s.lines.join() === '17,36');
  assert.deepEqual(lost, { lines: [17, 36], class: 'lost', islandBuses: [], lostBuses: [18] });
  const m = JSON.parse(fs.readFileSync(path.join(out, 'n2.manifest.json'), 'utf8'));
  assert.equal(m.tool, 'faultmaker');
  assert.equal(m.dataFiles.length, 3);
});

test('enumerate --json prints only the JSON document on stdout; --class filters rows, not counts', () => {
  const out = freshDir();
  const r = run(['enumerate', '--k', '2', '--class', 'island,lost', '--exclude', '33,34', '--exclude', '35', '--json', '--out-dir', out]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.counts.total, 561); // C(34, 2): lines 33-35 never fault
  assert.equal(j.written, j.counts.island + j.counts.lost);
  assert.equal(j.scenarios.length, j.written);
  assert.ok(j.scenarios.every((s: { class: string }) => s.class !== 'tie'));
  assert.deepEqual(j.options.exclude, [33, 34, 35]);
  assert.match(r.stderr, /^N-2 on ieee33: 561 scenarios/);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.equal(fs.readFileSync(path.join(out, 'n2.json'), 'utf8'), r.stdout);
  assert.equal(fs.readFileSync(path.join(out, 'n2.csv'), 'utf8').trimEnd().split('\n').length, j.written + 1);
});

test('enumerate on another feeder (--data) and into the default out/res_faultmaker', () => {
  const cwd = freshDir();
  fs.mkdirSync(cwd);
  const r = run(['enumerate', '--k', '2', '--data', tiny, '--json'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.counts, { tie: 0, island: 8, lost: 7, total: 15 });
  assert.equal(j.case, 'tiny');
  assert.ok(fs.existsSync(path.join(cwd, 'out', 'res_faultmaker', 'n2.csv')));
  const csv = fs.readFileSync(path.join(cwd, 'out', 'res_faultmaker', 'n2.csv'), 'utf8').split('\n');
  assert.equal(csv[0], '1,2,3,4,5,6');
  assert.equal(csv[1], '1,1,0,0,0,0');
});

test('scene: same seed -> byte-identical table that loads as the event series; summary beside it', () => {
  const out = freshDir();
  const args = ['scene', '--steps', '5000', '--p-n1', '0.1', '--p-n2', '0.01', '--repair-hours', '1:4', '--seed', '11'];
  const a = run([...args, '--out', path.join(out, 'a.csv')]);
  const b = run([...args, '--out', path.join(out, 'b.csv')]);
  const c = run([...args.slice(0, -1), '12', '--out', path.join(out, 'c.csv')]);
  for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
  const ta = fs.readFileSync(path.join(out, 'a.csv'));
  assert.ok(ta.equals(fs.readFileSync(path.join(out, 'b.csv'))));
  assert.ok(!ta.equals(fs.readFileSync(path.join(out, 'c.csv'))));
  const net = loadCase(IEEE33);
  const table = readEventTable(path.join(out, 'a.csv'), net);
  assert.equal(table.length, 5000 * 37);
  const s = JSON.parse(fs.readFileSync(path.join(out, 'a.json'), 'utf8'));
  assert.equal(s.seed, 11);
  assert.deepEqual(s.options.classes, ['tie', 'island']);
  assert.equal(s.options.repairHours, '1:4');
  let faultedRows = 0;
  for (let t = 0; t < 5000; t++) if (table.subarray(t * 37, t * 37 + 37).some((v) => v === 1)) faultedRows++;
  assert.equal(s.stats.healthySteps, 5000 - faultedRows);
  assert.equal(s.stats.faultedStepsByK.n1 + s.stats.faultedStepsByK.n2, faultedRows);
  assert.equal(s.stats.faultedStepsByClass.lost, 0);
});

test('scene --json and the default output path', () => {
  const cwd = freshDir();
  fs.mkdirSync(cwd);
  const r = run(['scene', '--steps', '48', '--p-n1', '0.5', '--classes', 'lost', '--seed', '1', '--data', tiny, '--json'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.stats.steps, 48);
  assert.equal(j.stats.eventsByClass.lost, j.stats.events);
  assert.ok(j.stats.events > 0);
  const rows = fs.readFileSync(path.join(cwd, 'out', 'res_faultmaker', 'event.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(rows.length, 48);
  // the only lost N-1 scenario on the tiny feeder is line 6
  assert.ok(rows.every((row) => row === '0,0,0,0,0,0' || row === '0,0,0,0,0,1'));
  assert.ok(fs.existsSync(path.join(cwd, 'out', 'res_faultmaker', 'event.json')));
});

test('--help shows examples and exits 0', () => {
  for (const args of [['--help'], ['enumerate', '--help'], ['scene', '--help']]) {
    const r = run(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /faultmaker/);
  }
  assert.match(run(['--help']).stdout, /Examples:[\s\S]*faultmaker scene --steps/);
  assert.match(run(['enumerate', '--help']).stdout, /Examples:[\s\S]*--k 2/);
  assert.match(run(['scene', '--help']).stdout, /Examples:[\s\S]*--repair-hours 2:8/);
  assert.match(run(['scene', '--help']).stdout, /island +no bus is lost/);
});

test('a reader that closes the pipe early is not a crash', () => {
  const out = freshDir();
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" enumerate --k 3 --json --out-dir "${out}" | head -c 10 >/dev/null`],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
});

/** Each bad input: exit 2, the expected words in one stderr line, nothing on stdout, nothing written. */
const BAD: { name: string; args: string[]; message: RegExp; oneLine?: boolean }[] = [
  { name: 'k < 1', args: ['enumerate', '--k', '0'], message: /option --k: expected an integer in 1\.\.64, found 0/ },
  { name: 'negative k', args: ['enumerate', '--k=-2'], message: /option --k: expected an integer in 1\.\.64, found -2/ },
  { name: 'k not a number', args: ['enumerate', '--k', 'two'], message: /option --k: expected an integer, found "two"/ },
  { name: 'k over the lines left', args: ['enumerate', '--k', '7', '--data', tiny],
    message: /option --k: expected at most 6 \(the lines left to fault\), found 7/ },
  { name: 'k too large to enumerate', args: ['enumerate', '--k', '12'], message: /option --k: C\(37, 12\) = \d+ scenarios is over the limit/ },
  { name: 'unknown line in --exclude', args: ['enumerate', '--k', '1', '--exclude', '33,99'],
    message: /option --exclude: unknown line 99: the case has lines 1\.\.37/ },
  { name: 'malformed --exclude', args: ['enumerate', '--k', '1', '--exclude', '3-4'], message: /option --exclude: expected line ids like 33,34, found "3-4"/ },
  { name: 'unknown class', args: ['enumerate', '--k', '1', '--class', 'tie,restorable'], message: /option --class: unknown class "restorable"/ },
  { name: 'empty class list', args: ['enumerate', '--k', '1', '--class', ','], message: /option --class: expected at least one of tie, island, lost/ },
  { name: 'missing data dir', args: ['enumerate', '--k', '1', '--data', '/nonexistent/case'],
    message: /option --data: data directory "\/nonexistent\/case" does not exist/ },
  { name: 'missing --k', args: ['enumerate'], message: /required option '--k <k>' not specified/, oneLine: false },
  { name: 'probability over 1', args: ['scene', '--steps', '10', '--p-n1', '1.5', '--seed', '1'],
    message: /option --p-n1: expected a probability in \[0, 1\], found 1\.5/ },
  { name: 'negative probability', args: ['scene', '--steps', '10', '--p-n2=-0.1', '--seed', '1'],
    message: /option --p-n2: expected a probability in \[0, 1\], found -0\.1/ },
  { name: 'probability not a number', args: ['scene', '--steps', '10', '--p-n1', '10%', '--seed', '1'],
    message: /option --p-n1: expected a number, found "10%"/ },
  { name: 'probabilities sum over 1', args: ['scene', '--steps', '10', '--p-n1', '0.6', '--p-n2', '0.5', '--seed', '1'],
    message: /option --p-n1\/--p-n2\/--p-n3: the fault probabilities sum to 1\.1, expected at most 1/ },
  { name: 'repair range without colon', args: ['scene', '--steps', '10', '--repair-hours', '3', '--seed', '1'],
    message: /option --repair-hours: expected MIN:MAX whole hours with 1 <= MIN <= MAX .*found "3"/ },
  { name: 'repair range from 0', args: ['scene', '--steps', '10', '--repair-hours', '0:2', '--seed', '1'], message: /option --repair-hours: .*found "0:2"/ },
  { name: 'repair range reversed', args: ['scene', '--steps', '10', '--repair-hours', '5:2', '--seed', '1'], message: /option --repair-hours: .*found "5:2"/ },
  { name: 'repair range not integers', args: ['scene', '--steps', '10', '--repair-hours', '1.5:2', '--seed', '1'],
    message: /option --repair-hours: .*found "1\.5:2"/ },
  { name: 'repair range letters', args: ['scene', '--steps', '10', '--repair-hours', 'a:b', '--seed', '1'], message: /option --repair-hours: .*found "a:b"/ },
  { name: 'steps 0', args: ['scene', '--steps', '0', '--seed', '1'], message: /option --steps: expected an integer in 1\.\./ },
  { name: 'negative seed', args: ['scene', '--steps', '10', '--seed=-1'], message: /option --seed: expected an integer in 0\.\.4294967295, found -1/ },
  { name: 'missing --seed', args: ['scene', '--steps', '10', '--p-n1', '0.1'], message: /required option '--seed <s>' not specified/ },
  { name: 'unknown class in scene', args: ['scene', '--steps', '10', '--classes', 'tie,isle', '--seed', '1'],
    message: /option --classes: unknown class "isle"/ },
  { name: 'unknown line in scene --exclude', args: ['scene', '--steps', '10', '--p-n1', '0.1', '--exclude', '38', '--seed', '1'],
    message: /option --exclude: unknown line 38/ },
  { name: 'no scenario of the class to draw', args: ['scene', '--steps', '10', '--p-n2', '0.1', '--classes', 'tie', '--seed', '1', '--data', tiny],
    message: /option --p-n2: 0\.1 but no N-2 scenario is of class tie on this case \(N-2: tie 0, island 8, lost 7\)/ },
  { name: 'unknown option', args: ['scene', '--steps', '10', '--seed', '1', '--p-n4', '0.1'], message: /unknown option '--p-n4'/ },
];

for (const bad of BAD) {
  test(`bad input, exit 2, nothing written: ${bad.name}`, () => {
    const out = freshDir();
    const args = bad.args[0] === 'scene' ? [...bad.args, '--out', path.join(out, 'event.csv')] : [...bad.args, '--out-dir', out];
    const r = run(args);
    assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, bad.message);
    if (bad.oneLine !== false) {
      assert.equal(r.stderr.split('\n').length, 2, `one line: ${JSON.stringify(r.stderr)}`);
      assert.match(r.stderr, /^faultmaker: /);
    }
    assert.ok(!fs.existsSync(out), 'nothing may be written');
  });
}

test('bad input: a broken case file names file, row and column; --out on a directory', () => {
  const broken = path.join(root, 'broken');
  writeTinyFeeder(broken);
  const lines = fs.readFileSync(path.join(broken, 'lines.csv'), 'utf8').replace('3,3,4,0.4', '3,3,9,0.4');
  fs.writeFileSync(path.join(broken, 'lines.csv'), lines);
  const out = freshDir();
  let r = run(['enumerate', '--k', '1', '--data', broken, '--out-dir', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /lines\.csv, row 4, column to: expected a bus listed in buses\.csv, found unknown bus 9/);
  assert.ok(!fs.existsSync(out));
  fs.mkdirSync(out);
  r = run(['scene', '--steps', '5', '--seed', '1', '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /option --out: ".*" is a directory, expected a file name/);
  assert.deepEqual(fs.readdirSync(out), []);
});

test('bad input: an output under a file (not a directory) is exit 2 with one line, not a crash', () => {
  const file = path.join(root, 'plain-file');
  fs.writeFileSync(file, 'x');
  let r = run(['enumerate', '--k', '1', '--out-dir', path.join(file, 'sub')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^faultmaker: option --out-dir: ".*plain-file" is a file, not a directory\n$/);
  r = run(['scene', '--steps', '5', '--seed', '1', '--out', path.join(file, 'event.csv')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^faultmaker: option --out: ".*plain-file" is a file, not a directory\n$/);
  assert.equal(r.stdout, '');
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
});

test('a misspelt option is named as unknown, not as a missing required one; nothing written', () => {
  const cwd = freshDir();
  fs.mkdirSync(cwd);
  // the required --k and --seed are missing too: the misspelling is what the user needs to hear
  for (const [args, bad] of [[['enumerate', '--k2'], '--k2'], [['scene', '--steps', '5', '--sed', '1'], '--sed']] as const) {
    const r = run([...args], cwd);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^faultmaker: unknown option '${bad}'.*\\n$`));
    assert.equal(r.stdout, '');
  }
  // a required option that is really missing is still named
  const r = run(['enumerate'], cwd);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^faultmaker: required option '--k <k>' not specified/);
  assert.deepEqual(fs.readdirSync(cwd), []);
});

test('--help of every faultmaker command prints the exit codes exactly once', () => {
  const { buildProgram } = require('./faultmaker') as typeof import('./faultmaker');
  const names = buildProgram().commands.map((c) => c.name());
  assert.deepEqual(names, ['enumerate', 'scene']);
  for (const c of [...names.map((n) => [n, '--help']), ['--help']]) {
    const r = run(c);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('Exit codes:').length - 1, 1, `faultmaker ${c.join(' ')}`);
  }
});
