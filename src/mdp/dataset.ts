/**
 * Offline-RL datasets from full-schema MDP chains: the chain's rows as the arrays offline-RL
 * libraries load (d3rlpy's MDPDataset, Minari / D4RL-style episodes, SB3 replay buffers):
 *
 *   observations        (N, F)  S(t) features: every S(t)_ column but S(t)_step and S(t)_config
 *   actions             (N, A)  A(t): every A(t)_ column but A(t)_config
 *   rewards             (N,)    R(t+1)
 *   next_observations   (N, F)  S(t+1), same features in the same order
 *   terminations        (N,)    bool, the environment's terminated
 *   truncations         (N,)    bool, the environment's truncated (the episode's horizon)
 *   episode_starts      (N,)    bool, row 0, a new run episode, or the row after one that
 *                               terminated or truncated (the environment was reset there)
 *   episode_ids         (N,)    int64, 0.. counting episode starts (cumsum(episode_starts) - 1)
 *   run_episodes        (N,)    int64, the chain's episode column (the run's --episode block)
 *   steps               (N,)    int64, S(t)'s step (0-based row of the series)
 *   config_obs, config_actions, config_next_obs  (N,) int64: the radial configuration of S(t),
 *                               A(t), S(t+1) as the environment's 0-based `config` index (the
 *                               chain's 1-based column minus one), -1 when not in the table
 *   reward_terms        (N, T)  the R_ columns; loss_kw, unserved_kw, switch_ops, valid,
 *                               pf_status per row
 *   observation_columns, action_columns, reward_term_columns: the chain's column names
 *   obs_mean, obs_std, obs_min, obs_max, action_mean, action_std, action_min, action_max,
 *   reward_mean, reward_std: normalisation statistics over the N rows (std with ddof = 0, as
 *   numpy's default; a constant feature has std 0: divide by max(std, eps))
 *
 * Only the full schema has what this needs (episode, terminated, truncated); a case33py chain is
 * refused with an InputError naming the missing columns.
 */
import * as fs from 'node:fs';
import { InputError } from '../io/errors';
import { NpyArray, bool, f64, i64, strings } from '../io/npz';

export interface OfflineDataset {
  rows: number;
  episodes: number;
  observationColumns: string[];
  actionColumns: string[];
  rewardTermColumns: string[];
  observations: Float64Array;
  nextObservations: Float64Array;
  actions: Float64Array;
  rewards: Float64Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
  episodeStarts: Uint8Array;
  episodeIds: Int32Array;
  runEpisodes: Int32Array;
  steps: Int32Array;
  configObs: Int32Array;
  configActions: Int32Array;
  configNextObs: Int32Array;
  rewardTerms: Float64Array;
  lossKw: Float64Array;
  unservedKw: Float64Array;
  switchOps: Int32Array;
  valid: Uint8Array;
  pfStatus: string[];
}

/** Per-feature mean, std (ddof 0), min and max of an (n, f) row-major matrix. */
export function columnStats(x: Float64Array, n: number, f: number): { mean: Float64Array; std: Float64Array; min: Float64Array; max: Float64Array } {
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  const min = new Float64Array(f).fill(n > 0 ? Infinity : NaN);
  const max = new Float64Array(f).fill(n > 0 ? -Infinity : NaN);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const v = x[i * f + j];
      mean[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < f; j++) mean[j] = n > 0 ? mean[j] / n : NaN;
  // two passes: the deviations, not the raw squares, are summed (no cancellation)
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) std[j] += (x[i * f + j] - mean[j]) ** 2;
  for (let j = 0; j < f; j++) std[j] = n > 0 ? Math.sqrt(std[j] / n) : NaN;
  return { mean, std, min, max };
}

const REQUIRED = ['episode', 'S(t)_step', 'R(t+1)', 'terminated', 'truncated', 'S(t)_config', 'A(t)_config', 'S(t+1)_config', 'lossKw', 'unservedKw',
  'switchOps', 'valid', 'pfStatus'];

/** Read a full-schema chain CSV into dataset arrays (InputError with file, row, column on bad cells). */
export function readChainDataset(file: string): OfflineDataset {
  if (!fs.existsSync(file)) throw new InputError('ENOENT', 'chain file not found', { file });
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new InputError('EMPTY', 'expected a chain header', { file, row: 1 });
  const header = lines[0].replace(/\r$/, '').split(',');
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) {
    const hint = index.has('current_time') ? ' (a case33py chain: make it with --schema full, the default)' : '';
    throw new InputError('SCHEMA_MISMATCH', `expected a full-schema chain, missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${hint}`,
      { file, row: 1 });
  }
  const col = (name: string): number => index.get(name)!;
  const obsNames = header.filter((h) => h.startsWith('S(t)_') && h !== 'S(t)_step' && h !== 'S(t)_config');
  const obsCols = obsNames.map(col);
  const nextCols = obsNames.map((h) => {
    const c = index.get('S(t+1)_' + h.slice('S(t)_'.length));
    if (c === undefined) throw new InputError('SCHEMA_MISMATCH', `expected a column S(t+1)_${h.slice(5)} beside ${h}`, { file, row: 1 });
    return c;
  });
  const actNames = header.filter((h) => h.startsWith('A(t)_') && h !== 'A(t)_config');
  const actCols = actNames.map(col);
  const termNames = header.filter((h) => h.startsWith('R_'));
  const termCols = termNames.map(col);

  const n = lines.length - 1;
  const F = obsCols.length;
  const A = actCols.length;
  const T = termCols.length;
  const ds: OfflineDataset = {
    rows: n, episodes: 0,
    observationColumns: obsNames, actionColumns: actNames, rewardTermColumns: termNames,
    observations: new Float64Array(n * F), nextObservations: new Float64Array(n * F), actions: new Float64Array(n * A),
    rewards: new Float64Array(n), terminations: new Uint8Array(n), truncations: new Uint8Array(n),
    episodeStarts: new Uint8Array(n), episodeIds: new Int32Array(n), runEpisodes: new Int32Array(n), steps: new Int32Array(n),
    configObs: new Int32Array(n), configActions: new Int32Array(n), configNextObs: new Int32Array(n),
    rewardTerms: new Float64Array(n * T), lossKw: new Float64Array(n), unservedKw: new Float64Array(n),
    switchOps: new Int32Array(n), valid: new Uint8Array(n), pfStatus: new Array<string>(n),
  };
  const width = header.length;
  const cEp = col('episode'), cStep = col('S(t)_step'), cR = col('R(t+1)'), cTerm = col('terminated'), cTrunc = col('truncated');
  const cCfgS = col('S(t)_config'), cCfgA = col('A(t)_config'), cCfgS1 = col('S(t+1)_config');
  const cLoss = col('lossKw'), cUns = col('unservedKw'), cOps = col('switchOps'), cValid = col('valid'), cPf = col('pfStatus');
  let episode = -1;
  for (let i = 0; i < n; i++) {
    const row = i + 2;
    const cells = lines[i + 1].replace(/\r$/, '').split(',');
    if (cells.length !== width) throw new InputError('COLUMN_COUNT', `expected ${width} cells as in the header, found ${cells.length}`, { file, row });
    const num = (c: number): number => {
      const s = cells[c];
      const v = Number(s);
      if (s === '' || (Number.isNaN(v) && s !== 'NaN')) throw new InputError('NOT_NUMBER', `expected a number in ${header[c]}, found "${s}"`,
        { file, row, column: c + 1 });
      return v;
    };
    const int = (c: number): number => {
      const v = num(c);
      if (!Number.isInteger(v)) throw new InputError('NOT_INTEGER', `expected an integer in ${header[c]}, found "${cells[c]}"`, { file, row, column: c + 1 });
      return v;
    };
    const flag = (c: number): number => {
      if (cells[c] !== '0' && cells[c] !== '1') throw new InputError('BAD_FLAG', `expected 0 or 1 in ${header[c]}, found "${cells[c]}"`,
        { file, row, column: c + 1 });
      return cells[c] === '1' ? 1 : 0;
    };
    /** the chain's 1-based configuration (or -1) as the environment's 0-based index (or -1) */
    const config = (c: number): number => {
      const v = int(c);
      if (v === 0 || v < -1) throw new InputError('BAD_VALUE', `expected a 1-based configuration or -1 in ${header[c]}, found "${cells[c]}"`,
        { file, row, column: c + 1 });
      return v < 0 ? -1 : v - 1;
    };
    for (let j = 0; j < F; j++) {
      ds.observations[i * F + j] = num(obsCols[j]);
      ds.nextObservations[i * F + j] = num(nextCols[j]);
    }
    for (let j = 0; j < A; j++) ds.actions[i * A + j] = num(actCols[j]);
    for (let j = 0; j < T; j++) ds.rewardTerms[i * T + j] = num(termCols[j]);
    ds.rewards[i] = num(cR);
    ds.terminations[i] = flag(cTerm);
    ds.truncations[i] = flag(cTrunc);
    ds.runEpisodes[i] = int(cEp);
    ds.steps[i] = int(cStep);
    ds.configObs[i] = config(cCfgS);
    ds.configActions[i] = config(cCfgA);
    ds.configNextObs[i] = config(cCfgS1);
    ds.lossKw[i] = num(cLoss);
    ds.unservedKw[i] = num(cUns);
    ds.switchOps[i] = int(cOps);
    ds.valid[i] = flag(cValid);
    if (!/^[a-z-]+$/.test(cells[cPf])) throw new InputError('BAD_VALUE', `expected a power-flow status word in pfStatus, found "${cells[cPf]}"`,
      { file, row, column: cPf + 1 });
    ds.pfStatus[i] = cells[cPf];
    const start = i === 0 || ds.runEpisodes[i] !== ds.runEpisodes[i - 1] || ds.terminations[i - 1] === 1 || ds.truncations[i - 1] === 1;
    if (start) episode++;
    ds.episodeStarts[i] = start ? 1 : 0;
    ds.episodeIds[i] = episode;
  }
  ds.episodes = episode + 1;
  return ds;
}

/** The dataset and its normalisation statistics as named numpy arrays (for an .npz). */
export function datasetArrays(ds: OfflineDataset): Record<string, NpyArray> {
  const n = ds.rows;
  const F = ds.observationColumns.length;
  const A = ds.actionColumns.length;
  const T = ds.rewardTermColumns.length;
  const os = columnStats(ds.observations, n, F);
  const as = columnStats(ds.actions, n, A);
  const rs = columnStats(ds.rewards, n, 1);
  return {
    observations: f64(ds.observations, [n, F]),
    actions: f64(ds.actions, [n, A]),
    rewards: f64(ds.rewards),
    next_observations: f64(ds.nextObservations, [n, F]),
    terminations: bool(ds.terminations),
    truncations: bool(ds.truncations),
    episode_starts: bool(ds.episodeStarts),
    episode_ids: i64(ds.episodeIds),
    run_episodes: i64(ds.runEpisodes),
    steps: i64(ds.steps),
    config_obs: i64(ds.configObs),
    config_actions: i64(ds.configActions),
    config_next_obs: i64(ds.configNextObs),
    reward_terms: f64(ds.rewardTerms, [n, T]),
    loss_kw: f64(ds.lossKw),
    unserved_kw: f64(ds.unservedKw),
    switch_ops: i64(ds.switchOps),
    valid: bool(ds.valid),
    pf_status: strings(ds.pfStatus),
    observation_columns: strings(ds.observationColumns),
    action_columns: strings(ds.actionColumns),
    reward_term_columns: strings(ds.rewardTermColumns),
    obs_mean: f64(os.mean), obs_std: f64(os.std), obs_min: f64(os.min), obs_max: f64(os.max),
    action_mean: f64(as.mean), action_std: f64(as.std), action_min: f64(as.min), action_max: f64(as.max),
    reward_mean: f64(rs.mean, []), reward_std: f64(rs.std, []),
  };
}
