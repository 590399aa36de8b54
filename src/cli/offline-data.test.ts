/**
 * Offline-RL data from `powerflow replay` and `mdpc export` (fast: no solver):
 *  - the chain's episode, terminated, truncated and config columns are what the environment
 *    reported, stepping it in the test on the same schedule (reset per episode and after a
 *    termination), its config from info.config (the mask's bookkeeping);
 *  - the export read back by numpy equals the CSV's columns, with its statistics recomputed;
 *  - bad input to export: one line, exit 2, nothing written.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { loadSeries } from '../grid/series';
import { RestorationEnv } from '../env/restoration-env';
import { spawnSync } from 'node:child_process';
import { DATA_33, listFiles, numpyCheckExport, numpyMissing, runCli, tmpDir } from '../testing/helpers';
import { findH5wasm } from '../io/hdf5';

// the bundled event table faults line 21 (bus 22 cut off) at step 9 only
const START = 6;
const N = 6;
const EPISODE = 4;

function replay(dir: string): { chain: string; header: string[]; rows: string[][] } {
  const acts = path.join(dir, 'acts.csv');
  fs.writeFileSync(acts, 'open\n' + '33 34 35 36 37\n'.repeat(N));
  const chain = path.join(dir, 'chain.csv');
  const r = runCli('powerflow', ['replay', '--actions', acts, '--start', String(START), '--episode', String(EPISODE), '--termination', 'any-loss', '--out',
    chain]);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.equal(m.schema, 'full', 'full is the default schema');
  assert.equal(m.terminations, 1);
  const lines = fs.readFileSync(chain, 'utf8').trim().split('\n').map((l) => l.split(','));
  return { chain, header: lines[0], rows: lines.slice(1) };
}

test('replay chain: episode, terminated, truncated and config columns are what the environment reported', () => {
  const dir = tmpDir('offline-');
  const { header, rows } = replay(dir);
  const c = (name: string): number => {
    const i = header.indexOf(name);
    assert.ok(i >= 0, name);
    return i;
  };
  const net = loadCase(DATA_33);
  const series = loadSeries(net, DATA_33)!;
  const env = new RestorationEnv({ net, series, mode: 'reconfig', termination: 'any-loss', observation: 'full', actionMask: true });
  const seen: { episode: number; terminated: boolean; truncated: boolean; configS: number; configS1: number; step: number }[] = [];
  for (let e = 0, t = START; t < START + N; e++, t += EPISODE) {
    const len = Math.min(EPISODE, START + N - t);
    let info = env.reset({ options: { start: t, horizon: len } }).info;
    for (let k = 0; k < len; k++) {
      const before = info.config!;
      const r = env.step({ open: [33, 34, 35, 36, 37] });
      seen.push({ episode: e, terminated: r.terminated, truncated: r.truncated, configS: before, configS1: r.info.config!, step: t + k });
      info = r.info;
      if (r.terminated && k + 1 < len) info = env.reset({ options: { start: t + k + 1, horizon: len - k - 1 } }).info;
    }
  }
  assert.equal(rows.length, N);
  rows.forEach((row, i) => {
    const s = seen[i];
    assert.equal(Number(row[c('S(t)_step')]), s.step);
    assert.equal(Number(row[c('episode')]), s.episode, `row ${i + 1} episode`);
    assert.equal(row[c('terminated')], s.terminated ? '1' : '0', `row ${i + 1} terminated`);
    assert.equal(row[c('truncated')], s.truncated ? '1' : '0', `row ${i + 1} truncated`);
    // the chain is 1-based, the environment's index 0-based; -1 in both when not radial
    const one = (x: number): string => String(x < 0 ? -1 : x + 1);
    assert.equal(row[c('S(t)_config')], one(s.configS), `row ${i + 1} S(t)_config`);
    assert.equal(row[c('S(t+1)_config')], one(s.configS1), `row ${i + 1} S(t+1)_config`);
  });
  // and what that is on this range: the onset at step 9 ends the first episode's third row (any
  // loss), the environment restarts at 9 for the episode's last row; the table's last
  // configuration is the normal topology (ties 33..37 open)
  assert.deepEqual(rows.map((r) => r[c('episode')]), ['0', '0', '0', '0', '1', '1']);
  assert.deepEqual(rows.map((r) => r[c('terminated')]), ['0', '0', '1', '0', '0', '0']);
  assert.deepEqual(rows.map((r) => r[c('truncated')]), ['0', '0', '0', '1', '0', '1']);
  assert.deepEqual(rows.map((r) => r[c('S(t)_config')]), ['50751', '50751', '50751', '-1', '50751', '50751']);
  assert.deepEqual(rows.map((r) => r[c('A(t)_config')]), Array(N).fill('50751'));
  assert.equal(rows[2][c('S(t+1)_faulted_L21')], '1');
  assert.equal(rows[2][c('S(t+1)_config')], '-1', 'six lines open');
  fs.rmSync(dir, { recursive: true });
});

test('mdpc export of a replayed chain: numpy reads arrays equal to the CSV, statistics recomputed, episode starts after the termination', (t) => {
  const dir = tmpDir('offline-');
  const { chain } = replay(dir);
  const r = runCli('mdpc', ['export', '--chain', chain, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const sum = JSON.parse(r.stdout);
  const npz = path.join(dir, 'chain.npz');
  assert.equal(sum.out, npz);
  assert.equal(sum.rows, N);
  assert.equal(sum.episodes, 3);
  assert.equal(fs.statSync(npz).size, sum.bytes);
  const m = JSON.parse(fs.readFileSync(npz + '.manifest.json', 'utf8'));
  assert.deepEqual(m.arrays.observations, { dtype: '<f8', shape: [N, sum.observationFeatures] });
  assert.equal(m.dataFiles[0].file, path.relative(process.cwd(), chain));
  assert.deepEqual(listFiles(dir).filter((f) => f.includes('tmp')), []);
  // a second export is refused, --force replaces it with the same bytes
  const before = fs.readFileSync(npz);
  const again = runCli('mdpc', ['export', '--chain', chain, '--quiet']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^mdpc: option --out: .*chain\.npz exists already: add --force to replace it\n$/);
  assert.equal(runCli('mdpc', ['export', '--chain', chain, '--quiet', '--force']).code, 0);
  assert.deepEqual(fs.readFileSync(npz), before);

  const why = numpyMissing();
  if (why) { t.skip(why); return; }
  const got = numpyCheckExport(npz, chain);
  for (const k of ['columnsMatch', 'observations', 'next_observations', 'actions', 'rewards', 'terminations', 'truncations', 'episode_starts',
    'episode_ids', 'run_episodes', 'steps', 'configs', 'obsStats', 'actionStats', 'rewardStats']) {
    assert.equal(got[k], true, k);
  }
  // S(t)_gridForming_G1, the longest name
  assert.deepEqual(got.dtypes, { observations: 'float64', terminations: 'bool', episode_ids: 'int64', observation_columns: '<U19' });
  assert.deepEqual(got.episodeStarts, [1, 0, 0, 1, 1, 0]);
  assert.deepEqual(got.episodeIds, [0, 0, 0, 1, 2, 2]);
  assert.deepEqual(got.configObs, [50750, 50750, 50750, -1, 50750, 50750], 'the environment\'s 0-based index');
  fs.rmSync(dir, { recursive: true });
});

test('mdpc export bad input: one line naming the option or file, exit 2, nothing written', () => {
  const dir = tmpDir('offline-');
  const c33 = path.join(dir, 'c33.csv');
  const acts = path.join(dir, 'acts.csv');
  fs.writeFileSync(acts, 'open\n33 34 35 36 37\n');
  assert.equal(runCli('powerflow', ['replay', '--actions', acts, '--start', '0', '--schema', 'case33py', '--out', c33]).code, 0);
  const full = path.join(dir, 'full.csv');
  assert.equal(runCli('powerflow', ['replay', '--actions', acts, '--start', '0', '--out', full]).code, 0);
  const text = fs.readFileSync(full, 'utf8').split('\n');
  const cells = text[1].split(',');
  cells[3] = 'x';
  const broken = path.join(dir, 'broken.csv');
  fs.writeFileSync(broken, [text[0], cells.join(','), ''].join('\n'));
  const before = listFiles(dir);
  const cases: [string[], RegExp][] = [
    [['export'], /^mdpc: option --run: give either --run NAME or --chain FILE\n$/],
    [['export', '--run', 'a', '--chain', full], /^mdpc: option --chain: give either --run NAME or --chain FILE\n$/],
    [['export', '--run', 'nope', '--out-dir', dir], /^mdpc: option --run: .*nope\.csv not found\n$/],
    [['export', '--chain', path.join(dir, 'missing.csv')], /^mdpc: .*missing\.csv: chain file not found\n$/],
    [['export', '--chain', c33], new RegExp(/^mdpc: .*c33\.csv, row 1: expected a full-schema chain, missing columns episode, S\(t\)_step, /.source +
      /.* \(a case33py chain: make it with --schema full, the default\)\n$/.source)],
    [['export', '--chain', broken], /^mdpc: .*broken\.csv, row 2, column 4: expected a number in S\(t\)_open_L2, found "x"\n$/],
    [['export', '--chain', full, '--out', path.join(dir, 'x.npy')], /^mdpc: option --out: expected a file name ending in \.npz, found ".*x\.npy"\n$/],
  ];
  for (const [args, re] of cases) {
    const r = runCli('mdpc', args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(listFiles(dir), before, 'nothing written');
  fs.rmSync(dir, { recursive: true });
});

test('mdpc export --format minari: one HDF5 group per trajectory, read back by h5py against the npz (skipped without h5wasm or h5py)', (t) => {
  const dir = tmpDir('offline-');
  const { chain } = replay(dir);
  const out = path.join(dir, 'ds');
  if (!findH5wasm()) {
    // the optional writer is absent: said so, exit 2, nothing written
    const r = runCli('mdpc', ['export', '--chain', chain, '--format', 'minari', '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(/^mdpc: option --format: the minari format writes HDF5 with the npm package h5wasm, which is not installed: /.source +
      /npm install h5wasm@0\.10\.3 \(or use --format npz\)\n$/.source));
    assert.ok(!fs.existsSync(out));
    t.skip('h5wasm is not installed (npm install h5wasm@0.10.3)');
    return;
  }
  const r = runCli('mdpc', ['export', '--chain', chain, '--format', 'minari', '--out', out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).episodes, 3);
  assert.deepEqual(listFiles(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary folder left');
  assert.ok(fs.existsSync(path.join(dir, 'ds.manifest.json')));
  assert.deepEqual(listFiles(out), ['data/main_data.hdf5', 'data/metadata.json'].map((f) => path.join(...f.split('/'))));
  assert.equal(runCli('mdpc', ['export', '--chain', chain, '--quiet']).code, 0);
  const h5py = spawnSync('python3', ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
  if (h5py.status !== 0) { t.skip('python3 has no h5py (pip install h5py)'); return; }
  const py = String.raw`
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1] + '/data/main_data.hdf5', 'r'); d = np.load(sys.argv[2])
m = json.load(open(sys.argv[1] + '/data/metadata.json'))
s = np.flatnonzero(d['episode_starts']); e = np.append(s[1:], len(d['rewards']))
ok = sorted(f.keys()) == ['episode_%d' % i for i in range(len(s))]
for i, (a, b) in enumerate(zip(s, e)):
    g = f['episode_%d' % i]
    ok = ok and int(g.attrs['id']) == i and int(g.attrs['total_steps']) == b - a and int(g.attrs['start_step']) == int(d['steps'][a])
    ok = ok and np.array_equal(g['observations'][()], np.vstack([d['observations'][a:b], d['next_observations'][b - 1:b]]))
    for k in ('actions', 'rewards'): ok = ok and np.array_equal(g[k][()], d[k][a:b])
    for k in ('terminations', 'truncations'): ok = ok and np.array_equal(g[k][()].astype(bool), d[k][a:b])
box = json.loads(m['observation_space'])
ok = ok and m['total_episodes'] == len(s) and m['total_steps'] == len(d['rewards']) and m['data_format'] == 'hdf5'
ok = ok and box['type'] == 'Box' and box['shape'] == [d['observations'].shape[1]] and box['low'][0] == -np.inf
ok = ok and np.allclose(m['obs_mean'], d['obs_mean']) and m['observation_columns'] == list(d['observation_columns'])
print(json.dumps({'ok': bool(ok), 'lengths': (e - s).tolist()}))`;
  const c = spawnSync('python3', ['-c', py, out, path.join(dir, 'chain.npz')], { encoding: 'utf8' });
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout), { ok: true, lengths: [3, 1, 2] });
  fs.rmSync(dir, { recursive: true });
});
