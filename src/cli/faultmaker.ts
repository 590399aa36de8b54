/**
 * `faultmaker`: exhaustive N-k line-fault scenarios, classified (enumerate), and seeded event
 * tables drawn from them (scene). This file only parses options, calls src/faults and writes;
 * every option is checked before anything is written.
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { runMain, configure, loadContext, dataFiles, parseIntStrict, parseFloatStrict, parseLineIds, collect, EXIT_CODES_HELP, UsageError, CaseContext,
  withOutputLock, checkOutputDir, checkOutputFile } from './common';
import { packageVersion, buildManifest, writeManifest } from '../io/manifest';
import { writeFileAtomic } from '../io/atomic';
import { FaultClass, FaultClassifier, FAULT_CLASSES, parseClassList } from '../faults/classify';
import { binomial, candidateLines, countByClass, enumerateScenarios, filterByClass, MAX_SCENARIOS, Scenario, ClassCounts } from '../faults/enumerate';
import { scenarioRecords, scenarioTableCsv } from '../faults/format';
import { checkSceneOptions, generateScene, sceneCsv, sceneStats, SceneOptions } from '../faults/scene';

export const DEFAULT_OUT_DIR = path.join('out', 'res_faultmaker');
/** Largest scene, in steps: the table is built in memory as one string. */
export const MAX_SCENE_CELLS = 200_000_000;

const CLASS_HELP = `
Classes (topology only, with the faulted lines removed and every other line free to be switched):
  tie     every bus is connected to a substation: closing tie switches restores all
  island  no bus is lost, but some are connected only to a grid-forming MT: they need an island
  lost    some buses are connected to neither a substation nor a grid-forming MT (listed)`;

function parseClasses(text: string, option: string): FaultClass[] {
  const r = parseClassList(text);
  if ('unknown' in r) throw new UsageError(`unknown class "${r.unknown}", expected a list of ${FAULT_CLASSES.join(', ')}`, option);
  if (r.classes.length === 0) throw new UsageError(`expected at least one of ${FAULT_CLASSES.join(', ')}`, option);
  return r.classes;
}

function parseProbability(text: string | undefined, option: string): number {
  if (text === undefined) return 0;
  const p = parseFloatStrict(text, option);
  if (!(p >= 0 && p <= 1)) throw new UsageError(`expected a probability in [0, 1], found ${text}`, option);
  return p;
}

export function parseRepairRange(text: string, option = '--repair-hours'): { min: number; max: number } {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(text);
  const bad = () => new UsageError(`expected MIN:MAX whole hours with 1 <= MIN <= MAX (e.g. 1:1 or 2:8), found "${text}"`, option);
  if (!m) throw bad();
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min < 1 || max < min || !Number.isSafeInteger(max)) throw bad();
  return { min, max };
}

function lineIds(ctx: CaseContext, idx: readonly number[]): number[] {
  return idx.map((i) => ctx.net.lines[i].id);
}

function countsText(c: ClassCounts): string {
  return `tie ${c.tie}, island ${c.island}, lost ${c.lost}`;
}

/** JSON with the head pretty-printed and one scenario per line (n3.json stays readable). */
function jsonWithRecords(head: Record<string, unknown>, key: string, records: unknown[]): string {
  const top = JSON.stringify({ ...head, [key]: [] }, null, 2);
  if (records.length === 0) return top + '\n';
  const cut = top.lastIndexOf('[]');
  return top.slice(0, cut) + '[\n' + records.map((r) => '    ' + JSON.stringify(r)).join(',\n') + '\n  ]' + top.slice(cut + 2) + '\n';
}

interface EnumerateOpts {
  quiet?: boolean;
  k: string;
  exclude?: string[];
  class?: string;
  data?: string;
  outDir: string;
  json?: boolean;
}

function runEnumerate(o: EnumerateOpts): void {
  const k = parseIntStrict(o.k, '--k', 1, 64);
  const classes = o.class === undefined ? [...FAULT_CLASSES] : parseClasses(o.class, '--class');
  checkOutputDir(o.outDir, '--out-dir');
  for (const s of ['.csv', '.json', '.manifest.json']) checkOutputFile(path.join(o.outDir, `n${k}${s}`), '--out-dir');
  const ctx = loadContext(o.data, false);
  const exclude = parseLineIds(ctx.net, o.exclude, '--exclude');
  const cands = candidateLines(ctx.net, exclude);
  if (k > cands.length) throw new UsageError(`expected at most ${cands.length} (the lines left to fault), found ${k}`, '--k');
  const total = binomial(cands.length, k);
  if (total > MAX_SCENARIOS) throw new UsageError(`C(${cands.length}, ${k}) = ${total} scenarios is over the limit of ${MAX_SCENARIOS}; lower --k or ` +
    `--exclude lines`, '--k');

  const all = enumerateScenarios(ctx.net, { k, exclude });
  const counts = countByClass(all);
  const kept = filterByClass(all, classes);
  const options = { k, exclude: lineIds(ctx, exclude), class: classes, data: o.data ?? null, outDir: o.outDir };
  const head = {
    tool: 'faultmaker',
    version: packageVersion(),
    command: ['faultmaker', ...process.argv.slice(2)],
    options,
    case: ctx.net.name,
    k,
    candidateLines: cands.length,
    counts,
    written: kept.length,
    classes: {
      tie: 'every bus connected to a substation once the faulted lines are removed (closing tie switches restores all)',
      island: 'no bus lost, but islandBuses are connected only to a grid-forming MT (restorable as an MT island)',
      lost: 'lostBuses are connected to neither a substation nor a grid-forming MT',
    },
  };
  const json = jsonWithRecords(head, 'scenarios', scenarioRecords(ctx.net, kept));
  const csv = scenarioTableCsv(ctx.net, kept);

  const base = path.join(o.outDir, `n${k}`);
  withOutputLock('faultmaker', base, () => {
    writeFileAtomic(`${base}.csv`, csv);
    writeFileAtomic(`${base}.json`, json);
    writeManifest(`${base}.manifest.json`, buildManifest('faultmaker', { subcommand: 'enumerate', ...options }, dataFiles(ctx), {
      outputs: [`${base}.csv`, `${base}.json`],
      counts,
      written: kept.length,
    }));
  });

  const summary = `N-${k} on ${ctx.net.name}: ${counts.total} scenarios (${countsText(counts)}); wrote ${kept.length} to ${base}.csv, ${base}.json\n`;
  if (o.json) {
    process.stdout.write(json);
    if (!o.quiet) process.stderr.write(summary);
  } else if (!o.quiet) {
    process.stdout.write(summary);
  }
}

interface SceneOpts {
  quiet?: boolean;
  steps: string;
  pN1?: string;
  pN2?: string;
  pN3?: string;
  classes: string;
  repairHours: string;
  seed: string;
  exclude?: string[];
  data?: string;
  out?: string;
  outDir: string;
  json?: boolean;
}

function summaryPathFor(file: string): string {
  return /\.csv$/i.test(file) ? file.replace(/\.csv$/i, '.json') : `${file}.json`;
}

function runScene(o: SceneOpts): void {
  const steps = parseIntStrict(o.steps, '--steps', 1);
  const onset = [parseProbability(o.pN1, '--p-n1'), parseProbability(o.pN2, '--p-n2'), parseProbability(o.pN3, '--p-n3')];
  const sum = onset.reduce((a, b) => a + b, 0);
  if (sum > 1 + 1e-9) throw new UsageError(`the fault probabilities sum to ${+sum.toFixed(12)}, expected at most 1 (they are per healthy hour)`,
    '--p-n1/--p-n2/--p-n3');
  while (onset.length > 1 && onset[onset.length - 1] === 0) onset.pop();
  const classes = parseClasses(o.classes, '--classes');
  const repair = parseRepairRange(o.repairHours);
  const seed = parseIntStrict(o.seed, '--seed', 0, 0xffffffff);
  const out = o.out ?? path.join(o.outDir, 'event.csv');
  if (o.out === undefined) checkOutputDir(o.outDir, '--out-dir');
  const summaryFile = summaryPathFor(out);
  for (const f of [out, summaryFile]) checkOutputFile(f, o.out === undefined ? '--out-dir' : '--out');

  const ctx = loadContext(o.data, false);
  const nl = ctx.net.lines.length;
  if (steps * (2 * nl) > MAX_SCENE_CELLS) throw new UsageError(`expected at most ${Math.floor(MAX_SCENE_CELLS / (2 * nl))} steps for ${nl} lines (the ` +
    `table is built in memory), found ${steps}`, '--steps');
  const exclude = parseLineIds(ctx.net, o.exclude, '--exclude');
  const cands = candidateLines(ctx.net, exclude);

  // the pools: every N-k scenario of the allowed classes, for each k with a non-zero onset
  const classifier = new FaultClassifier(ctx.net);
  const pools: Scenario[][] = [];
  const available: Record<string, ClassCounts> = {};
  onset.forEach((p, i) => {
    const k = i + 1;
    if (p === 0) {
      pools.push([]);
      return;
    }
    const option = `--p-n${k}`;
    if (k > cands.length) throw new UsageError(`${p} asks for faults of ${k} lines but only ${cands.length} lines can fault`, option);
    const all = enumerateScenarios(ctx.net, { k, exclude }, classifier);
    const counts = countByClass(all);
    available[`n${k}`] = counts;
    const pool = filterByClass(all, classes);
    if (pool.length === 0) throw new UsageError(`${p} but no N-${k} scenario is of class ${classes.join(' or ')} on this case (N-${k}: ` +
      `${countsText(counts)})`, option);
    pools.push(pool);
  });

  const sceneOpts: SceneOptions = { steps, onset, repairMin: repair.min, repairMax: repair.max, seed };
  const problem = checkSceneOptions(pools, sceneOpts);
  if (problem) throw new UsageError(problem);
  const scene = generateScene(pools, sceneOpts);
  const csv = sceneCsv(nl, pools, scene);
  const stats = sceneStats(pools, scene, onset.length);

  const options = {
    steps,
    pN1: onset[0] ?? 0,
    pN2: onset[1] ?? 0,
    pN3: onset[2] ?? 0,
    classes,
    repairHours: `${repair.min}:${repair.max}`,
    seed,
    exclude: lineIds(ctx, exclude),
    data: o.data ?? null,
    out,
  };
  const manifest = buildManifest('faultmaker', { subcommand: 'scene', ...options }, dataFiles(ctx), {
    case: ctx.net.name,
    seed,
    output: out,
    format: 'no header; one row per step; one 0/1 cell per line in lines.csv order; 1 = faulted',
    scenariosAvailable: available,
    stats,
  });
  withOutputLock('faultmaker', out, () => {
    writeFileAtomic(out, csv);
    writeManifest(summaryFile, manifest);
  });

  const f = stats.faultedStepsByK;
  const byK = Object.entries(f).map(([k, v]) => `${v} ${k.toUpperCase().replace('N', 'N-')}`).join(', ');
  const line = `scene of ${steps} steps on ${ctx.net.name} (seed ${seed}): ${stats.healthySteps} healthy, ${byK}; ` +
    `${stats.events} faults (${countsText({ ...stats.eventsByClass, total: stats.events })}); wrote ${out}, ${summaryFile}\n`;
  if (o.json) {
    process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
    if (!o.quiet) process.stderr.write(line);
  } else if (!o.quiet) {
    process.stdout.write(line);
  }
}

export function buildProgram(): Command {
  const program = configure(new Command('faultmaker'))
    .description('Exhaustive N-k line-fault scenarios of a feeder, classified by what restores them, and seeded event tables drawn from them')
    .version(packageVersion())
    .addHelpText(
      'after',
      `
Examples:
  faultmaker enumerate --k 2                                   # out/res_faultmaker/n2.csv, n2.json
  faultmaker scene --steps 12864 --p-n1 0.1 --p-n2 0.01 --seed 1 # out/res_faultmaker/event.csv
  faultmaker enumerate --help                                  # classes, options, more examples
${EXIT_CODES_HELP}`,
    );

  program
    .command('enumerate')
    .description('every combination of k faulted lines, classified tie / island / lost; writes n<k>.csv, n<k>.json and n<k>.manifest.json')
    .requiredOption('--k <k>', 'number of lines faulted together (1, 2, 3, ...)')
    .option('--exclude <lines>', 'line ids never faulted, comma-separated or repeated', collect)
    .option('--class <list>', `keep only these classes in the outputs (${FAULT_CLASSES.join(',')}); counts always cover all`)
    .option('--data <dir>', 'case directory (buses.csv, lines.csv, generators.csv)')
    .option('--out-dir <dir>', 'output directory', DEFAULT_OUT_DIR)
    .option('--json', 'print the n<k>.json document to stdout (the summary line goes to stderr)')
    .option('--quiet', 'no summary line (outputs are still written)')
    .addHelpText(
      'after',
      `${CLASS_HELP}

Examples:
  faultmaker enumerate --k 1
  faultmaker enumerate --k 2 --class tie,island          # restorable N-2 scenarios only
  faultmaker enumerate --k 3 --exclude 33,34,35,36,37     # no faults on the tie lines
  faultmaker enumerate --k 2 --json | jq '.counts'
  faultmaker enumerate --k 2 --data data/ieee33-24h --out-dir out/ieee33-24h-faults`,
    )
    .action((o: EnumerateOpts) => runEnumerate(o));

  program
    .command('scene')
    .description('an event table (the data set\'s event.csv format) of faults drawn with a seed from the enumerated scenarios, lasting until repaired')
    .requiredOption('--steps <n>', 'number of rows (hourly steps)')
    .option('--p-n1 <p>', 'probability that a one-line fault begins in a healthy hour', '0')
    .option('--p-n2 <p>', 'probability that a two-line fault begins in a healthy hour', '0')
    .option('--p-n3 <p>', 'probability that a three-line fault begins in a healthy hour', '0')
    .option('--classes <list>', `classes the scenarios are drawn from (${FAULT_CLASSES.join(',')})`, 'tie,island')
    .option('--repair-hours <min:max>', 'repair time, whole hours drawn uniformly in MIN..MAX; 1:1 makes every hour independent', '1:1')
    .requiredOption('--seed <s>', 'random seed, integer 0..4294967295 (same seed and options: byte-identical table)')
    .option('--exclude <lines>', 'line ids never faulted, comma-separated or repeated', collect)
    .option('--data <dir>', 'case directory (buses.csv, lines.csv, generators.csv)')
    .option('--out <file>', 'event table to write (default <out-dir>/event.csv); the summary goes beside it as <name>.json')
    .option('--out-dir <dir>', 'output directory when --out is not given', DEFAULT_OUT_DIR)
    .option('--json', 'print the summary JSON to stdout (the summary line goes to stderr)')
    .option('--quiet', 'no summary line (outputs are still written)')
    .addHelpText(
      'after',
      `${CLASS_HELP}

In a healthy hour a fault begins with probability p-n1 (one line) or p-n2 (two lines) or p-n3;
its lines are a scenario drawn uniformly from the N-k scenarios of the chosen classes, and they
stay faulted for the drawn repair time; no new fault begins before the repair.

Examples:
  faultmaker scene --steps 12864 --p-n1 0.1 --p-n2 0.01 --seed 1            # like the original's event.csv
  faultmaker scene --steps 8760 --p-n1 0.02 --p-n2 0.002 --repair-hours 2:8 --classes tie,island,lost --seed 7 --out out/year/event.csv
  faultmaker scene --steps 24 --p-n1 0.2 --seed 3 --json | jq '.stats'`,
    )
    .action((o: SceneOpts) => runScene(o));

  return program;
}

export function main(argv: string[]): Promise<void> {
  return runMain('faultmaker', buildProgram(), argv);
}
