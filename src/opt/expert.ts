/**
 * The optimizing expert: per step, set the step's data into a persistent solver model (the
 * MILP of src/opt/formulation.ts, kept between steps with its cuts), cut the LP relaxation at
 * the root, solve with the step's scheme (src/opt/certify.ts for 'soc': an exact incumbent
 * from an AC branch exchange, then MILPs until their bound certifies it; one MILP for the
 * approximate 'lindistflow'), read the point as the environment's action, evaluate it with the
 * AC power flow, write the .lp model and the solver log, and drop the cuts slack at the
 * solution before the next step. Cuts (src/opt/cuts.ts) are valid for every step, so later
 * steps start from them. The solver is whatever MipSolver it is handed (HiGHS by default).
 *
 * Failure never throws: a step without a usable solution takes the fallback action (keep the
 * previous topology with faulted lines open, MTs off; buses cut off stay dark and their load is
 * shed) and is marked `fallback: true`.
 *
 *   const ex = await Expert.create(net, { mode: 'reconfig', objective: 'loss' });
 *   const r = ex.solve(snapshot, previousOpen, faultedLines);   // r.action, r.status, r.timing
 *   ex.dispose();
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Network } from '../grid/network';
import { GridAction } from '../grid/action';
import { Snapshot } from '../grid/series';
import { PfResult } from '../powerflow/types';
import { writeFileAtomic } from '../io/atomic';
import { AcEvaluation, AcSearch, ExpertAction } from './ac-search';
import { certify } from './certify';
import { addSeedCuts, appendCuts, pruneCuts, violatedCuts } from './cuts';
import { Formulation, FormulationOptions, Mode, applyStep, buildFormulation } from './formulation';
import { highsSolver } from './highs';
import { DEFAULT_EXPERT, ExpertOptions, SchemeContext, StepScheme, actionOfPoint, oneMilp, secondsLeft } from './scheme';
import { MipModel, MipSolver, MipStatus, SolverWork } from './solver';

export { DEFAULT_EXPERT } from './scheme';
export type { ExpertOptions, StepScheme } from './scheme';
export type { AcEvaluation, ExpertAction } from './ac-search';
export { VIOLATION_FLOOR_PU2, violatedCuts } from './cuts';
export type { AcFlow } from './cuts';

export type StepStatus = MipStatus;

/** One step's decision, without its AC evaluation when the caller evaluates it (Expert.decide). */
export interface ExpertDecision {
  step: number;
  mode: Mode;
  /** final solver status: optimal, time-limit (with an incumbent unless fallback), infeasible, failed */
  status: StepStatus;
  /** the fallback action was taken (no usable solution) */
  fallback: boolean;
  fallbackReason: string | null;
  /** cones satisfied to the tolerance ('soc'); false for 'lindistflow' or an unfinished loop */
  exact: boolean;
  approximate: boolean;
  action: ExpertAction;
  /** the model's objective and best bound (money per step), NaN on fallback */
  objective: number;
  bound: number;
  gap: number;
  /** the model's loss estimate, kW */
  modelLossKw: number;
  rounds: number;
  lpRounds: number;
  cutsAdded: number;
  cutsTotal: number;
  maxViolation: number;
  timing: { buildMs: number; solveMs: number; evalMs: number; writeMs: number; totalMs: number; mipMs: number[] };
  /** the solver's work in this step (MIP and LP solves, nodes, LP iterations): machine-independent, unlike the times */
  work: SolverWork;
  /** the AC evaluation of the action (the environment's); null from decide() */
  eval: AcEvaluation | null;
  lpFile: string | null;
  logFile: string | null;
}

/** One step solved and evaluated (Expert.solve). */
export interface ExpertStep extends ExpertDecision {
  eval: AcEvaluation;
}

export interface StepOptions {
  /** log/<run> for step_<T>.lp and .log (default: the expert's logDir); null = none */
  runDir?: string | null;
  /** file tag (default: the snapshot's step) */
  tag?: string;
}

export class Expert {
  readonly net: Network;
  readonly opts: ExpertOptions;
  /** the AC evaluation, branch exchange, sequential opening and fallback action */
  readonly search: AcSearch;
  private readonly solver: MipSolver;
  private models = new Map<Mode, { F: Formulation; mip: MipModel }>();

  private constructor(net: Network, solver: MipSolver, opts: ExpertOptions) {
    this.net = net;
    this.solver = solver;
    this.opts = opts;
    this.search = new AcSearch(net, opts.weights);
  }

  /** `solver`: the MILP solver (src/opt/solver.ts); default HiGHS (src/opt/highs.ts). */
  static async create(net: Network, opts: Partial<ExpertOptions> = {}, solver?: MipSolver): Promise<Expert> {
    return new Expert(net, solver ?? (await highsSolver()), { ...DEFAULT_EXPERT, ...opts });
  }

  dispose(): void {
    for (const m of this.models.values()) m.mip.dispose();
    this.models.clear();
  }

  private model(mode: Mode, snap: Snapshot): { F: Formulation; mip: MipModel; buildMs: number } {
    const t0 = performance.now();
    let m = this.models.get(mode);
    if (m && !this.opts.reuse) {
      m.mip.dispose();
      this.models.delete(mode);
      m = undefined;
    }
    if (!m) {
      const fo: FormulationOptions = {
        mode, voltage: this.opts.voltage, objective: this.opts.objective, branch: this.opts.branch, pickup: this.opts.pickup,
        curtailable: this.opts.curtailable, mt: this.opts.mt, tightening: this.opts.tightening, weights: this.opts.weights,
      };
      const F = buildFormulation(this.net, fo);
      if (this.opts.seedCuts || this.opts.branch === 'lindistflow') addSeedCuts(F, this.search.evaluator, snap);
      F.firstPrunable = F.lp.numRows;
      const mip = this.solver.model(F.lp, this.opts.persistent);
      m = { F, mip };
      this.models.set(mode, m);
    }
    return { ...m, buildMs: performance.now() - t0 };
  }

  /**
   * Solve one step. `prevOpen`: previous topology (1 = open), null = none (normally open lines
   * are the fallback's reference). `faulted`: line indices out of service (default: the snapshot's).
   */
  solve(snap: Snapshot, prevOpen: Uint8Array | null, faulted: number[] = snap.faulted, mode: Mode = this.opts.mode, stepOpts: StepOptions = {}): ExpertStep {
    return this.run(snap, prevOpen, faulted, mode, stepOpts, true) as ExpertStep;
  }

  /**
   * The decision alone, for a caller that evaluates the action itself (the chain runner: the
   * environment's step is the one AC evaluation of the action).
   */
  decide(snap: Snapshot, prevOpen: Uint8Array | null, faulted: number[] = snap.faulted, mode: Mode = this.opts.mode,
    stepOpts: StepOptions = {}): ExpertDecision {
    return this.run(snap, prevOpen, faulted, mode, stepOpts, false);
  }

  private run(snap: Snapshot, prevOpen: Uint8Array | null, faulted: number[], mode: Mode, stepOpts: StepOptions, evaluate: boolean): ExpertDecision {
    const tStart = performance.now();
    const net = this.net;
    const o = this.opts;
    const nl = net.lines.length;
    const faultMask = new Uint8Array(nl);
    for (const l of faulted) faultMask[l] = 1;
    const { F, mip, buildMs: b0 } = this.model(mode, snap);
    const tApply = performance.now();
    applyStep(F, mip, { snap, faulted: faultMask, prevOpen });
    const buildMs = b0 + performance.now() - tApply;
    const cutsBefore = F.cutCount;
    const work0 = { ...mip.work };
    mip.note(`== step ${snap.step} mode ${mode} objective ${o.objective} branch ${o.branch} gap ${o.gap} faults ` +
      `[${faulted.map((l) => net.lines[l].id).join(',')}]`);

    const deadline = tStart + o.timeLimitS * 1000;
    let solveMs = this.rootCuts(F, mip, deadline);
    const scheme: StepScheme = typeof o.scheme === 'function' ? o.scheme : o.branch === 'soc' ? certify : oneMilp;
    const ctx: SchemeContext = { F, mip, snap, prevOpen, faultMask, mode, deadline, opts: o, search: this.search };
    const { last, rounds, lpRounds, maxViol, mipMs, converged, failure, failureStatus, solveMs: schemeMs } = scheme(ctx);
    solveMs += schemeMs;

    let status: StepStatus = last ? last.status : 'failed';
    if (!last && failure) status = failureStatus ?? 'failed';
    if (last && !converged && status === 'optimal') status = 'time-limit';
    const fallback = !last || !last.hasSolution;
    const action = fallback ? this.search.fallbackAction(snap, prevOpen, faultMask) : actionOfPoint(F, last!.x, faultMask, prevOpen, snap);
    const tEval = performance.now();
    const ev = evaluate ? this.evaluate(snap, action, mode, prevOpen, faultMask) : null;
    const evalMs = performance.now() - tEval;

    // files
    const tWrite = performance.now();
    let lpFile: string | null = null;
    let logFile: string | null = null;
    const dir = stepOpts.runDir !== undefined ? stepOpts.runDir : o.logDir;
    const tag = stepOpts.tag ?? String(snap.step);
    mip.note(`== result: status ${status}${fallback ? ' (fallback: ' + (failure ?? 'no solution') + ')' : ''}, rounds ${rounds}, LP rounds ${lpRounds}, ` +
      `cuts +${F.cutCount - cutsBefore} (${F.cutCount} in model), max violation ${maxViol}, objective ${last?.objective ?? NaN}`);
    if (ev) mip.note(`   AC evaluation: loss ${ev.lossKw.toFixed(4)} kW, vmin ${ev.vMinPu.toFixed(5)} pu, unserved ${ev.unservedKw.toFixed(3)} kW, ` +
      `reward ${ev.reward.total.toFixed(4)}`);
    const logText = mip.takeLog();
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      lpFile = path.join(dir, `step_${tag}.lp`);
      logFile = path.join(dir, `step_${tag}.log`);
      writeFileAtomic(lpFile, F.lp.toLpText([
        `case33ts mdpc expert model, step ${snap.step}, mode ${mode}, objective ${o.objective}, ` +
          `branch ${o.branch}${o.branch === 'lindistflow' ? ' (APPROXIMATE)' : ''}`,
        `per unit on ${net.baseKva} kVA; ${F.cutCount} outer-approximation cuts included; status ${status}, objective ${last?.objective ?? 'none'}`,
      ]));
      writeFileAtomic(logFile, logText);
    }
    const writeMs = performance.now() - tWrite;
    // between steps, keep the model small: drop cuts slack at this step's solution (never within a
    // step, and only after the .lp file of the model as solved has been written)
    if (o.pruneSlack > 0 && last && last.hasSolution && converged) {
      const n = pruneCuts(F, mip, [last.x], o.pruneSlack);
      if (n) mip.note(`== pruned ${n} slack cuts before the next step (${F.lp.numRows} rows left)`);
    }
    let modelLossKw = NaN;
    if (last && last.hasSolution) {
      modelLossKw = 0;
      for (let l = 0; l < nl; l++) modelLossKw += F.L.rPu[l] * last.x[F.L.ell[l]] * net.baseKva;
    }
    return {
      step: snap.step, mode, status, fallback,
      fallbackReason: fallback ? failure ?? 'no solution' : null,
      exact: o.branch === 'soc' && converged && !fallback,
      approximate: o.branch !== 'soc',
      action,
      objective: fallback ? NaN : last!.objective,
      bound: last?.bound ?? NaN,
      gap: last?.gap ?? NaN,
      modelLossKw,
      rounds, lpRounds,
      cutsAdded: F.cutCount - cutsBefore,
      cutsTotal: F.cutCount,
      maxViolation: maxViol,
      timing: { buildMs, solveMs, evalMs, writeMs, totalMs: performance.now() - tStart, mipMs },
      work: mip.workSince(work0),
      eval: ev,
      lpFile, logFile,
    };
  }

  /**
   * Root cuts: on the LP relaxation, add cone and perspective cuts where they are violated
   * (perspective at (p/sw, q/sw): the flow the line would carry were it fully closed). Returns
   * the solver time, ms.
   */
  private rootCuts(F: Formulation, mip: MipModel, deadline: number): number {
    const o = this.opts;
    let solveMs = 0;
    if (!(o.rootCuts > 0 && o.branch === 'soc')) return 0;
    for (let k = 0; k < o.rootCuts && performance.now() < deadline; k++) {
      const rr = mip.runRelaxation({ timeLimitS: secondsLeft(deadline), relGap: o.gap });
      solveMs += rr.timeMs;
      if (!rr.hasSolution) break;
      const c = violatedCuts(F, rr.x, 1e-4, true);
      if (k === 0 || c.rows.length === 0) mip.note(`-- root LP ${k + 1}: bound ${rr.objective}, ${c.rows.length} cuts`);
      if (c.rows.length === 0) break;
      appendCuts(F, mip, c.rows);
    }
    return solveMs;
  }

  /** The AC evaluation of an action: the environment's (src/powerflow/evaluate.ts), on this snapshot and faults. */
  evaluate(snap: Snapshot, a: GridAction, mode: Mode, prevOpen: Uint8Array | null, faulted: Uint8Array, onFlow?: (pf: PfResult) => void): AcEvaluation {
    return this.search.evaluate(snap, a, mode, prevOpen, faulted, onFlow);
  }
}
