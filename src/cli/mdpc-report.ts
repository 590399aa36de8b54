/** `mdpc report`: one self-contained HTML page and a JSON summary of a chain (mdpc run or powerflow replay). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { checkOutputFile, collect, configure, DEFAULT_DATA_DIR, loadContext, parseIntStrict, UsageError, InputError } from './common';
import { sha256File, writeFileAtomic } from '../io/atomic';
import { buildManifest, writeManifest } from '../io/manifest';
import { loadWeights, RewardWeights } from '../powerflow/reward';
import { ActionEvaluator } from '../powerflow/evaluate';
import { readChainTable } from '../report/chain-table';
import { buildRunReport, RunReport } from '../report/run-report';
import { rowMap, RowMap } from '../report/row-map';
import { renderReportHtml } from '../report/html';

export interface ReportOpts {
  run?: string;
  chain?: string;
  outDir: string;
  out?: string;
  at?: string[];
  data?: string;
  weights?: string;
  onsetMaps: string;
  title?: string;
  quiet?: boolean;
}

const REPORT_EXAMPLES = `
Examples:
  $ mdpc run --start 8 --steps 4 --mode restore --run day8 --quiet     # a short chain with a fault at step 9
  $ mdpc report --run day8 --at 10                 # -> out/res_MDPC/day8.report.html, .report.json, .report.manifest.json
  $ powerflow replay --actions src/mdp/fixtures/case33py_mdpc_example.csv --start 1 --faults none --out out/res_MDPC/example-full.csv
  $ mdpc report --chain out/res_MDPC/example-full.csv --at 2,5 --out out/example-report.html

The page needs nothing else to be viewed (inline CSS and SVG, no script). Row k of a chain holds
S(t), A(t), R(t+1), S(t+1): its figures are step t+1's, and --at T draws the feeder at step T
(A(T-1) in force, evaluated again on the case data and checked against the chain's reward).
Maps are drawn at each --at step and at every fault onset (--onset-maps N: the first N only).
The solver's status, gap, time and HiGHS work per step come from an mdpc run manifest; a
replayed chain has none (the report says so). The case: --data, else the manifest's (found by
the hash of its buses.csv and lines.csv), else the bundled one. Existing report files are replaced.`;

interface ChainSource {
  chain: string;
  manifestFile: string | null;
  manifest: Record<string, unknown> | null;
}

function locateChain(o: ReportOpts): ChainSource {
  if ((o.run === undefined) === (o.chain === undefined)) {
    throw new UsageError('give either --run NAME or --chain FILE', o.run === undefined ? '--run' : '--chain');
  }
  let chain: string;
  if (o.run !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(o.run)) throw new UsageError(`expected a run name of letters, digits, ".", "_" or "-", found "${o.run}"`, '--run');
    chain = path.join(o.outDir, `${o.run}.csv`);
    if (!fs.existsSync(chain)) {
      const partial = fs.existsSync(`${chain}.partial`)
        ? ` (${chain}.partial exists: the run is not finished)`
        : ` (no run "${o.run}" in ${o.outDir}; see --out-dir)`;
      throw new UsageError(`${chain} not found${partial}`, '--run');
    }
  } else {
    chain = o.chain!;
    if (!fs.existsSync(chain)) throw new UsageError(`${chain} not found`, '--chain');
    if (fs.statSync(chain).isDirectory()) throw new UsageError(`${chain} is a directory, expected a chain CSV`, '--chain');
  }
  const mf = chain.replace(/\.csv$/i, '') + '.manifest.json';
  if (!fs.existsSync(mf)) return { chain, manifestFile: null, manifest: null };
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(mf, 'utf8'));
  } catch (e) {
    throw new InputError('BAD_JSON', `expected the chain's manifest as JSON (${(e as Error).message}); move it away to report the chain alone`, { file: mf });
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new InputError('BAD_JSON', 'expected a JSON object (the chain\'s manifest)', { file: mf });
  }
  return { chain, manifestFile: mf, manifest: manifest as Record<string, unknown> };
}

/** Which program wrote the chain, from its manifest. */
function producerOf(m: Record<string, unknown> | null): string {
  if (!m) return 'no manifest';
  const opts = (m.options ?? {}) as Record<string, unknown>;
  if (m.tool === 'powerflow' && opts.command === 'replay') return 'powerflow replay';
  return typeof m.tool === 'string' ? m.tool : 'unknown';
}

/**
 * The case directory of the chain: --data; else the manifest's own --data, or the folder of its
 * data files, or the bundled case, the first whose buses.csv and lines.csv have the manifest's hashes.
 */
function caseDir(o: ReportOpts, src: ChainSource): string {
  if (o.data !== undefined) return o.data;
  const m = src.manifest;
  if (!m) return DEFAULT_DATA_DIR;
  const files = Array.isArray(m.dataFiles) ? (m.dataFiles as { file?: unknown; sha256?: unknown }[]) : [];
  const hashOf = (name: string): string | undefined =>
    files.find((f) => typeof f.file === 'string' && path.basename(f.file) === name)?.sha256 as string | undefined;
  const want = ['buses.csv', 'lines.csv'].map((n) => [n, hashOf(n)] as const);
  if (want.some(([, h]) => h === undefined)) return DEFAULT_DATA_DIR;
  const opts = (m.options ?? {}) as Record<string, unknown>;
  const candidates: string[] = [];
  if (typeof opts.data === 'string') candidates.push(opts.data);
  const busFile = files.find((f) => typeof f.file === 'string' && path.basename(f.file) === 'buses.csv')?.file as string | undefined;
  if (busFile) candidates.push(path.dirname(busFile), path.resolve(path.dirname(src.chain), path.dirname(busFile)));
  candidates.push(DEFAULT_DATA_DIR);
  for (const dir of candidates) {
    if (want.every(([n, h]) => { const f = path.join(dir, n); return fs.existsSync(f) && sha256File(f) === h; })) return dir;
  }
  throw new UsageError(
    `the case of ${src.manifestFile} (its buses.csv and lines.csv by hash) is not found at ${candidates.join(', ')}: give its folder`, '--data');
}

function weightsFor(o: ReportOpts, src: ChainSource): RewardWeights {
  if (o.weights !== undefined) return loadWeights(o.weights);
  const w = ((src.manifest?.options ?? {}) as Record<string, unknown>).weights;
  if (typeof w !== 'string') return loadWeights(undefined);
  if (!fs.existsSync(w)) throw new UsageError(`the chain was made with the weights ${w} (${src.manifestFile}), not found here: give them`, '--weights');
  return loadWeights(w);
}

/** --at values: integers, comma lists, repeatable. */
export function parseAt(values: string[] | undefined): number[] {
  const out: number[] = [];
  for (const v of values ?? []) {
    for (const part of v.split(',')) {
      const s = part.trim();
      if (!/^\d+$/.test(s)) throw new UsageError(`expected steps like 10 or 10,12, found "${s === '' ? v : s}"`, '--at');
      if (!out.includes(Number(s))) out.push(Number(s));
    }
  }
  return out;
}

export interface BuiltReport {
  report: RunReport;
  maps: RowMap[];
  html: string;
  json: string;
  dataDir: string;
  onsetsNotDrawn: number;
}

/** Everything but the writing: read, compute, draw. */
export function buildReport(o: ReportOpts, generatedAt = new Date().toISOString()): BuiltReport & { src: ChainSource } {
  const src = locateChain(o);
  const at = parseAt(o.at);
  if (o.onsetMaps !== 'all' && !/^\d+$/.test(o.onsetMaps.trim())) {
    throw new UsageError(`expected all or a number of maps, found "${o.onsetMaps}"`, '--onset-maps');
  }
  const onsetMaps = o.onsetMaps === 'all' ? Infinity : parseIntStrict(o.onsetMaps, '--onset-maps', 0, 1_000_000);
  const dataDir = caseDir(o, src);
  const ctx = loadContext(dataDir, true);
  const weights = weightsFor(o, src);
  const table = readChainTable(src.chain, ctx.net);
  const producer = producerOf(src.manifest);
  const records = Array.isArray(src.manifest?.steps) ? (src.manifest!.steps as unknown[]) : null;
  const noSolverReason = !src.manifest ? 'the chain has no manifest beside it'
    : producer === 'powerflow replay' ? 'the chain comes from powerflow replay (no solver ran)'
    : 'its manifest has no per-step solver records';
  const report = buildRunReport(ctx.net, table, {
    title: o.title ?? `Run report: ${path.basename(src.chain).replace(/\.csv$/i, '')}`,
    chainFile: src.chain, manifestFile: src.manifestFile, producer, dataDir, stepHours: weights.stepHours,
    solverRecords: records && records.length ? records : null, noSolverReason,
  });
  // --at steps must be steps the chain reaches (S(t+1))
  const rowOf = new Map<number, number>();
  report.steps.forEach((s, i) => { if (!rowOf.has(s.next)) rowOf.set(s.next, i); });
  for (const t of at) {
    if (!rowOf.has(t)) {
      const first = report.steps[0].next, last = report.steps[report.steps.length - 1].next;
      const why = t === report.steps[0].step ? ` (${t} is the first S(t): its state was not produced by the chain)` : '';
      throw new UsageError(`step ${t} is not a step of the chain: the feeder is drawn at the steps reached by an action, ${first}..${last}${why}`, '--at');
    }
  }
  const series = ctx.series;
  const want = new Map<number, string[]>();
  for (const t of at) want.set(t, ['asked with --at']);
  const onsets = report.onsets.slice(0, onsetMaps);
  for (const on of onsets) want.set(on.step, [...(want.get(on.step) ?? []), `fault onset ${on.lines.map((l) => 'L' + l).join(' ')}`]);
  const maps: RowMap[] = [];
  if (want.size > 0) {
    if (!series) throw new UsageError(`the case in ${dataDir} has no time series: the maps need the step's load`, '--data');
    const mode = ((src.manifest?.options ?? {}) as Record<string, unknown>).mode;
    const islanding = mode === 'restore' ? true : mode === 'reconfig' ? false : null;
    const evaluator = new ActionEvaluator(ctx.net);
    for (const [step, reasons] of [...want.entries()].sort((a, b) => a[0] - b[0])) {
      if (step >= series.steps) {
        throw new UsageError(`step ${step} of the chain is beyond the series of ${dataDir} (${series.steps} steps): give the run's case`, '--data');
      }
      maps.push(rowMap(ctx.net, series, table, rowOf.get(step)!, { weights, islanding, reasons, evaluator }));
    }
  }
  for (const mp of maps) {
    if (mp.rewardDiff > 1e-3) {
      report.warnings.push(`map at step ${mp.step}: the re-evaluated reward differs from the chain's by ${mp.rewardDiff.toFixed(4)}` +
        ` (not the run's data or weights?)`);
    }
  }
  const onsetsNotDrawn = report.onsets.length - onsets.length;
  const html = renderReportHtml(report, maps, { vLowPu: weights.vLowPu, vHighPu: weights.vHighPu, onsetsNotDrawn, generatedAt });
  const json = JSON.stringify({
    ...report,
    maps: maps.map((mp) => ({
      step: mp.step, row: mp.row, reasons: mp.reasons, islanding: mp.islanding, rewardDiff: mp.rewardDiff,
      lossKw: mp.lossKw, unservedKw: mp.unservedKw, vMinPu: mp.vMinPu, trippedMts: mp.trippedMts,
    })),
    onsetsNotDrawn,
  }, null, 1) + '\n';
  return { src, report, maps, html, json, dataDir, onsetsNotDrawn };
}

export function outputsFor(chain: string, out: string | undefined): { html: string; json: string; manifest: string } {
  const html = out ?? chain.replace(/\.csv$/i, '') + '.report.html';
  if (!/\.html?$/i.test(html)) throw new UsageError(`expected a file name ending in .html, found "${html}"`, '--out');
  const base = html.replace(/\.html?$/i, '');
  return { html, json: `${base}.json`, manifest: `${base}.manifest.json` };
}

export function reportCommand(o: ReportOpts): void {
  const t0 = performance.now();
  // outputs checked before any work
  const chainGuess = o.chain ?? (o.run !== undefined ? path.join(o.outDir, `${o.run}.csv`) : undefined);
  if (chainGuess !== undefined) {
    const outs = outputsFor(chainGuess, o.out);
    for (const f of [outs.html, outs.json, outs.manifest]) checkOutputFile(f, '--out');
  }
  const built = buildReport(o);
  const outs = outputsFor(built.src.chain, o.out);
  if ([outs.html, outs.json, outs.manifest].some((f) => path.resolve(f) === path.resolve(built.src.chain))) {
    throw new UsageError('the output is the chain itself', '--out');
  }
  writeFileAtomic(outs.html, built.html);
  writeFileAtomic(outs.json, built.json);
  const ms = Math.round(performance.now() - t0);
  const T = built.report.totals;
  const summary = {
    html: outs.html, json: outs.json, manifest: outs.manifest, chain: built.src.chain, transitions: T.transitions,
    totalReward: T.reward, energyNotServedKwh: T.energyNotServedKwh, switchOps: T.switchOps, faultOnsets: T.faultOnsets,
    maps: built.maps.map((m) => m.step), solverRecords: built.report.solverRecords, warnings: built.report.warnings.length, ms,
  };
  const dataFilesUsed = [built.src.chain, ...(built.src.manifestFile ? [built.src.manifestFile] : [])];
  writeManifest(outs.manifest,
    buildManifest('mdpc report', { ...o }, dataFilesUsed, { ...summary, data: built.dataDir, htmlBytes: Buffer.byteLength(built.html) }));
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (!o.quiet) {
    const kb = (Buffer.byteLength(built.html) / 1024).toFixed(0);
    const mapsText = `${built.maps.length} map${built.maps.length === 1 ? '' : 's'}`;
    process.stderr.write(`mdpc: report of ${T.transitions} transitions, ${mapsText} -> ${outs.html} (${kb} kB, ${ms} ms)\n`);
  }
}

export function registerReport(program: Command): void {
  configure(program.command('report'))
    .description('report of a chain: one self-contained HTML page (charts, feeder maps, every step) and a JSON summary')
    .option('--run <name>', 'the run: out-dir/NAME.csv and its manifest (mdpc run)')
    .option('--chain <file.csv>', 'any chain of the full schema (mdpc run, powerflow replay); its NAME.manifest.json is read when beside it')
    .option('--out-dir <dir>', 'where --run looks for the chain', path.join('out', 'res_MDPC'))
    .option('--out <file.html>', 'the page; FILE.json (summary) and FILE.manifest.json beside it (default: beside the chain, NAME.report.html)')
    .option('--at <steps>', 'draw the feeder at these steps: T or T1,T2 (repeatable)', collect)
    .option('--onset-maps <N>', 'draw the feeder at every fault onset (all), or at the first N', 'all')
    .option('--data <dir>', 'the case of the chain (default: the manifest\'s, else the bundled case)')
    .option('--weights <file>', 'reward weights of the chain (default: the manifest\'s, else the defaults): step length and the maps\' reward check')
    .option('--title <text>', 'the page title')
    .option('--quiet', 'no summary line on stderr')
    .addHelpText('after', REPORT_EXAMPLES)
    .action((o: ReportOpts) => reportCommand(o));
}
