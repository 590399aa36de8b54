/**
 * Slow (the exact expert, about 10 s): `mdpc run` on the bundled data across the fault at step 120
 * that stopped the case33py run, with the default schema; its episode, terminated,
 * truncated and config columns against the run's step records and an independent lookup in the
 * table of radial configurations; its export read back by numpy.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { enumerateRadialConfigurations } from '../topology/spanning-trees';
import { DATA_33, numpyCheckExport, numpyMissing, runCli, tmpDir } from '../testing/helpers';

test('mdpc run --start 118 --steps 4 (default schema) passes the fault at step 120; its offline-RL columns and export', (t) => {
  const dir = tmpDir('mdpc-offline-');
  const r = runCli('mdpc', ['run', '--start', '118', '--steps', '4', '--episode', '2', '--no-lp', '--quiet', '--run', 'f'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const csvFile = path.join(dir, 'out/res_MDPC/f.csv');
  const lines = fs.readFileSync(csvFile, 'utf8').trim().split('\n').map((l) => l.split(','));
  const [header, ...rows] = lines;
  const c = (name: string): number => header.indexOf(name);
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'out/res_MDPC/f.manifest.json'), 'utf8'));
  assert.equal(m.options.schema, 'full');
  assert.deepEqual(rows.map((row) => Number(row[c('S(t)_step')])), [118, 119, 120, 121]);
  assert.deepEqual(rows.map((row) => row[c('episode')]), ['0', '0', '1', '1']);
  assert.deepEqual(rows.map((row) => row[c('episode')]), m.steps.map((s: { episode: number }) => String(s.episode)));
  assert.deepEqual(rows.map((row) => row[c('terminated')]), m.steps.map((s: { terminated: boolean }) => (s.terminated ? '1' : '0')));
  assert.deepEqual(rows.map((row) => row[c('truncated')]), ['0', '1', '0', '1'], 'each episode\'s last row');
  // the fault of line 24 begins at step 120: S(t+1) of the step-119 row shows it
  assert.equal(rows[1][c('S(t+1)_faulted_L24')], '1');
  // config: looked up here by the set of open lines, without the schema's code
  const net = loadCase(DATA_33);
  const table = enumerateRadialConfigurations(net);
  const byKey = new Map<string, number>();
  for (let k = 0; k < table.count; k++) byKey.set(Array.from(table.open.subarray(k * table.openCount, (k + 1) * table.openCount)).join(' '), k + 1);
  const expect = (row: string[], p: string): string => {
    const open = net.lines.map((l, i) => (row[c(`${p}_open_L${l.id}`)] === '1' ? i : -1)).filter((i) => i >= 0);
    return String(byKey.get(open.join(' ')) ?? -1);
  };
  let inTable = 0;
  for (const row of rows) {
    for (const p of ['S(t)', 'A(t)', 'S(t+1)']) {
      assert.equal(row[c(`${p}_config`)], expect(row, p), `step ${row[c('S(t)_step')]} ${p}_config`);
      if (row[c(`${p}_config`)] !== '-1') inTable++;
    }
  }
  assert.ok(inTable >= 8, 'most switch states are radial configurations');
  // S(t) of episode 1 starts from the normal topology, with line 24 faulted: six lines open
  assert.equal(rows[2][c('S(t)_config')], '-1');
  assert.equal(rows[0][c('S(t)_config')], String(table.count), 'the normal topology is the last configuration');

  const ex = runCli('mdpc', ['export', '--run', 'f', '--quiet'], { cwd: dir });
  assert.equal(ex.code, 0, ex.stderr);
  const npz = path.join(dir, 'out/res_MDPC/f.npz');
  assert.ok(fs.existsSync(npz) && fs.existsSync(npz + '.manifest.json'));
  const why = numpyMissing();
  if (why) { t.skip(why); return; }
  const got = numpyCheckExport(npz, csvFile);
  for (const k of ['columnsMatch', 'observations', 'next_observations', 'actions', 'rewards', 'terminations', 'truncations', 'episode_starts',
    'episode_ids', 'configs', 'obsStats', 'actionStats', 'rewardStats']) assert.equal(got[k], true, k);
  assert.deepEqual(got.episodeStarts, [1, 0, 1, 0]);
  fs.rmSync(dir, { recursive: true });
});
