import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { lpIterationReports } from '../opt/highs';

const BIN = path.join(__dirname, '..', '..', 'bin', 'mdpc.js');

function run(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('mdpc solve: bad input gives one line, exit 2, nothing written', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mdpc-cli-'));
  try {
    for (const args of [
      ['solve', '--mode', 'island'],
      ['solve', '--objective', 'speed'],
      ['solve', '--time-limit', '0'],
      ['solve', '--time-limit', '-3'],
      ['solve', '--gap', '2'],
      ['solve', '--step', '99999999'],
      ['solve', '--fault', '99'],
      ['solve', '--load', 'peak'],
      ['solve', '--data', path.join(cwd, 'nowhere')],
      ['solve', '--run', '../escape'],
    ]) {
      const r = run(args, cwd);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.out, '');
      assert.deepEqual(fs.readdirSync(cwd), [], `${args.join(' ')} wrote something`);
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

test('mdpc solve --json (LinDistFlow, approximate) prints the action and its AC evaluation and writes step files', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mdpc-cli-'));
  try {
    const r = run(['solve', '--load', 'nominal', '--objective', 'loss', '--mt', 'off', '--branch', 'lindistflow', '--json', '--run', 'cli-test',
      '--time-limit', '120'], cwd);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.approximate, true);
    assert.equal(j.openLines.length, 5);
    assert.ok(j.ac.lossKw > 100 && j.ac.lossKw < 210, String(j.ac.lossKw));
    assert.ok(typeof j.ac.reward.total === 'number');
    assert.ok(fs.existsSync(path.join(cwd, 'log', 'cli-test', 'step_nominal.lp')));
    // the solver's work, against the reports in the step's HiGHS log
    const log = fs.readFileSync(path.join(cwd, 'log', 'cli-test', 'step_nominal.log'), 'utf8');
    const reported = lpIterationReports(log);
    assert.equal(j.work.mipSolves, 1);
    assert.equal(reported.length, j.work.mipSolves + j.work.lpSolves);
    assert.equal(j.work.lpIterations, reported.reduce((a, b) => a + b, 0));
    assert.ok(j.work.lpIterations > 0);
    assert.equal(j.work.nodes, Number(/^\s*Nodes\s+(\d+)\s*$/m.exec(log)![1]));
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

test('mdpc solve: buses without load are never reported shed (a feeder with zero-load buses)', () => {
  const src = path.join(__dirname, '..', '..', 'data', 'ieee33');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdpc-zero-'));
  for (const f of ['lines.csv', 'generators.csv']) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  // buses 5, 12, 20 and 27 carry no load
  const zero = new Set(['5', '12', '20', '27']);
  const buses = fs.readFileSync(path.join(src, 'buses.csv'), 'utf8').trim().split('\n').map((l, i) => {
    const c = l.split(',');
    if (i > 0 && zero.has(c[0])) { c[2] = '0'; c[3] = '0'; }
    return c.join(',');
  });
  fs.writeFileSync(path.join(dir, 'buses.csv'), buses.join('\n') + '\n');
  const r = run(['solve', '--data', dir, '--load', 'nominal', '--objective', 'loss', '--mt', 'off', '--json', '--no-log'], dir);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.shedBuses, []);
  assert.equal(j.ac.unservedKw, 0);
  assert.equal(j.ac.shedKw, 0);
});

test('mdpc solve / merge / clean: bad output paths are exit 2 with one line naming the option, before any work, nothing written', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mdpc-cli-'));
  try {
    fs.writeFileSync(path.join(cwd, 'F'), 'x');
    fs.mkdirSync(path.join(cwd, 'D'));
    const shard = path.join(__dirname, '..', '..', 'src', 'mdp', 'fixtures', 'case33py_mdpc_example.csv');
    const cases: [string[], RegExp][] = [
      [['solve', '--load', 'nominal', '--run', 'n'.repeat(300)],
        /^mdpc: option --run: expected names of at most 255 bytes in the path, found "n+…n+" of 300 bytes\n$/],
      [['merge', '--out', 'F/m.csv', shard], /^mdpc: option --out: "F" is a file, not a directory\n$/],
      [['merge', '--out', 'm.csv', 'D'], /^mdpc: D: expected a chain file, found a directory\n$/],
      [['merge', '--run', 'big', '--shards', '2', '--out-dir', 'F'], /^mdpc: option --out-dir: "F" is a file, not a directory\n$/],
      [['clean', '--log-dir', 'F', '--keep-runs', '1'], /^mdpc: option --log-dir: "F" is a file, not a directory\n$/],
      // log/ is a plain file: the solver files of --run cannot go under it
      [['solve', '--load', 'nominal', '--run', 'x'], /^mdpc: option --run: ".*log" is a file, not a directory\n$/],
    ];
    for (const [args, re] of cases) {
      if (args.includes('x')) fs.writeFileSync(path.join(cwd, 'log'), 'x');
      const before = fs.readdirSync(cwd).sort();
      const t0 = Date.now();
      const r = run(args, cwd);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, re, args.join(' '));
      assert.equal(r.out, '');
      assert.ok(Date.now() - t0 < 8000, `${args.join(' ')} failed only after ${Date.now() - t0} ms`);
      assert.deepEqual(fs.readdirSync(cwd).sort(), before, `${args.join(' ')} wrote something`);
      assert.equal(fs.readFileSync(path.join(cwd, 'F'), 'utf8'), 'x');
    }
    assert.deepEqual(fs.readdirSync(path.join(cwd, 'D')), []);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

test('--help of every mdpc command prints the exit codes exactly once', () => {
  const { buildProgram } = require('./mdpc') as typeof import('./mdpc');
  const names = buildProgram().commands.map((c) => c.name());
  assert.deepEqual(names, ['solve', 'run', 'merge', 'clean', 'export', 'report', 'daemon']);
  for (const c of names) {
    const r = run([c, '--help'], os.tmpdir());
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('Exit codes:').length - 1, 1, `mdpc ${c} --help`);
  }
});
