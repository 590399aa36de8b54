/** `mdpc export`: a full-schema chain (mdpc run or powerflow replay) as offline-RL arrays in an .npz. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { checkOutputFile, configure, UsageError } from './common';
import { readChainDataset, datasetArrays } from '../mdp/dataset';
import { writeNpzAtomic, descrOf } from '../io/npz';
import { buildManifest, writeManifest } from '../io/manifest';

interface ExportOpts {
  run?: string;
  chain?: string;
  out?: string;
  outDir: string;
  force?: boolean;
  quiet?: boolean;
}

export function exportCommand(o: ExportOpts): void {
  if ((o.run === undefined) === (o.chain === undefined)) throw new UsageError('give either --run NAME or --chain FILE', o.run === undefined ? '--run' : '--chain');
  if (o.run !== undefined && !/^[A-Za-z0-9._-]+$/.test(o.run)) throw new UsageError(`expected a run name of letters, digits, ".", "_" or "-", found "${o.run}"`, '--run');
  const chain = o.chain ?? path.join(o.outDir, `${o.run}.csv`);
  if (o.run !== undefined && !fs.existsSync(chain)) {
    const partial = fs.existsSync(`${chain}.partial`) ? ` (${chain}.partial exists: the run is not finished)` : '';
    throw new UsageError(`${chain} not found${partial}`, '--run');
  }
  const out = o.out ?? chain.replace(/\.csv$/i, '') + '.npz';
  if (!/\.npz$/i.test(out)) throw new UsageError(`expected a file name ending in .npz, found "${out}"`, '--out');
  if (path.resolve(out) === path.resolve(chain)) throw new UsageError('the output is the chain itself', '--out');
  const manifestFile = `${out}.manifest.json`;
  for (const f of [out, manifestFile]) checkOutputFile(f, '--out');
  if (!o.force) for (const f of [out, manifestFile]) if (fs.existsSync(f)) throw new UsageError(`${f} exists already: add --force to replace it`, '--out');

  const t0 = performance.now();
  const ds = readChainDataset(chain);
  const t1 = performance.now();
  const arrays = datasetArrays(ds);
  const bytes = writeNpzAtomic(out, arrays);
  const t2 = performance.now();
  const shapes = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, { dtype: descrOf(a), shape: a.shape }]));
  const summary = {
    out, manifest: manifestFile, chain, rows: ds.rows, episodes: ds.episodes,
    observationFeatures: ds.observationColumns.length, actionFeatures: ds.actionColumns.length,
    bytes, readMs: Math.round(t1 - t0), writeMs: Math.round(t2 - t1),
  };
  const chainManifest = chain.replace(/\.csv$/i, '.manifest.json');
  writeManifest(manifestFile, buildManifest('mdpc export', { ...o }, [chain], {
    ...summary,
    source: fs.existsSync(chainManifest) ? chainManifest : null,
    format: 'npz: NumPy .npy v1.0 arrays in a stored zip, numpy.load(file) reads it (allow_pickle=False)',
    conventions: {
      config: 'config_obs/config_actions/config_next_obs: the environment\'s 0-based config index (the chain\'s 1-based column minus one), -1 = not a radial configuration',
      episodeStarts: 'row 0, a new run episode, or the row after a terminated or truncated one',
      std: 'population standard deviation (ddof 0) over all rows',
    },
    arrays: shapes,
  }));
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (!o.quiet) process.stderr.write(`mdpc: ${ds.rows} transitions, ${ds.episodes} episodes, ${ds.observationColumns.length} observation and ${ds.actionColumns.length} action features -> ${out} (${(bytes / 1048576).toFixed(1)} MB)\n`);
}

export function registerExport(program: Command): void {
  configure(program.command('export'))
    .description('write a full-schema chain (mdpc run or powerflow replay) as offline-RL arrays: a NumPy .npz and its manifest')
    .option('--run <name>', 'the chain out-dir/NAME.csv of mdpc run')
    .option('--chain <file.csv>', 'any full-schema chain file (e.g. from powerflow replay)')
    .option('--out <file.npz>', 'output file (default: the chain\'s name with .npz); a manifest FILE.manifest.json beside it')
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
  $ python3 -c "import numpy as np; d = np.load('out/res_MDPC/tendays.npz'); print(d['observations'].shape)"`)
    .action((o: ExportOpts) => exportCommand(o));
}
