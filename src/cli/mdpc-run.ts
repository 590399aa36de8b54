/** `mdpc run`, `mdpc merge`, `mdpc clean`: expert MDP chains, shards and workers, log retention. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import * as cliProgress from 'cli-progress';
import { checkOutputDir, checkOutputFile, configure, dataFiles, loadContext, oneOf, parseFloatStrict, parseIntStrict, UsageError, InputError } from './common';
import { loadWeights } from '../powerflow/reward';
import { case33pyMisfit, chainSchema, ChainWriter, DEFAULT_SCHEMA, SchemaName, mergeChainFiles } from '../mdp';
import { addExpertOptions, parseExpertOptions } from './expert-options';
import { planEpisodes, shardEpisodes, resumePoint, StepRecord, Episode, summarizeSteps } from '../opt/chain-run';
import { ChainJob, ChainThread } from './chain-worker';
import { acquireLock, lockFileFor } from '../io/lock';
import { onCleanup } from '../io/signals';
import { Pool, serveQueue, startPool } from '../io/worker-pool';
import { sha256File, writeFileAtomic } from '../io/atomic';
import { buildManifest, writeManifest } from '../io/manifest';
import { pruneRunDirs } from '../io/retention';
import { countNewlines } from '../io/fast-complex';
import { withEventTable } from '../grid/series';

interface RunOpts {
  data?: string;
  start: string;
  steps?: string;
  episode: string;
  mode: string;
  schema?: string;
  objective: string;
  branch: string;
  mt: string;
  weights?: string;
  events?: string;
  workers: string;
  shard?: string;
  resume?: boolean;
  timeLimit: string;
  gap: string;
  run?: string;
  outDir: string;
  logDir: string;
  lp: boolean;
  quiet?: boolean;
  /** hidden: worker process of --workers, shards come over IPC */
  shardQueue?: boolean;
}

const RUN_EXAMPLES = `
Examples:
  $ mdpc run --start 0 --steps 24                       # out/res_MDPC/mdpc-reconfig-0-24.csv (+ manifest), log/<run>/
  $ mdpc run --start 0 --steps 240 --workers 2 --run tendays     # 10 episodes of 24 steps, 2 at a time
  $ mdpc run --start 0 --steps 2400 --mode restore --run r1 --resume
  $ mdpc run --data data/ieee33-24h --steps 23 --schema case33py      # the original's 92 columns (no faults)
  $ mdpc export --run tendays                                  # -> out/res_MDPC/tendays.npz (offline-RL arrays)
  $ mdpc run --start 0 --steps 2400 --run big --shard 3/8     # one of 8 independent processes
  $ mdpc merge --run big --shards 8                            # -> out/res_MDPC/big.csv

Work is split into episodes of --episode steps (default 24): each starts from the normal topology
with a fresh solver model, so episodes are independent. Shards and workers take whole episodes,
and --resume restarts the episode that was interrupted: either way the file is the one a single
uninterrupted process writes. A(t) is solved on step t+1's data and evaluated there (as the
original); a step whose model fails takes the fallback action (keep the topology, faulted lines
open, MTs off, shed what is cut off), marked "fallback" in the manifest.
The chain is written to NAME.csv.partial and renamed to NAME.csv when complete.`;

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`expected I/N like 0/4 (shard I of N, 0-based), found "${text}"`, '--shard');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UsageError(`expected 0 <= I < N, found ${index}/${count}`, '--shard');
  return { index, count };
}


const shardSuffix = (s: { index: number; count: number }): string => `.shard-${s.index}-of-${s.count}`;

export async function runCommand(o: RunOpts): Promise<void> {
  // ---- validate everything before writing anything
  const { mode, objective, branch, mt, timeLimitS, gap } = parseExpertOptions(o);
  const schemaName = oneOf(o.schema ?? DEFAULT_SCHEMA, ['case33py', 'full'], '--schema') as SchemaName;
  const workers = parseIntStrict(o.workers, '--workers', 1, 64);
  const shard = o.shard !== undefined ? parseShard(o.shard) : null;
  if (shard && workers > 1) throw new UsageError('give either --workers or --shard, not both', '--workers');
  if (o.run !== undefined && !/^[A-Za-z0-9._-]+$/.test(o.run)) throw new UsageError(`expected a run name of letters, digits, ".", "_" or "-", found ` +
    `"${o.run}"`, '--run');
  const weights = loadWeights(o.weights);
  const loaded = loadContext(o.data, true);
  const ctx = o.events && loaded.series ? { ...loaded, series: withEventTable(loaded.series, loaded.net, o.events) } : loaded;
  const series = ctx.series;
  if (!series) throw new UsageError(`the case in ${ctx.dir} has no time series (load.csv)`, '--data');
  const last = series.steps - 2; // A(t) is evaluated at t+1
  if (last < 0) throw new UsageError(`the series in ${ctx.dir} is too short for a transition`, '--data');
  const start = parseIntStrict(o.start, '--start', 0, last);
  const steps = o.steps !== undefined ? parseIntStrict(o.steps, '--steps', 1, last - start + 1) : Math.min(24, last - start + 1);
  const episode = parseIntStrict(o.episode, '--episode', 1, 1_000_000);
  const run = o.run ?? `mdpc-${mode}-${start}-${steps}`;
  checkOutputDir(o.outDir, '--out-dir');
  checkOutputFile(path.join(o.outDir, `${run}${shard ? shardSuffix(shard) : ''}.options.json.partial`), '--run');
  if (o.lp) checkOutputDir(path.join(o.logDir, run), '--log-dir');
  const schema = chainSchema(schemaName, ctx.net);
  if (schemaName === 'case33py') {
    // refused now rather than at the row that does not fit, hours into the run
    const misfit = case33pyMisfit(ctx.net, series.faulted, planEpisodes(start, steps, episode), mode);
    if (misfit) throw new UsageError(`step ${misfit.step}: ${misfit.message}: use --schema full (the default), which holds every step`, '--schema');
  }

  const base = path.join(o.outDir, run);
  if (workers > 1) return runWorkers(o, run, workers, steps, planEpisodes(start, steps, episode).length, base);

  // the solves run in a thread of their own, so that this one takes signals at once
  const thread = new ChainThread();
  try {
    if (o.shardQueue) await serveQueue((spec) => runShard(parseShard(spec)));
    else await runShard(shard);
  } finally {
    await thread.close();
  }

  /** One shard (or the whole run): its episodes into NAME[.shard-I-of-N].csv, then the manifest. */
  async function runShard(shard: { index: number; count: number } | null): Promise<void> {
    const out = shard ? base + shardSuffix(shard) : base;
    const csvFile = `${out}.csv`;
    const partial = `${csvFile}.partial`;
    const recordsFile = `${out}.steps.jsonl.partial`;
    const optionsFile = `${out}.options.json.partial`;
    // the lock first: what is on disk is only looked at by the process that owns it
    const release = acquireLock(out, (m) => process.stderr.write(`mdpc: ${m}\n`));
    try {
      if (fs.existsSync(csvFile)) throw new UsageError(`${csvFile} exists already: choose another --run or remove it`, '--run');
      const resuming = fs.existsSync(partial);
      if (resuming && !o.resume) throw new UsageError(`an interrupted run left ${partial} (no process is writing it): add --resume to continue it, or ` +
        `remove it`, '--resume');
      const shape = rowShape(shard);
      if (resuming) checkSameShape(optionsFile, shape);
      const episodes = shardEpisodes(planEpisodes(start, steps, episode), shard);
      const done = resuming ? resumePoint(partial, schema, episodes, recordsFile, (m) => process.stderr.write(`mdpc: ${m}\n`)) : 0;
      if (!resuming) writeFileAtomic(optionsFile, JSON.stringify(shape, null, 2) + '\n');
      const writer = ChainWriter.open(partial, schema, { mode: resuming ? 'append' : 'replace' });
      const records = fs.openSync(recordsFile, done > 0 ? 'a' : 'w');
      const runDir = o.lp ? path.join(o.logDir, run) : null;
      const job: ChainJob = { data: ctx.dir, weights: o.weights, events: o.events, mode, objective, branch, mt, timeLimitS, gap, schema: schemaName, runDir };
      const todo = episodes.slice(done);
      const total = todo.reduce((s, e) => s + e.length, 0);
      const bar = !o.quiet && process.stderr.isTTY ? new cliProgress.SingleBar({ format: `${run} |{bar}| {value}/{total} steps | {eta_formatted} left | ` +
        `{status}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
      bar?.start(total, 0, { status: '' });
      const t0 = Date.now();
      let n = 0;
      for (const ep of todo) {
        await thread.runEpisode(job, ep, (tr, r) => {
          // the record before its row: a kill between the two leaves a record that resume drops
          fs.writeSync(records, JSON.stringify(r) + '\n');
          writer.append(tr);
          n++;
          bar?.update(n, { status: `step ${r.step} ${r.status}${r.fallback ? ' (fallback)' : ''} ${Math.round(r.totalMs)} ms` });
        });
      }
      bar?.stop();
      writer.close();
      fs.closeSync(records);
      // complete: rename into place, manifest beside
      const stepRecords = fs.readFileSync(recordsFile, 'utf8').trim().split('\n').filter((l) => l).map((l) => JSON.parse(l) as StepRecord);
      fs.renameSync(partial, csvFile);
      fs.rmSync(recordsFile, { force: true });
      fs.rmSync(optionsFile, { force: true });
      writeManifest(`${out}.manifest.json`, buildManifest('mdpc run', { ...o, mode, schema: schemaName, start, steps, episode, run }, dataFiles(ctx), {
        output: csvFile,
        complete: true,
        shard: shard ? { index: shard.index, count: shard.count, episodes: episodes.map((e) => e.index) } : null,
        rows: stepRecords.length,
        // every step's status (resumed ones too) and the solver's work: unlike times, the same on any machine
        ...summarizeSteps(stepRecords),
        logDir: runDir,
        steps: stepRecords,
      }));
      if (!o.quiet) {
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        // the records of this process are the last n (a resumed run's come first)
        const now = summarizeSteps(stepRecords.slice(stepRecords.length - n)).statusCounts;
        process.stderr.write(`mdpc: ${run}: ${stepRecords.length} transitions (${n} solved now in ${secs} s; ` +
          `${Object.entries(now).filter(([, v]) => v).map(([k, v]) => `${v} ${k}`).join(', ')}) -> ${csvFile}\n`);
      }
    } finally {
      release();
    }
  }

  /** The options that shape the rows (a resumed run must have the same), data and weights by hash. */
  function rowShape(shard: { index: number; count: number } | null): RowShape {
    return {
      mode, schema: schemaName, objective, branch, mt, timeLimitS, gap, start, steps, episode,
      shard: shard ? `${shard.index}/${shard.count}` : null,
      weights: o.weights ? sha256File(o.weights) : null,
      data: dataFiles(ctx).map((f) => `${path.basename(f)} ${sha256File(f)}`).join('; '),
    };
  }
}

/** The options of a run that decide its rows, as kept beside its partial file. */
interface RowShape {
  mode: string; schema: string; objective: string; branch: string; mt: string; timeLimitS: number; gap: number;
  start: number; steps: number; episode: number; shard: string | null; weights: string | null; data: string;
}

/** Option names of the row-shaping fields, for the message when a resume differs. */
const SHAPE_OPTION: Record<keyof RowShape, string> = {
  mode: '--mode', schema: '--schema', objective: '--objective', branch: '--branch', mt: '--mt', timeLimitS: '--time-limit', gap: '--gap',
  start: '--start', steps: '--steps', episode: '--episode', shard: '--shard', weights: '--weights (its content)', data: '--data (its files)',
};

/** Refuse to resume with options that would make rows other than the interrupted run's. */
function checkSameShape(file: string, now: RowShape): void {
  if (!fs.existsSync(file)) {
    process.stderr.write(`mdpc: note: ${file} is missing (a run of an older version?): the options of the interrupted run cannot be checked\n`);
    return;
  }
  let before: Partial<RowShape>;
  try {
    before = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new InputError('BAD_JSON', 'expected the JSON the interrupted run wrote (remove the run\'s .partial files to start afresh)', { file });
  }
  for (const k of Object.keys(SHAPE_OPTION) as (keyof RowShape)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(now[k])) {
      const show = (v: unknown): string => (v === null || v === undefined ? 'none' : typeof v === 'string' && v.length > 40 ? 'other files' : String(v));
      throw new UsageError(`the interrupted run was made with ${show(before[k])}, this one has ${show(now[k])}: resume with the same options (rows must ` +
        `come from one set of options)`, SHAPE_OPTION[k]);
    }
  }
}

/**
 * --workers K: one shard per episode (shard e/E takes episode e), K worker processes that each
 * take the next episode when theirs is complete (episodes differ in length: a static split would
 * leave a core idle); then the files merged into one.
 */
async function runWorkers(o: RunOpts, run: string, workers: number, steps: number, nEpisodes: number, base: string): Promise<void> {
  const csvFile = `${base}.csv`;
  const release = acquireLock(base, (m) => process.stderr.write(`mdpc: ${m}\n`));
  // a signal to this process stops the workers too (each keeps its complete rows, frees its lock)
  let pool: Pool | null = null;
  const stopChildren = onCleanup(() => pool?.kill());
  try {
    if (fs.existsSync(csvFile)) throw new UsageError(`${csvFile} exists already: choose another --run or remove it`, '--run');
    const argv = process.argv.slice(2).filter((a, i, all) => a !== '--workers' && all[i - 1] !== '--workers' && !a.startsWith('--workers='));
    const bin = path.join(__dirname, '..', '..', 'bin', 'mdpc.js');
    const shards = Array.from({ length: nEpisodes }, (_, i) => ({ index: i, count: nEpisodes }));
    const shardCsv = (sh: { index: number; count: number }): string => `${base}${shardSuffix(sh)}.csv`;
    const bar = !o.quiet && process.stderr.isTTY ? new cliProgress.SingleBar({ format: `${run} |{bar}| {value}/{total} steps (${workers} workers) | ` +
      `{eta_formatted} left`, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    // progress: rows of complete shards are counted once; only the files in flight are read again
    let doneRows = 0;
    const inFlight = new Map<number, string>();
    // shards already complete (a rerun with --resume) are kept
    const queue = shards.filter((sh) => {
      if (!fs.existsSync(shardCsv(sh))) return true;
      if (bar) doneRows += countRows(shardCsv(sh));
      return false;
    });
    bar?.start(steps, doneRows);
    const timer = bar ? setInterval(() => bar.update([...inFlight.values()].reduce((s, f) => s + countRows(`${f}.partial`), doneRows)), 500) : null;
    const t0 = Date.now();
    pool = startPool({
      command: process.execPath, args: [bin, ...argv, '--run', run, '--shard-queue', '--quiet'], workers,
      jobs: queue.map((sh) => `${sh.index}/${sh.count}`),
      onStart: (w, job) => inFlight.set(w, shardCsv(parseShard(job))),
      onFinish: (w, job) => {
        inFlight.delete(w);
        if (bar) doneRows += countRows(shardCsv(parseShard(job)));
      },
      onFailure: (w, _code, err) => process.stderr.write(err.replace(/^mdpc: /gm, `mdpc (worker ${w}): `)),
    });
    const codes = await pool.done;
    if (timer) clearInterval(timer);
    bar?.stop();
    const bad = codes.find((c) => c !== 0);
    if (bad !== undefined) {
      process.exitCode = bad;
      process.stderr.write(`mdpc: a worker failed; the finished shards are kept: rerun with --resume to complete ${run}\n`);
      return;
    }
    const files = shards.map(shardCsv);
    const rows = mergeChainFiles(files, csvFile);
    const manifests = shards.map((sh) => JSON.parse(fs.readFileSync(`${base}${shardSuffix(sh)}.manifest.json`, 'utf8')));
    const stepRecords = manifests.flatMap((m) => m.steps as StepRecord[]).sort((a, b) => a.step - b.step);
    const m0 = manifests[0];
    writeManifest(`${base}.manifest.json`, { ...m0, command: ['mdpc', ...process.argv.slice(2)], options: { ...m0.options, workers, shard: undefined },
      output: csvFile, shard: null, rows, ...summarizeSteps(stepRecords), steps: stepRecords, workers, createdAt: new Date().toISOString() });
    for (const sh of shards) {
      fs.rmSync(shardCsv(sh), { force: true });
      fs.rmSync(`${base}${shardSuffix(sh)}.manifest.json`, { force: true });
    }
    if (!o.quiet) process.stderr.write(`mdpc: ${run}: ${rows} transitions with ${workers} workers in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ` +
      `${csvFile}\n`);
  } finally {
    stopChildren();
    release();
  }
}

/** Data rows of a chain file (lines after the header); 0 when it does not exist yet. */
function countRows(file: string): number {
  try {
    return Math.max(0, countNewlines(fs.readFileSync(file)) - 1);
  } catch {
    return 0;
  }
}


export function registerRun(program: Command): void {
  const run = configure(program.command('run'))
    .description('expert MDP chain: per step, solve the MILP (HiGHS), step the environment, append S(t), A(t), R(t+1), S(t+1)')
    .option('--data <dir>', 'case directory (default: the bundled IEEE 33-bus case)')
    .option('--start <T>', 'first step S(t) (0-based row of the series)', '0')
    .option('--steps <N>', 'number of transitions (default: 24, or as many as the series holds)')
    .option('--episode <H>', 'steps per episode (each starts from the normal topology with a fresh model)', '24');
  addExpertOptions(run)
    .option('--schema <name>', 'chain columns: full (default: every step, with episode, terminated, truncated, config) or case33py (the original\'s 92; ' +
      'refused at the start when the range can need more line slots than it has)')
    .option('--weights <file>', 'reward weights JSON (the objective\'s weights too)')
    .option('--events <file>', 'fault event table to use instead of the case\'s event.csv (e.g. from faultmaker scene)')
    .option('--workers <K>', 'K processes on this machine, each taking the next whole episode; merged at the end', '1')
    .option('--shard <I/N>', 'run only shard I of N (0-based) into NAME.shard-I-of-N.csv; join them with mdpc merge')
    .option('--resume', 'continue an interrupted run (its NAME.csv.partial) from its last complete episode')
    .option('--run <name>', 'run name: out/res_MDPC/NAME.csv, log/NAME/ (default mdpc-<mode>-<start>-<steps>)')
    .option('--out-dir <dir>', 'where the chain goes', path.join('out', 'res_MDPC'))
    .option('--log-dir <dir>', 'where log/<run>/step_<T>.lp and .log go', 'log')
    .option('--no-lp', 'do not write the .lp models and solver logs')
    .option('--quiet', 'no progress bar and no summary line')
    .addOption(new Option('--shard-queue', 'worker process of --workers').hideHelp())
    .addHelpText('after', RUN_EXAMPLES)
    .action((o: RunOpts) => runCommand(o));

  configure(program.command('merge'))
    .description('join shard outputs (mdpc run --shard I/N) into the file one process would have written')
    .option('--run <name>', 'run name: merges out-dir/NAME.shard-*-of-N.csv')
    .option('--shards <N>', 'number of shards (all must be finished)')
    .option('--out-dir <dir>', 'where the shards are and the result goes', path.join('out', 'res_MDPC'))
    .option('--keep', 'keep the shard files')
    .argument('[files...]', 'shard files to merge instead of --run/--shards (then --out is required)')
    .option('--out <file.csv>', 'output file for explicit shard files')
    .addHelpText('after', `
Examples:
  $ mdpc merge --run big --shards 8            # out/res_MDPC/big.shard-{0..7}-of-8.csv -> big.csv
  $ mdpc merge --out all.csv a.csv b.csv       # any chain files with the same header`)
    .action((files: string[], o: { run?: string; shards?: string; outDir: string; keep?: boolean; out?: string }) => {
      let inputs: string[];
      let outFile: string;
      let manifests: string[] = [];
      if (files.length > 0) {
        if (!o.out) throw new UsageError('give the output file for explicit shard files', '--out');
        if (!/\.csv$/i.test(o.out)) throw new UsageError(`expected a file name ending in .csv, found "${o.out}"`, '--out');
        inputs = files;
        outFile = o.out;
      } else {
        if (!o.run) throw new UsageError('give --run NAME --shards N, or shard files', '--run');
        if (!/^[A-Za-z0-9._-]+$/.test(o.run)) throw new UsageError(`expected a run name of letters, digits, ".", "_" or "-", found "${o.run}"`, '--run');
        if (o.shards === undefined) throw new UsageError('give the number of shards', '--shards');
        const n = parseIntStrict(o.shards, '--shards', 1, 100000);
        const base = path.join(o.outDir, o.run);
        inputs = Array.from({ length: n }, (_, i) => `${base}.shard-${i}-of-${n}.csv`);
        manifests = Array.from({ length: n }, (_, i) => `${base}.shard-${i}-of-${n}.manifest.json`);
        outFile = `${base}.csv`;
      }
      if (fs.existsSync(outFile)) throw new UsageError(`${outFile} exists already`, files.length ? '--out' : '--run');
      const release = acquireLock(outFile.replace(/\.csv$/i, ''), (m) => process.stderr.write(`mdpc: ${m}\n`));
      try {
        const rows = mergeChainFiles(inputs, outFile);
        const steps = manifests.filter((m) => fs.existsSync(m)).flatMap((m) => JSON.parse(fs.readFileSync(m, 'utf8')).steps ?? []).sort((a: StepRecord,
          b: StepRecord) => a.step - b.step);
        writeManifest(outFile.replace(/\.csv$/i, '.manifest.json'), buildManifest('mdpc merge', { ...o, files }, [], { inputs, output: outFile, rows, steps }));
        if (!o.keep) for (const f of [...inputs, ...manifests]) if (files.length === 0) fs.rmSync(f, { force: true });
        process.stderr.write(`mdpc: merged ${inputs.length} files, ${rows} transitions -> ${outFile}\n`);
      } finally {
        release();
      }
    });

  configure(program.command('clean'))
    .description('log retention: remove old log/<run>/ folders (.lp models and solver logs) of finished runs')
    .option('--log-dir <dir>', 'the log folder', 'log')
    .option('--out-dir <dir>', 'where the runs write their chains (their locks tell a run still going)', path.join('out', 'res_MDPC'))
    .option('--keep-runs <N>', 'keep the N newest run folders')
    .option('--keep-days <D>', 'keep folders written in the last D days')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--quiet', 'no summary line')
    .addHelpText('after', `
Examples:
  $ mdpc clean --keep-runs 7            # in a nightly job: the last week's solver files
  $ mdpc clean --keep-days 30 --dry-run
  $ mdpc clean --keep-runs 3 --log-dir /scratch/log --out-dir /scratch/chains
A folder whose run is still going (its output lock is held) is never removed.`)
    .action((o: { logDir: string; outDir: string; keepRuns?: string; keepDays?: string; dryRun?: boolean; quiet?: boolean }) => {
      if (o.keepRuns === undefined && o.keepDays === undefined) throw new UsageError('give --keep-runs N and/or --keep-days D', '--keep-runs');
      const keepRuns = o.keepRuns !== undefined ? parseIntStrict(o.keepRuns, '--keep-runs', 0, 1e9) : undefined;
      const keepDays = o.keepDays !== undefined ? parseFloatStrict(o.keepDays, '--keep-days') : undefined;
      if (keepDays !== undefined && keepDays < 0) throw new UsageError(`expected a number of days >= 0, found ${keepDays}`, '--keep-days');
      const locked = (run: string): boolean => fs.existsSync(lockFileFor(path.join(o.outDir, run)));
      const r = pruneRunDirs(o.logDir, { keepRuns, keepDays }, locked, Date.now(), !!o.dryRun);
      if (!o.quiet) process.stdout.write(`${o.dryRun ? 'would remove' : 'removed'} ${r.removed.length} run folders ` +
        `(${(r.freedBytes / 1048576).toFixed(1)} MB)${r.removed.length ? ': ' + r.removed.join(', ') : ''}; kept ${r.kept.length}\n`);
    });
}

export type { Episode };
