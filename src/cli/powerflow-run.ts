/** `powerflow run`: evaluate one topology and dispatch at one time step. */
import { Command, Option } from 'commander';
import chalk from 'chalk';
import { stringify } from 'csv-stringify/sync';
import { checkOutputFile, withOutputLock, collect, dataFiles, loadContext, parseBusIds, parseFloatStrict, parseIntStrict, parseLineIds, UsageError,
  CaseContext } from './common';
import { nominalSnapshot, snapshot, Snapshot } from '../grid/series';
import { normallyOpenLines } from '../grid/network';
import { PfMethod } from '../powerflow/types';
import { GridAction, defaultGridForming, mtIndices } from '../grid/action';
import { ActionEvaluator } from '../powerflow/evaluate';
import { buildReport, PfReport } from '../powerflow/report';
import { REWARD_TERMS, loadWeights } from '../powerflow/reward';
import { renderFeederSvg } from '../plot/feeder-svg';
import { loadResvg, svgToPng } from '../plot/png';
import { writeFileAtomic } from '../io/atomic';
import { buildManifest, writeManifest } from '../io/manifest';
import { Rng } from '../util/rng';

interface RunOptions {
  data?: string;
  load?: string;
  step?: string;
  open?: string[];
  fault?: string[];
  mt?: string[];
  shed?: string[];
  islands: boolean;
  config?: string;
  method: string;
  noise?: string;
  seed: string;
  json?: boolean;
  csv?: string;
  plot?: string;
  title: boolean;
  flows?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ powerflow run                                     # nominal load, tie lines 33-37 open
  $ powerflow run --open 7,9,14,32,37 --json          # another radial configuration, JSON on stdout
  $ powerflow run --step 4000 --plot out/t4000.svg    # step 4000 (0-based row) of the bundled series, drawn
  $ powerflow run --load nominal --flows --plot out/base.png    # the map as a PNG (2x), flows and loading
  $ powerflow run --fault 6 --fault 26 --open 9,33,34,36 --mt 8:460:220 --csv out/n2
        # lines 6 and 26 faulted, ties 35 and 37 closed: the MT at bus 8 holds buses 7-9 as an island, all load served
  $ powerflow run --data data/ieee33-24h --step 12 --open none     # all lines closed (meshed)
  $ powerflow run --open 7,14,33,35,36,37 --fault 7,33,35,36 --mt 8:500:260 --shed 8,9,10,15
        # restoration: the MT at bus 8 holds an island, four buses shed so that it stays in its limits

Steps count from 0 (step 0 is the first row of the series files), as in the environment and
mdpc. Lines and buses are numbered as in the data files. MTs are off unless given a set-point
with --mt. The evaluation is the environment's (README, "The MDP"): an MT holding an island
beyond its limits trips and its island goes dark.`;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('AC power flow of one switch topology and MT dispatch at one time step; reward terms; JSON, CSV and SVG outputs')
    .option('--data <dir>', 'case directory (buses.csv, lines.csv, generators.csv, series)', undefined)
    .option('--load <kind>', 'load to use: "nominal" (buses.csv); default unless --step is given')
    .option('--step <T>', 'use time step T (0-based row) of the case series: load, PV, WT, price and faults')
    .option('--open <lines>', 'open lines, comma separated, repeatable; "none" closes all (default: the normally open lines)', collect)
    .option('--fault <lines>', 'faulted lines, comma separated, repeatable (added to the step\'s own faults)', collect)
    .option('--mt <bus:pKw:qKvar>', 'MT set-point at a bus, repeatable; MTs without one are off', collect)
    .option('--shed <buses>', 'bus ids whose load is shed (comma separated, repeatable)', collect)
    .option('--no-islands', 'do not let grid-forming MTs energize islands cut off from the substation')
    .option('--config <file>', 'reward weights (JSON); defaults reproduce the original')
    .addOption(new Option('--method <m>', 'power-flow method').choices(['auto', 'newton', 'sweep']).default('auto'))
    .option('--noise <sd>', 'measurement noise: each load times a factor ~ N(1, sd) (with --step)')
    .option('--seed <n>', 'seed of the measurement noise', '1')
    .option('--json', 'print the full result as JSON on stdout')
    .option('--csv <prefix>', 'write PREFIX-buses.csv and PREFIX-lines.csv (and PREFIX.manifest.json)')
    .option('--plot <file.svg|file.png>', 'draw the feeder with voltages and line states: SVG, or PNG at 2x (optional package @resvg/resvg-js)')
    .option('--no-title', 'with --plot: no title or totals line above the map (for a figure with its own caption)')
    .option('--flows', 'with --plot: flow arrows with kW on every closed line, lines coloured by loading')
    .option('--quiet', 'print nothing on success (outputs are still written)')
    .addHelpText('after', EXAMPLES)
    .action((opts: RunOptions) => runCommand(opts));
}

interface MtSetPoint { gen: number; pKw: number; qKvar: number }

function parseMt(ctx: CaseContext, values: string[] | undefined, snap: Snapshot): MtSetPoint[] {
  const net = ctx.net;
  const out: MtSetPoint[] = [];
  for (const v of values ?? []) {
    const m = /^\s*(\d+)\s*:\s*([^:]+):([^:]+)$/.exec(v);
    if (!m) throw new UsageError(`expected BUS:PKW:QKVAR like 22:300:100, found "${v}"`, '--mt');
    const bus = net.busIndex.get(Number(m[1]));
    const gen = net.generators.findIndex((g) => g.kind === 'MT' && g.bus === bus);
    if (bus === undefined || gen < 0) {
      const mts = mtIndices(net).map((g) => net.buses[net.generators[g].bus].id);
      throw new UsageError(`no MT at bus ${m[1]}; the case has MTs at bus ${mts.join(', ') || '(none)'}`, '--mt');
    }
    const g = net.generators[gen];
    const pKw = parseFloatStrict(m[2], '--mt');
    const qKvar = parseFloatStrict(m[3], '--mt');
    if (pKw < g.pMinKw || pKw > g.pMaxKw) throw new UsageError(`MT at bus ${m[1]}: P ${pKw} kW outside its limits ${g.pMinKw}..${g.pMaxKw} kW`, '--mt');
    if (qKvar < g.qMinKvar || qKvar > g.qMaxKvar) throw new UsageError(`MT at bus ${m[1]}: Q ${qKvar} kvar outside its limits ` +
      `${g.qMinKvar}..${g.qMaxKvar} kvar`, '--mt');
    if (!snap.available[gen]) throw new UsageError(`MT at bus ${m[1]} is not available at step ${snap.step} (mt.csv)`, '--mt');
    if (out.some((o) => o.gen === gen)) throw new UsageError(`MT at bus ${m[1]} given twice`, '--mt');
    out.push({ gen, pKw, qKvar });
  }
  return out;
}

export function runCommand(opts: RunOptions): void {
  if (opts.load !== undefined && opts.load !== 'nominal') throw new UsageError(`expected "nominal", found "${opts.load}"`, '--load');
  if (opts.load !== undefined && opts.step !== undefined) throw new UsageError('give either --load nominal or --step T, not both', '--step');
  if (opts.plot !== undefined && !/\.(svg|png)$/i.test(opts.plot)) {
    throw new UsageError(`expected a file name ending in .svg or .png, found "${opts.plot}"`, '--plot');
  }
  if (opts.plot === undefined && (opts.flows || !opts.title)) throw new UsageError('draws on the feeder map: add --plot FILE.svg',
    opts.flows ? '--flows' : '--no-title');
  if (opts.noise !== undefined && opts.step === undefined) throw new UsageError('measurement noise applies to a time step: add --step T', '--noise');
  const noiseSd = opts.noise === undefined ? 0 : parseFloatStrict(opts.noise, '--noise');
  if (noiseSd < 0 || noiseSd > 1) throw new UsageError(`expected a standard deviation in 0..1, found ${noiseSd}`, '--noise');
  const seed = parseIntStrict(opts.seed, '--seed', 0, 2 ** 32 - 1);
  // every file written, checked before any work (the manifest's is the longest name)
  if (opts.csv !== undefined) for (const s of ['-buses.csv', '-lines.csv', '.manifest.json']) checkOutputFile(`${opts.csv}${s}`, '--csv');
  if (opts.plot !== undefined) for (const f of [opts.plot, opts.plot.replace(/\.(svg|png)$/i, '.manifest.json')]) checkOutputFile(f, '--plot');
  // PNG through the optional renderer: refused before any work when it is not installed
  if (opts.plot !== undefined && /\.png$/i.test(opts.plot)) loadResvg('--plot');
  const weights = loadWeights(opts.config);

  const ctx = loadContext(opts.data, opts.step !== undefined);
  const net = ctx.net;
  let snap: Snapshot;
  if (opts.step !== undefined) {
    if (!ctx.series) throw new UsageError(`the case in "${ctx.dir}" has no time series (load.csv)`, '--step');
    const t = parseIntStrict(opts.step, '--step', 0, ctx.series.steps - 1);
    snap = snapshot(ctx.series, t, undefined, { noiseSd, rng: new Rng(seed) });
  } else {
    snap = nominalSnapshot(net);
  }
  let open: number[];
  if (opts.open === undefined) open = normallyOpenLines(net);
  else if (opts.open.length === 1 && opts.open[0].trim() === 'none') open = [];
  else open = parseLineIds(net, opts.open, '--open');
  const faulted = new Uint8Array(net.lines.length);
  for (const l of parseLineIds(net, opts.fault, '--fault')) faulted[l] = 1;
  for (const l of snap.faulted) faulted[l] = 1;
  const mt = parseMt(ctx, opts.mt, snap);
  const mts = mtIndices(net);
  const action: GridAction = {
    lineOpen: new Uint8Array(net.lines.length),
    mtPKw: new Float64Array(mts.length),
    mtQKvar: new Float64Array(mts.length),
    pickup: new Float64Array(net.buses.length).fill(1),
    gridForming: defaultGridForming(net),
  };
  for (const l of open) action.lineOpen[l] = 1;
  for (const m of mt) {
    action.mtPKw[mts.indexOf(m.gen)] = m.pKw;
    action.mtQKvar[mts.indexOf(m.gen)] = m.qKvar;
  }
  for (const b of parseBusIds(net, opts.shed, '--shed')) action.pickup[b] = 0;

  const evaluator = new ActionEvaluator(net);
  const ev = evaluator.evaluate(snap, action, { faulted, prevOpen: null, islanding: opts.islands, weights, method: opts.method as PfMethod });
  const pf = ev.pf;
  const report = buildReport(net, pf, ev.reward, {
    step: opts.step !== undefined ? snap.step : null,
    loadPKw: snap.loadPKw, loadQKvar: snap.loadQKvar, genOn: evaluator.request.genOn,
    unservedKw: ev.unservedKw, shedBuses: net.buses.filter((_, i) => action.pickup[i] < 1).map((b) => b.id),
    trippedMts: ev.tripped.map((k) => net.generators[mts[k]].id),
  });

  const outputs: string[] = [];
  const lockTarget = opts.csv ?? opts.plot;
  if (lockTarget !== undefined) withOutputLock('powerflow', lockTarget, () => writeOutputs());
  if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
  else if (!opts.quiet) process.stdout.write(summary(report, opts, outputs));

  function writeOutputs(): void {
    if (opts.csv !== undefined) {
      const busFile = `${opts.csv}-buses.csv`;
      const lineFile = `${opts.csv}-lines.csv`;
      writeFileAtomic(busFile, stringify(report.buses, { header: true, cast: { boolean: (b) => (b ? '1' : '0') } }));
      writeFileAtomic(lineFile, stringify(report.lines, { header: true }));
      outputs.push(busFile, lineFile);
    }
    if (opts.plot !== undefined) {
      const svg = renderFeederSvg(net, pf, {
        title: plotTitle(report, opts), noTitle: !opts.title, flows: !!opts.flows,
        shedBuses: net.buses.flatMap((_, i) => (action.pickup[i] < 1 ? [i] : [])),
        genOn: evaluator.request.genOn, trippedGens: ev.tripped.map((k) => mts[k]),
      });
      writeFileAtomic(opts.plot, /\.png$/i.test(opts.plot) ? svgToPng(svg).png : svg);
      outputs.push(opts.plot);
    }
    if (outputs.length > 0) {
      const base = opts.csv !== undefined ? opts.csv : opts.plot!.replace(/\.(svg|png)$/i, '');
      const { buses: _b, lines: _l, ...totals } = report;
      writeManifest(`${base}.manifest.json`, buildManifest('powerflow run', { ...opts }, dataFiles(ctx), { outputs, weights, result: totals }));
    }
  }
}

function plotTitle(rep: PfReport, opts: RunOptions): string {
  const when = rep.step === null ? 'nominal load' : `step ${rep.step}`;
  return `${rep.case}, ${when}: loss ${rep.lossKw.toFixed(2)} kW, Vmin ${rep.vMinPu.toFixed(4)} pu at bus ${rep.vMinBus ?? '-'}, ` +
    `served ${rep.servedKw.toFixed(0)} of ${rep.loadKw.toFixed(0)} kW` + (opts.method !== 'auto' ? ` (${opts.method})` : '');
}

function colorizer(): chalk.Chalk {
  const useColor = !!process.stdout.isTTY && process.env.NO_COLOR === undefined;
  return new chalk.Instance({ level: useColor ? Math.max(1, chalk.level) as 1 | 2 | 3 : 0 });
}

function summary(rep: PfReport, opts: RunOptions, outputs: string[]): string {
  const c = colorizer();
  const f = (x: number, d = 2): string => x.toFixed(d);
  const lines: string[] = [];
  const when = rep.step === null ? 'nominal load' : `step ${rep.step}`;
  const status = rep.converged ? c.green(`converged in ${rep.iterations} iterations`) : c.red.bold('NOT CONVERGED');
  lines.push(`${c.bold(rep.case)}, ${when}: ${status} (mismatch ${rep.mismatchPu.toExponential(1)} pu)`);
  const unserved = rep.unservedKw > 1e-6 ? c.red(`${f(rep.unservedKw, 1)} kW`) : `${f(rep.unservedKw, 1)} kW`;
  lines.push(`  load      ${f(rep.loadKw, 1)} kW, served ${f(rep.servedKw, 1)} kW, unserved ${unserved}`);
  lines.push(`  losses    ${c.bold(f(rep.lossKw, 3))} kW, ${f(rep.lossKvar, 3)} kvar; substation ${f(rep.substationKw, 1)} kW, ` +
    `${f(rep.substationKvar, 1)} kvar`);
  const vmin = rep.vMinPu < 0.95 ? c.yellow(f(rep.vMinPu, 5)) : f(rep.vMinPu, 5);
  lines.push(`  voltage   min ${vmin} pu at bus ${rep.vMinBus ?? '-'}, max ${f(rep.vMaxPu, 5)} pu at bus ${rep.vMaxBus ?? '-'}`);
  lines.push(`  open      ${rep.openLines.join(',') || 'none'}   faulted ${rep.faultedLines.length ? c.red(rep.faultedLines.join(',')) : 'none'}`);
  const on = rep.generators.filter((g) => g.on && (g.pKw !== 0 || g.qKvar !== 0));
  if (on.length) {
    const der = on.map((g) => {
      const t = `${g.kind}@${g.bus} ${f(g.pKw, 1)} kW ${f(g.qKvar, 1)} kvar`;
      return g.withinLimits ? t : c.red(`${t} (outside its limits)`);
    });
    lines.push(`  DER       ${der.join('; ')}`);
  }
  const rw = rep.reward;
  if (rep.shedBuses.length) lines.push(`  shed      buses ${compactRanges(rep.shedBuses)}`);
  if (rep.trippedMts.length) lines.push(c.red(`  tripped   MT ${rep.trippedMts.join(', ')}: its island needed more than its limits (island dark)`));
  const terms = REWARD_TERMS.filter((t) => t !== 'invalid').map((t) => `${t === 'mt' ? 'MT' : t} ${f(rw[t], 4)}`).join(' + ');
  lines.push(`  reward    ${c.bold(f(rw.total, 4))} = -(${terms})`);
  if (rep.islands.length > 1 || rep.islands.some((i) => i.source !== 'substation')) {
    for (const is of rep.islands) {
      const src = is.source === 'none' ? c.gray('dark') : `${is.source} at bus ${is.sourceBus}`;
      lines.push(`  island    ${src}: ${is.buses.length} buses (${compactRanges(is.buses)}), ${is.status}`);
    }
  }
  for (const o of outputs) lines.push(c.gray(`  wrote ${o}`));
  void opts;
  return lines.join('\n') + '\n';
}

/** [1,2,3,5,7,8] -> "1-3,5,7-8" */
export function compactRanges(ids: number[]): string {
  const s = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}
