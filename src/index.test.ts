/** The package's public entry points, required by name as a user would (package self-reference). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

test('require("case33ts"), "case33ts/env", "case33ts/mdp", "case33ts/expert": the README example runs, types are declared', () => {
  const lib = require('case33ts');
  const { RestorationEnv } = require('case33ts/env');
  const mdp = require('case33ts/mdp');
  const expert = require('case33ts/expert');
  const net = lib.loadCase(path.join(ROOT, 'data', 'ieee33'));
  assert.equal(net.buses.length, 33);
  const env = new RestorationEnv({ net, series: lib.loadSeries(net, path.join(ROOT, 'data', 'ieee33')), faults: { kind: 'none' }, observation: 'vector',
    actions: 'move', actionMask: true });
  const r0 = env.reset({ seed: 1 });
  assert.equal(r0.observation.length, 226);
  const keep = env.discreteSize() - 1;
  const r1 = env.step({ move: keep });
  assert.equal(r1.info.valid, true);
  // the base case at step 1's load: losses as the power flow reports them, reward through the cost model
  assert.ok(r1.info.lossKw > 0 && r1.reward < 0);
  assert.equal(typeof mdp.chainSchema, 'function');
  assert.equal(typeof expert.Expert, 'function');
  assert.deepEqual([...lib.REWARD_TERMS], ['voltage', 'loss', 'blackout', 'mt', 'grid', 'switching', 'invalid']);
  for (const d of ['index.d.ts', 'env/index.d.ts', 'mdp/index.d.ts', 'opt/index.d.ts']) assert.ok(fs.existsSync(path.join(ROOT, 'dist', d)), d);
});
