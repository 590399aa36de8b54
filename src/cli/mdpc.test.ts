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
    const r = run(['solve', '--load', 'nominal', '--objective', 'loss', '--mt', 'off', '--branch', 'lindistflow', '--json', '--run', 'cli-test', '--time-limit', '120'], cwd);
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
