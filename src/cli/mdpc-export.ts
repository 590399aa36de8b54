/** `mdpc export`: a full-schema chain (mdpc run or powerflow replay) as offline-RL arrays in an .npz. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { checkOutputFile, configure, oneOf, UsageError } from './common';
import { readChainDataset, datasetArrays } from '../mdp/dataset';
import { writeNpzAtomic, descrOf } from '../io/npz';
import { buildManifest, writeManifest } from '../io/manifest';
import { H5WASM_VERSION } from '../io/hdf5';
import { writeMinariDataset } from '../mdp/minari';

interface ExportOpts {
  run?: string;
  chain?: string;
  out?: string;
  outDir: string;
  format: string;
  datasetId?: string;
  force?: boolean;
  quiet?: boolean;
}

export async function exportCommand(o: ExportOpts): Promise<void> {
  const format = oneOf(o.format, ['npz', 'minari'], '--format') as 'npz' | 'minari';
  if ((o.run === undefined) === (o.chain === undefined)) throw new UsageError('give either --run NAME or --chain FILE',
    o.run === undefined ? '--run' : '--chain');
  if (o.run !== undefined && !/^[A-Za-z0-9._-]+$/.test(o.run)) throw new UsageError(`expected a run name of letters, digits, ".", "_" or "-", found ` +
    `"${o.run}"`, '--run');
  const chain = o.chain ?? path.join(o.outDir, `${o.run}.csv`);
  if (o.run !== undefined && !fs.existsSync(chain)) {
    const partial = fs.existsSync(`${chain}.partial`) ? ` (${chain}.partial exists: the run is not finished)` : '';
    throw new UsageError(`${chain} not found${partial}`, '--run');
  }
  const base = chain.replace(/\.csv$/i, '');
  const out = (o.out ?? (format === 'npz' ? `${base}.npz` : `${base}-minari`)).replace(/[\\/]+$/, '');
  if (format === 'npz' && !/\.npz$/i.test(out)) throw new UsageError(`expected a file name ending in .npz, found "${out}"`, '--out');
  if (format === 'minari' && /\.(npz|csv|hdf5|json)$/i.test(out)) throw new UsageError(`expected a folder name for the Minari dataset, found "${out}"`,
    '--out');
  if (path.resolve(out) === path.resolve(chain)) throw new UsageError('the output is the chain itself', '--out');
  const datasetId = o.datasetId ?? `case33ts/${path.basename(base).replace(/[^A-Za-z0-9_-]/g, '_')}-v0`;
  if (!/^[A-Za-z0-9_/-]+-v\d+$/.test(datasetId)) throw new UsageError(`expected a Minari id like case33ts/day-v0, found "${datasetId}"`, '--dataset-id');
  const manifestFile = `${out}.manifest.json`;
  checkOutputFile(manifestFile, '--out');
  if (format === 'npz') checkOutputFile(out, '--out');
  else if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new UsageError(`"${out}" is a file, expected a folder for the Minari dataset`, '--out');
  if (!o.force) for (const f of [out, manifestFile]) if (fs.existsSync(f)) throw new UsageError(`${f} exists already: add --force to replace it`, '--out');

  const t0 = performance.now();
  const ds = readChainDataset(chain);
  const t1 = performance.now();
  let bytes: number;
  let arrays: Record<string, { dtype: string; shape: number[] }>;
  if (format === 'npz') {
    const a = datasetArrays(ds);
    bytes = writeNpzAtomic(out, a);
    arrays = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { dtype: descrOf(v), shape: v.shape }]));
  } else {
    bytes = await writeMinariDataset(out, ds, datasetId);
    arrays = { 'episode_<i>/observations': { dtype: '<f8', shape: [-1, ds.observationColumns.length] },
      'episode_<i>/actions': { dtype: '<f8', shape: [-1, ds.actionColumns.length] } };
  }
  const t2 = performance.now();
  const summary = {
    out, format, manifest: manifestFile, chain, rows: ds.rows, episodes: ds.episodes,
    observationFeatures: ds.observationColumns.length, actionFeatures: ds.actionColumns.length,
    bytes, readMs: Math.round(t1 - t0), writeMs: Math.round(t2 - t1),
  };
  const chainManifest = chain.replace(/\.csv$/i, '.manifest.json');
  writeManifest(manifestFile, buildManifest('mdpc export', { ...o, format }, [chain], {
    ...summary,
    source: fs.existsSync(chainManifest) ? chainManifest : null,
    layout: format === 'npz'
      ? 'NumPy .npy v1.0 arrays in a stored zip: numpy.load(file) reads it (allow_pickle=False)'
      : `Minari HDF5 storage: data/main_data.hdf5 (episode_<i> groups) and data/metadata.json, dataset id ${datasetId}, written with h5wasm ${H5WASM_VERSION}`,
    conventions: {
      config: 'config_obs/config_actions/config_next_obs: the environment\'s 0-based config index (the chain\'s 1-based column minus one), -1 = not a ' +
        'radial configuration',
      episodeStarts: 'row 0, a new run episode, or the row after a terminated or truncated one',
      std: 'population standard deviation (ddof 0) over all rows',
    },
    arrays,
  }));
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (!o.quiet) process.stderr.write(`mdpc: ${ds.rows} transitions, ${ds.episodes} episodes, ${ds.observationColumns.length} observation and ` +
    `${ds.actionColumns.length} action features -> ${out} (${(bytes / 1048576).toFixed(1)} MB)\n`);
}

export function registerExport(program: Command): void {
  configure(program.command('export'))
    .description('write a full-schema chain (mdpc run or powerflow replay) as offline-RL arrays: a NumPy .npz and its manifest')
    .option('--run <name>', 'the chain out-dir/NAME.csv of mdpc run')
    .option('--chain <file.csv>', 'any full-schema chain file (e.g. from powerflow replay)')
    .option('--format <f>', `npz (numpy alone reads it) or minari (a Minari HDF5 dataset folder; needs the npm package h5wasm@${H5WASM_VERSION})`, 'npz')
    .option('--out <path>', 'output: FILE.npz, or the Minari dataset folder (default: the chain\'s name with .npz / -minari); a manifest ' +
      'OUT.manifest.json beside it')
    .option('--dataset-id <id>', 'minari: the dataset id (default case33ts/<chain name>-v0)')
    .option('--out-dir <dir>', 'where --run looks for the chain', path.join('out', 'res_MDPC'))
    .option('--force', 'replace an existing output')
    .option('--quiet', 'no summary line on stderr')
    .addHelpText('after', `
Arrays (numpy.load(FILE)): observations, actions, rewards, next_observations, terminations,
truncations, episode_starts, episode_ids, run_episodes, steps, config_obs, config_actions,
config_next_obs (the environment's 0-based config index, -1 = not radial), reward_terms,
loss_kw, unserved_kw, switch_ops, valid, pf_status, the column names (observation_columns,
action_columns, reward_term_columns) and normalisation statistics (obs_mean/std/min/max,
action_mean/std/min/max, reward_mean/std; std with ddof 0). A JSON summary goes to stdout.

Examples:
  $ mdpc export --run tendays                                   # out/res_MDPC/tendays.npz
  $ mdpc export --chain out/res_MDPC/example-full.csv --out data.npz   # a replayed chain
  $ mdpc export --run tendays --format minari                   # out/res_MDPC/tendays-minari/data/{main_data.hdf5,metadata.json}
  $ python3 -c "import numpy as np; d = np.load('out/res_MDPC/tendays.npz'); print(d['observations'].shape)"`)
    .action((o: ExportOpts) => exportCommand(o));
}
