/** The environment, the schemas and the CLI on a feeder that is not the 33-bus one: sizes come from the data. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadCase } from '../grid/load-case';
import { loadSeries, Series } from '../grid/series';
import { RestorationEnv } from './restoration-env';
import { whyNotContained } from './spaces';
import { chainSchema } from '../mdp/schema';
import { writeSixBusFeeder as writeFeeder } from '../testing/feeders';

const CLI = path.join(__dirname, '..', '..', 'bin', 'powerflow.js');

test('a 6-bus feeder with two substations and a fixed line: spaces, encodings and chain schemas sized from the data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feeder-'));
  writeFeeder(dir);
  const net = loadCase(dir);
  const series = loadSeries(net, dir) as Series;
  const env = new RestorationEnv({ net, series, observation: 'case33py', horizon: 5 });
  // 7 lines, 6 buses, 2 substations: 3 lines open in a radial configuration
  assert.equal(env.layout.openSlots, 3);
  assert.deepEqual((env.observationSpace as { shape: number[] }).shape, [4 + 3 + 2 + 1]);
  const table = env.radialTable();
  assert.ok(table.count > 0);
  const r0 = env.reset({ seed: 2 });
  assert.equal(whyNotContained(env.observationSpace, r0.observation), null);
  for (let c = 0; c < table.count; c++) {
    env.reset({ seed: 2 });
    const r = env.step({ config: c, mtPKw: [100, 0], mtQKvar: [0, 0] });
    assert.equal(r.info.valid, true);
    assert.equal(r.terminated, false, `configuration ${c}`);
    assert.equal(whyNotContained(env.observationSpace, r.observation), null);
  }
  const s = chainSchema('case33py', net);
  assert.equal(s.columns.length, 2 * (4 + 3 + 2) + 1 + 2 + 2 + 3 + 1 + 1);
  assert.equal(s.formatRow(env.lastTransition()!).split(',').length, s.columns.length);
  const full = chainSchema('full', net);
  assert.equal(full.formatRow(env.lastTransition()!).split(',').length, full.columns.length);
  // the CLI on the same case
  const r = spawnSync(process.execPath, [CLI, 'actions', '--data', dir, '--out', path.join(dir, 'out', 'acts')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).count, table.count);
  const s2 = spawnSync(process.execPath, [CLI, 'serve', '--data', dir, '--horizon', '3'],
    { encoding: 'utf8', input: '{"cmd":"reset","seed":1}\n{"cmd":"step","action":{"open":[6,7,4]}}\n' });
  assert.equal(s2.status, 0, s2.stderr);
  const lines = s2.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[1].info.valid, true);
  assert.equal(lines[1].observation.switchOpen.length, 7);
  fs.rmSync(dir, { recursive: true });
});

test('a power flow that does not converge ends the episode and charges the whole load as unserved', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feeder-'));
  fs.writeFileSync(path.join(dir, 'buses.csv'),
    'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n1,11,0,0,0.95,1.05,1\n2,11,100,50,0.95,1.05,0\n3,11,80,40,0.95,1.05,0\n');
  fs.writeFileSync(path.join(dir, 'lines.csv'), 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,2,5,5,400,1,0\n2,2,3,5,5,400,1,0\n');
  // no MT at all
  fs.writeFileSync(path.join(dir, 'generators.csv'), 'gen,bus,kind,pMinKw,pMaxKw,qMinKvar,qMaxKvar,costPerKwh,gridForming\n1,3,PV,0,50,0,0,0,0\n');
  // step 1 asks for 50 MW through 10 ohm at 11 kV: no solution
  fs.writeFileSync(path.join(dir, 'load.csv'), ['0+0j,100+50j,80+40j', '0+0j,50000+20000j,50000+20000j', '0+0j,100+50j,80+40j'].join('\n') + '\n');
  const net = loadCase(dir);
  const env = new RestorationEnv({ net, series: loadSeries(net, dir) as Series, horizon: 2 });
  env.reset({ seed: 1 });
  const r = env.step({});
  assert.notEqual(r.info.pfStatus, 'converged');
  assert.equal(r.terminated, true);
  assert.equal(r.info.terminationReason, 'powerflow');
  assert.equal(r.info.reward.blackout, 10 * 100000);
  assert.equal(r.reward, -1e6);
  assert.ok(Number.isFinite(r.reward));
  assert.equal(whyNotContained(env.observationSpace, r.observation), null);
  fs.rmSync(dir, { recursive: true });
});
