/** `mdpc solve`: the expert's action for one snapshot, with its AC power-flow evaluation. */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { checkOutputDir, checkOutputFile, configure, loadContext, oneOf, parseIntStrict, parseLineIds, collect, UsageError } from './common';
import { addExpertOptions, parseExpertOptions } from './expert-options';
import { nominalSnapshot, snapshot, Snapshot } from '../grid/series';
import { loadWeights } from '../powerflow/reward';
import { Expert, ExpertOptions, ExpertStep } from '../opt/expert';
import { mtIndices } from '../grid/action';
import { Mode, NAIVE, TIGHT } from '../opt/formulation';

export interface SolveCliOptions {
  data?: string;
  load?: string;
  step?: string;
  mode: string;
  objective: string;
  branch: string;
  pickup: string;
  curtail?: boolean;
  mt: string;
  voltage: string;
  fault?: string[];
  prevOpen?: string[];
  timeLimit: string;
  gap: string;
  weights?: string;
  run?: string;
  log: boolean;
  naive?: boolean;
  json?: boolean;
}

/** Validate every option and load the inputs; nothing is written before this returns. */
export function prepareSolve(o: SolveCliOptions): {
  expertOpts: Partial<ExpertOptions>; snap: Snapshot; faults: number[]; prevOpen: Uint8Array | null; runDir: string | null;
  ctx: ReturnType<typeof loadContext>; mode: Mode;
} {
  const { mode, objective, branch, mt, timeLimitS, gap } = parseExpertOptions(o);
  const pickup = oneOf(o.pickup, ['binary', 'fractional'], '--pickup') as 'binary' | 'fractional';
  const voltage = oneOf(o.voltage, ['soft', 'hard'], '--voltage') as 'soft' | 'hard';
  if (o.load !== undefined && o.load !== 'nominal') throw new UsageError(`expected "nominal", found "${o.load}"`, '--load');
  if (o.load === 'nominal' && o.step !== undefined) throw new UsageError('give either --load nominal or --step T, not both', '--step');
  if (o.run !== undefined && !/^[A-Za-z0-9._-]+$/.test(o.run)) throw new UsageError(`expected a run name of letters, digits, ".", "_" or "-", found ` +
    `"${o.run}"`, '--run');
  const weights = loadWeights(o.weights);
  const useSeries = o.step !== undefined;
  const ctx = loadContext(o.data, useSeries);
  let snap: Snapshot;
  if (useSeries) {
    if (!ctx.series) throw new UsageError(`the case in ${ctx.dir} has no time series (load.csv)`, '--step');
    const t = parseIntStrict(o.step!, '--step', 0, ctx.series.steps - 1);
    snap = snapshot(ctx.series, t);
  } else snap = nominalSnapshot(ctx.net);
  const faults = parseLineIds(ctx.net, o.fault, '--fault');
  for (const l of snap.faulted) if (!faults.includes(l)) faults.push(l);
  let prevOpen: Uint8Array | null = null;
  if (o.prevOpen) {
    prevOpen = new Uint8Array(ctx.net.lines.length);
    for (const l of parseLineIds(ctx.net, o.prevOpen, '--prev-open')) prevOpen[l] = 1;
  }
  let runDir: string | null = null;
  if (o.log) {
    const name = o.run ?? `solve-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${process.pid}`;
    runDir = path.resolve('log', name);
    // fail before any work when log/<name>/ and its files cannot be written (a plain file on the way, a name too long)
    checkOutputDir(runDir, '--run');
    checkOutputFile(path.join(runDir, `step_${o.step ?? 'nominal'}.log`), '--run');
  }
  const expertOpts: Partial<ExpertOptions> = {
    mode, objective, branch, pickup, mt, voltage, curtailable: !!o.curtail, weights, timeLimitS, gap,
    tightening: o.naive ? NAIVE : TIGHT, logDir: runDir,
  };
  return { expertOpts, snap, faults, prevOpen, runDir, ctx, mode };
}

export function stepReport(ex: Expert, r: ExpertStep): Record<string, unknown> {
  const net = ex.net;
  const mts = mtIndices(net).map((g, k) => ({ g: net.generators[g], k }));
  return {
    step: r.step,
    mode: r.mode,
    status: r.status,
    fallback: r.fallback,
    fallbackReason: r.fallbackReason,
    exact: r.exact,
    approximate: r.approximate,
    openLines: r.action.openLines,
    // set-points of the action, and the output the AC evaluation made each MT carry
    mt: mts.map(({ g, k }) => ({
      gen: g.id, bus: net.buses[g.bus].id, on: r.action.mtPKw[k] > 0, gridForming: !!r.action.gridForming[k],
      pKw: round(r.action.mtPKw[k]), qKvar: round(r.action.mtQKvar[k]), outputKw: round(r.eval.mtPKw[k]), outputKvar: round(r.eval.mtQKvar[k]),
    })),
    // buses whose own load the action sheds (pick-up < 1; buses without load are never listed)
    shedBuses: net.buses.filter((_, i) => r.action.pickup[i] < 1).map((b) => b.id),
    model: { objective: r.objective, bound: r.bound, gap: r.gap, lossKw: round(r.modelLossKw), rounds: r.rounds, lpRounds: r.lpRounds,
      cutsAdded: r.cutsAdded, cutsTotal: r.cutsTotal, maxViolation: r.maxViolation },
    ac: {
      converged: r.eval.converged, lossKw: round(r.eval.lossKw), vMinPu: round(r.eval.vMinPu, 6), vMinBus: r.eval.vMinBus, vMaxPu: round(r.eval.vMaxPu, 6),
      loadKw: round(r.eval.loadKw), servedKw: round(r.eval.servedKw), unservedKw: round(r.eval.unservedKw), shedKw: round(r.eval.shedKw),
        switchOps: r.eval.switchOps,
      reward: r.eval.reward, trippedMts: r.eval.tripped, islands: r.eval.islands,
    },
    timingMs: { build: round(r.timing.buildMs), solve: round(r.timing.solveMs), eval: round(r.timing.evalMs), write: round(r.timing.writeMs),
      total: round(r.timing.totalMs), mip: r.timing.mipMs.map((x) => round(x)) },
    work: r.work,
    lpFile: r.lpFile,
    logFile: r.logFile,
  };
}

function round(v: number, d = 4): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

export function registerSolve(program: Command): void {
  const cmd = configure(program.command('solve'))
    .description('solve the expert MILP for one snapshot; print open lines, MT dispatch, the model objective and the AC evaluation')
    .option('--data <dir>', 'case directory (default: the bundled IEEE 33-bus case)')
    .option('--load <nominal>', 'use the nominal loads of buses.csv (no PV/WT output)')
    .option('--step <T>', 'use step T (0-based) of the time series instead');
  addExpertOptions(cmd)
    .addOption(new Option('--pickup <kind>', 'binary or fractional load pick-up').default('binary'))
    .option('--curtail', 'PV and WT may be curtailed')
    .addOption(new Option('--voltage <rule>', 'soft: the reward\'s voltage penalty (0.8-1.2 pu safety band); hard: bus limits').default('soft'))
    .option('--fault <lines>', 'faulted line ids (comma-separated, repeatable), added to the step\'s events', collect)
    .option('--prev-open <lines>', 'previous topology (open line ids) for the switching cost', collect)
    .option('--weights <file>', 'reward weights JSON (also the objective\'s weights)')
    .option('--run <name>', 'write log/<name>/step_<T>.lp and .log (default name: solve-<time>-<pid>)')
    .option('--no-log', 'do not write the .lp and .log files')
    .option('--naive', 'the naive big-M model (benchmark calibration)')
    .option('--json', 'print JSON')
    .option('--no-daemon', 'solve in this process even when an mdpc daemon runs (see mdpc daemon --help)')
    .addHelpText('after', `
Examples:
  mdpc solve --load nominal --objective loss --mt off --json
  mdpc solve --step 12 --mode restore --fault 3,36 --time-limit 30`)
    .action(async (o: SolveCliOptions) => {
      const p = prepareSolve(o);
      const ex = await Expert.create(p.ctx.net, p.expertOpts);
      try {
        const r = ex.solve(p.snap, p.prevOpen, p.faults, p.mode, { tag: p.snap.step < 0 ? 'nominal' : String(p.snap.step) });
        const rep = stepReport(ex, r);
        if (o.json) process.stdout.write(JSON.stringify(rep, null, 2) + '\n');
        else process.stdout.write(textReport(rep) + '\n');
      } finally {
        ex.dispose();
      }
    });
}

function textReport(r: Record<string, any>): string {
  const lines = [
    `status        ${r.status}${r.fallback ? ` (FALLBACK: ${r.fallbackReason})` : ''}` +
      `${r.approximate ? ' (approximate: LinDistFlow)' : r.exact ? ' (cones exact)' : ''}`,
    `open lines    ${r.openLines.join(', ')}`,
    ...r.mt.map((m: any) => `MT ${m.gen} @ bus ${m.bus}  ` + (m.on
      ? `on${m.gridForming ? ', grid-forming' : ''}, set-point ${m.pKw} kW ${m.qKvar} kvar, output ${m.outputKw} kW ${m.outputKvar} kvar`
      : 'off')),
    ...(r.shedBuses.length ? [`shed buses    ${r.shedBuses.join(', ')} (${r.ac.shedKw} kW)`] : []),
    `model         objective ${r.model.objective}, bound ${r.model.bound}, loss ${r.model.lossKw} kW, ${r.model.rounds} MILP rounds, ${r.model.cutsTotal} cuts`,
    `AC            loss ${r.ac.lossKw} kW, vmin ${r.ac.vMinPu} pu at bus ${r.ac.vMinBus}, unserved ${r.ac.unservedKw} kW, ` +
      `reward ${r.ac.reward.total.toFixed(4)}`,
    `time          ${r.timingMs.total} ms (solver ${r.timingMs.solve} ms: ${r.work.mipSolves} MIP + ${r.work.lpSolves} LP solves, ` +
      `${r.work.nodes} nodes, ${r.work.lpIterations} LP iterations)`,
  ];
  if (r.lpFile) lines.push(`files         ${r.lpFile}, ${r.logFile}`);
  return lines.join('\n');
}
