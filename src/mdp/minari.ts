/**
 * An offline dataset in Minari's layout (the HDF5 storage of Farama's Minari, as D4RL's successor
 * reads it): a dataset folder holding
 *   data/main_data.hdf5   one group episode_<i> per trajectory (i = episode_ids), attributes id,
 *                         total_steps, start_step (S(t) of its first row) and run_episode; datasets
 *                         observations (T+1, F) float64 (the episode's S(t) rows, then S(t+1) of its
 *                         last row), actions (T, A) float64, rewards (T,) float64, terminations and
 *                         truncations (T,) int8 0/1
 *   data/metadata.json    dataset_id, total_episodes, total_steps, data_format "hdf5", the
 *                         observation and action spaces serialized as Minari does (Box, float64,
 *                         unbounded: written as JSON with Infinity, which Python's json reads), the
 *                         column names and the normalisation statistics
 * Written into a temporary folder beside the target and renamed into place when complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempNameFor } from '../io/atomic';
import { onCleanup } from '../io/signals';
import { openHdf5Writer } from '../io/hdf5';
import { OfflineDataset, columnStats } from './dataset';

/** Minari's serialization of an unbounded float64 Box of `n` features (JSON text). */
function boxSpace(n: number): string {
  const fill = (v: string): string => `[${Array(n).fill(v).join(', ')}]`;
  return `{"type": "Box", "dtype": "float64", "shape": [${n}], "low": ${fill('-Infinity')}, "high": ${fill('Infinity')}}`;
}

const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'NaN');

/** Write the dataset as a Minari dataset folder `dir` (replaced when it exists). Returns its size in bytes. */
export async function writeMinariDataset(dir: string, ds: OfflineDataset, datasetId: string): Promise<number> {
  const F = ds.observationColumns.length;
  const A = ds.actionColumns.length;
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const tmp = tempNameFor(path.resolve(dir));
  const unregister = onCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    fs.mkdirSync(path.join(tmp, 'data'), { recursive: true });
    const h5 = await openHdf5Writer(path.join(tmp, 'data', 'main_data.hdf5'));
    try {
      let a = 0;
      for (let e = 0; e < ds.episodes; e++) {
        let b = a + 1;
        while (b < ds.rows && !ds.episodeStarts[b]) b++;
        const T = b - a;
        const g = `episode_${e}`;
        h5.group(g);
        const obs = new Float64Array((T + 1) * F);
        obs.set(ds.observations.subarray(a * F, b * F));
        obs.set(ds.nextObservations.subarray((b - 1) * F, b * F), T * F);
        h5.dataset(`${g}/observations`, obs, [T + 1, F]);
        h5.dataset(`${g}/actions`, ds.actions.slice(a * A, b * A), [T, A]);
        h5.dataset(`${g}/rewards`, ds.rewards.slice(a, b), [T]);
        h5.dataset(`${g}/terminations`, Int8Array.from(ds.terminations.subarray(a, b)), [T]);
        h5.dataset(`${g}/truncations`, Int8Array.from(ds.truncations.subarray(a, b)), [T]);
        h5.attribute(g, 'id', e);
        h5.attribute(g, 'total_steps', T);
        h5.attribute(g, 'start_step', ds.steps[a]);
        h5.attribute(g, 'run_episode', ds.runEpisodes[a]);
        a = b;
      }
    } finally {
      h5.close();
    }
    const os = columnStats(ds.observations, ds.rows, F);
    const as = columnStats(ds.actions, ds.rows, A);
    const rs = columnStats(ds.rewards, ds.rows, 1);
    const arr = (x: Float64Array): string => `[${Array.from(x, num).join(', ')}]`;
    // written by hand: the spaces hold Infinity (Python's json reads it, JSON.stringify cannot write it)
    const meta = [
      `"dataset_id": ${JSON.stringify(datasetId)}`,
      `"total_episodes": ${ds.episodes}`,
      `"total_steps": ${ds.rows}`,
      `"data_format": "hdf5"`,
      `"observation_space": ${JSON.stringify(boxSpace(F))}`,
      `"action_space": ${JSON.stringify(boxSpace(A))}`,
      `"author": ["case33ts mdpc export"]`,
      `"observation_columns": ${JSON.stringify(ds.observationColumns)}`,
      `"action_columns": ${JSON.stringify(ds.actionColumns)}`,
      `"obs_mean": ${arr(os.mean)}`, `"obs_std": ${arr(os.std)}`, `"obs_min": ${arr(os.min)}`, `"obs_max": ${arr(os.max)}`,
      `"action_mean": ${arr(as.mean)}`, `"action_std": ${arr(as.std)}`, `"action_min": ${arr(as.min)}`, `"action_max": ${arr(as.max)}`,
      `"reward_mean": ${num(rs.mean[0])}`, `"reward_std": ${num(rs.std[0])}`,
    ];
    fs.writeFileSync(path.join(tmp, 'data', 'metadata.json'), `{${meta.join(', ')}}\n`);
    const bytes = fs.statSync(path.join(tmp, 'data', 'main_data.hdf5')).size + fs.statSync(path.join(tmp, 'data', 'metadata.json')).size;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    unregister();
    return bytes;
  } catch (e) {
    unregister();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
