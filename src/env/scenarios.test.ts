import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadCase } from '../grid/load-case';
import { loadSeries, Series } from '../grid/series';
import { readScenarioFile } from './scenarios';
import { FullObservation, RestorationEnv } from './restoration-env';

const ROOT = path.join(__dirname, '..', '..');
const IEEE33 = path.join(ROOT, 'data', 'ieee33');
const net = loadCase(IEEE33);

test('fault scenarios from faultmaker files (CSV with a header of line ids, JSON records) drive the environment', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scen-'));
  const ids = net.lines.map((l) => l.id);
  const row = (faulted: number[]): string => ids.map((id) => (faulted.includes(id) ? '1' : '0')).join(',');
  const csvFile = path.join(dir, 'n2.csv');
  fs.writeFileSync(csvFile, [ids.join(','), row([7]), row([26, 33]), row([1, 2])].join('\n') + '\n');
  const jsonFile = path.join(dir, 'n2.json');
  fs.writeFileSync(jsonFile, JSON.stringify([{ lines: [7], class: 'tie' }, { lines: [26, 33] }, [1, 2]]));
  const expect = [[6], [25, 32], [0, 1]];
  assert.deepEqual(readScenarioFile(csvFile, net), expect);
  assert.deepEqual(readScenarioFile(jsonFile, net), expect);
  fs.writeFileSync(path.join(dir, 'bad.json'), '[{"lines":[99]}]');
  assert.throws(() => readScenarioFile(path.join(dir, 'bad.json'), net), /scenario 1: expected line ids of the case/);

  const env = new RestorationEnv({ net, series: loadSeries(net, IEEE33) as Series, faults: { kind: 'scenarios', scenarios: expect } });
  const r = env.reset({ seed: 1, options: { scenario: 1 } });
  assert.equal(r.info.scenario, 1);
  const f = (r.observation as FullObservation).faulted;
  assert.deepEqual([...f].map((v, i) => (v ? ids[i] : 0)).filter(Boolean), [26, 33]);
  const s = env.step({ open: [26, 33, 34, 35, 36] }); // 26 out, restored through tie 37? no: 37 closed
  assert.equal(s.info.valid, true);
  // drawn scenarios are reproducible by seed
  const draw = (seed: number): number[] => [0, 1, 2, 3, 4].map((k) => env.reset({ seed: seed + k }).info.scenario!);
  assert.deepEqual(draw(5), draw(5));

  // through serve
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'powerflow.js'), 'serve', '--faults', csvFile],
    { encoding: 'utf8', input: '{"cmd":"reset","options":{"scenario":2}}\n{"cmd":"reset","options":{"scenario":3}}\n' });
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].info.scenario, 2);
  assert.match(lines[1].error, /scenario: expected an integer in 0..2/);
  fs.rmSync(dir, { recursive: true });
});
