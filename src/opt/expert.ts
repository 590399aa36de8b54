/**
 * The optimizing expert: per step, set the step's data into a persistent HiGHS model, solve the
 * MILP, add outer-approximation cuts for violated cones (l v >= p^2 + q^2) and re-solve until the
 * largest relative violation is below the tolerance, then evaluate the chosen action with the
 * AC power flow. Between MILP rounds the topology found is fixed and the cuts are converged on
 * the (cheap) LP; that solution satisfies every cut and seeds the next MILP as an incumbent.
 * Cuts are valid for every step, so they stay in the model: later steps start from them.
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
import { Network, normallyOpenLines } from '../grid/network';
import { GridAction, defaultGridForming, mtIndices, openLineIds } from '../grid/action';
import { fundamentalLoops } from '../topology/graph';
import { Snapshot } from '../grid/series';
import { ActionEvaluator } from '../powerflow/evaluate';
import { PfResult } from '../powerflow/types';
import { RewardTerms, DEFAULT_WEIGHTS } from '../powerflow/reward';
import { writeFileAtomic } from '../io/atomic';
import { loadHighs, SyncedMip, MipOutcome, MipSettings, MipStatus, SolverWork } from './highs';
import {
  Formulation, FormulationOptions, Mode, TIGHT,
  applyStep, buildFormulation, pruneCuts, cutRows, cutsAppended, perspectiveRow, seeding, CutRow,
} from './formulation';
import type { Highs } from 'highs';

/** The model's options (FormulationOptions: mode, objective, voltage, branch, ...) and the solver's. */
export interface ExpertOptions extends FormulationOptions {
  /** wall-clock limit of one step (all MILP rounds), seconds */
  timeLimitS: number;
  /** relative MIP gap */
  gap: number;
  /** largest relative cone violation accepted */
  violationTol: number;
  maxRounds: number;
  /** converge the cuts on the LP of the topology found before re-solving the MILP */
  polish: boolean;
  /** keep the HiGHS model (and its cuts) between steps; false rebuilds it every step */
  reuse: boolean;
  /** false: re-create the HiGHS model from LP text for every solve (the naive calibration) */
  persistent: boolean;
  /** MIP gap of the first rounds, while cuts are still being added (<= gap: off) */
  looseGap: number;
  /** rounds of cuts on the LP relaxation before each step's first MILP (0 = off) */
  rootCuts: number;
  /**
   * MILPs after a step's first one run at this fraction of the gap: HiGHS measures its gap against
   * its own incumbent, after the first round often a cone-breaking point just below the exact
   * incumbent, and with the full gap its bound then falls just short of certifying the exact one
   * (a day step took 4 MILPs, now 2; the MT day 144-151 s -> 134-142 s in paired runs). 0.3
   * rather than 0.5: MT day 93 -> 86 MIP solves, 9,284 -> 8,518 nodes, 1.317 M -> 1.143 M LP iterations
   * (0.2: 1.3 % fewer iterations than 0.5 on its first 8 steps, 0.3: 14 % fewer); the MTs-off days
   * are unchanged (their steps rarely need a second MILP)
   */
  laterGapFactor: number;
  /** after each step drop the cuts whose relative slack at its solution exceeds this (0 = keep
   * all): fewer rows make every branch-and-bound node cheaper; 0.01 measured best on the day */
  pruneSlack: number;
  /** start each model with cuts at the AC flows of the meshed and the normal topology */
  seedCuts: boolean;
  /** write step_<T>.lp and step_<T>.log here; null = do not write */
  logDir: string | null;
  /**
   * 'certify' (default): start from the best topology an AC branch exchange finds (from the
   * previous step's), converge its cuts on the LP so it is an exact incumbent, then one MILP at
   * the requested gap; the step is optimal when the exact incumbent is within the gap of the
   * MILP's bound (a valid bound: the cuts relax the cones). 'rounds': re-solve the MILP after
   * every batch of cuts until its own solution satisfies the cones (the ladder's variants).
   */
  scheme: 'certify' | 'rounds';
  /** HiGHS' primal heuristic effort in the MILP (0 = none; an exact incumbent is already offered) */
  heuristicEffort: number;
  /** HiGHS separates cuts at every node, not only the root (measured: ~20 % slower here) */
  nodeCuts: boolean;
  /** 'certify': interrupt a MILP as soon as its bound certifies the exact incumbent */
  stopAtCertificate: boolean;
  /** 'certify': also converge the topologies of up to this many of a MILP's other improving points */
  pointPolish: number;
  /** 'certify': after a MILP whose point breaks the cones, an AC branch exchange from its topology with its dispatch (cuts at the flows around it) */
  pointExchange: boolean;
  /**
   * 'certify', restore mode: HiGHS' gap in a step's first MILP when larger than `gap`. Its point
   * mostly places cuts (island flows are far from the seed cuts, so it breaks the cones and a
   * second MILP follows anyway); the bound still certifies through stopAtCertificate. 0.03: restore
   * N-2 [1,2] [1,3] [2,18] [1,10] 4,659 -> 3,614 nodes, 398k -> 321k LP iterations
   */
  firstGap: number;
}

export const DEFAULT_EXPERT: ExpertOptions = {
  mode: 'reconfig',
  objective: 'reward',
  voltage: 'soft',
  branch: 'soc',
  pickup: 'binary',
  curtailable: false,
  mt: 'on',
  tightening: TIGHT,
  weights: DEFAULT_WEIGHTS,
  timeLimitS: 60,
  gap: 1e-2,
  violationTol: 1e-6,
  maxRounds: 40,
  polish: true,
  reuse: true,
  persistent: true,
  looseGap: 0.02,
  rootCuts: 3,
  laterGapFactor: 0.3,
  pruneSlack: 0.01,
  seedCuts: true,
  logDir: null,
  scheme: 'certify',
  heuristicEffort: 0,
  nodeCuts: false,
  stopAtCertificate: true,
  pointPolish: 2,
  pointExchange: true,
  firstGap: 0.03,
};

/** Cone violations are relative to max(p^2 + q^2, FLOOR): below 1 kVA (at 1 MVA base) flows are judged in absolute terms. */
export const VIOLATION_FLOOR_PU2 = 1e-6;

/**
 * The expert's decision: the environment's action (src/grid/action.ts: switches, MT set-points,
 * load pick-up, grid-forming MTs) plus the ids of its open lines. Pick-up is 1 at buses without
 * load and at buses the model leaves dark (nothing to decide there).
 */
export interface ExpertAction extends GridAction {
  /** 1-based ids of the open lines (faulted included), ascending */
  openLines: number[];
}

export interface AcEvaluation {
  converged: boolean;
  lossKw: number;
  vMinPu: number;
  vMinBus: number;
  vMaxPu: number;
  loadKw: number;
  servedKw: number;
  unservedKw: number;
  /** load shed at energized buses, kW (part of unservedKw) */
  shedKw: number;
  switchOps: number;
  reward: RewardTerms;
  /** per MT, actual output (an island's MT carries its balance) */
  mtPKw: number[];
  mtQKvar: number[];
  /** MT ids tripped by protection */
  tripped: number[];
  islands: { sourceBus: number; sourceKind: string; buses: number }[];
}

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
  /** HiGHS' work in this step (MIP and LP solves, nodes, LP iterations): machine-independent, unlike the times */
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
  private readonly h: Highs;
  private readonly evaluator: ActionEvaluator;
  private readonly mts: number[];
  private models = new Map<Mode, { F: Formulation; mip: SyncedMip }>();

  private constructor(net: Network, h: Highs, opts: ExpertOptions) {
    this.net = net;
    this.h = h;
    this.opts = opts;
    this.evaluator = new ActionEvaluator(net);
    this.mts = mtIndices(net);
  }

  static async create(net: Network, opts: Partial<ExpertOptions> = {}): Promise<Expert> {
    const h = await loadHighs();
    return new Expert(net, h, { ...DEFAULT_EXPERT, ...opts });
  }

  dispose(): void {
    for (const m of this.models.values()) m.mip.dispose();
    this.models.clear();
  }

  private model(mode: Mode, snap: Snapshot): { F: Formulation; mip: SyncedMip; buildMs: number } {
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
      if (this.opts.seedCuts || this.opts.branch === 'lindistflow') addSeedCuts(F, this.evaluator, snap);
      F.firstPrunable = F.lp.numRows;
      const mip = new SyncedMip(this.h, F.lp, this.opts.persistent);
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
  decide(snap: Snapshot, prevOpen: Uint8Array | null, faulted: number[] = snap.faulted, mode: Mode = this.opts.mode, stepOpts: StepOptions = {}): ExpertDecision {
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
    mip.note(`== step ${snap.step} mode ${mode} objective ${o.objective} branch ${o.branch} gap ${o.gap} faults [${faulted.map((l) => net.lines[l].id).join(',')}]`);

    const deadline = tStart + o.timeLimitS * 1000;
    const settings = (): { timeLimitS: number; relGap: number } => ({ timeLimitS: secondsLeft(deadline), relGap: o.gap });
    const ints: number[] = [];
    for (let j = 0; j < F.lp.numCols; j++) if (F.lp.colInt[j]) ints.push(j);
    let last: MipOutcome | null = null;
    let rounds = 0;
    let lpRounds = 0;
    let maxViol = Infinity;
    let solveMs = 0;
    const mipMs: number[] = [];
    let converged = false;
    let failure: string | null = null;
    // root cuts: on the LP relaxation, add cone and perspective cuts where they are violated
    // (perspective at (p/sw, q/sw): the flow the line would carry were it fully closed)
    let rootRounds = 0;
    if (o.rootCuts > 0 && o.branch === 'soc') {
      for (let k = 0; k < o.rootCuts && performance.now() < deadline; k++) {
        const rr = mip.runRelaxation(settings());
        solveMs += rr.timeMs;
        rootRounds++;
        if (!rr.hasSolution) break;
        const c = violatedCuts(F, rr.x, 1e-4, true);
        if (k === 0 || c.rows.length === 0) mip.note(`-- root LP ${k + 1}: bound ${rr.objective}, ${c.rows.length} cuts`);
        if (c.rows.length === 0) break;
        mip.addRows(c.rows);
        cutsAppended(F);
      }
    }
    if (o.scheme === 'certify' && o.branch === 'soc' && o.persistent) {
      const c = this.certify(F, mip, snap, prevOpen, faultMask, mode, deadline);
      last = c.last; rounds = c.rounds; lpRounds += c.lpRounds; maxViol = c.maxViol; solveMs += c.solveMs;
      mipMs.push(...c.mipMs); converged = c.converged; failure = c.failure;
    } else {
      // phase 1 at a loose gap while cuts are still being found; the final rounds at the requested gap
      let loose = o.branch === 'soc' && o.looseGap > o.gap;
      while (rounds < o.maxRounds) {
        rounds++;
        const r = mip.run({ ...settings(), relGap: loose ? o.looseGap : o.gap });
        solveMs += r.timeMs;
        mipMs.push(r.timeMs);
        mip.note(`-- round ${rounds}: ${r.highsStatus}, objective ${r.objective}, bound ${r.bound}, ${r.timeMs.toFixed(1)} ms`);
        if (!r.hasSolution) {
          failure = `${r.highsStatus} in round ${rounds}`;
          // a later round without a solution: keep the previous round's (not cone-exact) solution
          if (last) last = { ...last, status: r.status === 'optimal' ? 'failed' : r.status };
          break;
        }
        last = r;
        if (o.branch !== 'soc') { converged = true; maxViol = 0; break; }
        const cuts = violatedCuts(F, r.x, o.violationTol);
        maxViol = cuts.maxViol;
        mip.note(`   max relative cone violation ${maxViol.toExponential(3)}, ${cuts.rows.length} cuts`);
        if (cuts.rows.length === 0) {
          if (loose) {
            // cones hold at the loose gap: re-solve at the requested gap from this (feasible) point
            loose = false;
            mip.setStart(r.x);
            continue;
          }
          converged = true;
          break;
        }
        mip.addRows(cuts.rows);
        cutsAppended(F);
        if (r.status !== 'optimal' || performance.now() > deadline) break;
        if (o.polish) {
          // converge the cuts on the LP of this topology; its solution then satisfies every cut
          const saveLo = ints.map((j) => F.lp.colLower[j]);
          const saveHi = ints.map((j) => F.lp.colUpper[j]);
          for (const j of ints) { const v = Math.round(r.x[j]); mip.setColBounds(j, v, v); }
          let good: Float64Array | null = null;
          for (let k = 0; k < 50 && performance.now() < deadline; k++) {
            const lpr = mip.runRelaxation(settings());
            solveMs += lpr.timeMs;
            lpRounds++;
            if (!lpr.hasSolution) break;
            const c2 = violatedCuts(F, lpr.x, o.violationTol);
            if (c2.rows.length === 0) { good = lpr.x; break; }
            mip.addRows(c2.rows);
            cutsAppended(F);
          }
          ints.forEach((j, k) => mip.setColBounds(j, saveLo[k], saveHi[k]));
          if (good) mip.setStart(good);
          mip.note(`   LP polish: ${lpRounds} LP rounds so far${good ? ', start offered' : ''}`);
        }
      }
    }
    const mode0 = mode;

    let status: StepStatus = last ? last.status : 'failed';
    if (!last && failure) status = failure.startsWith('Infeasible') || failure.startsWith('Primal infeasible') ? 'infeasible' : failure.startsWith('Time limit') ? 'time-limit' : 'failed';
    if (last && !converged && status === 'optimal') status = 'time-limit';
    const fallback = !last || !last.hasSolution;
    const action = fallback ? this.fallbackAction(snap, prevOpen, faultMask) : this.extractAction(F, last!.x, faultMask, prevOpen, snap);
    const tEval = performance.now();
    const ev = evaluate ? this.evaluate(snap, action, mode0, prevOpen, faultMask) : null;
    const evalMs = performance.now() - tEval;

    // files
    const tWrite = performance.now();
    let lpFile: string | null = null;
    let logFile: string | null = null;
    const dir = stepOpts.runDir !== undefined ? stepOpts.runDir : o.logDir;
    const tag = stepOpts.tag ?? String(snap.step);
    mip.note(`== result: status ${status}${fallback ? ' (fallback: ' + (failure ?? 'no solution') + ')' : ''}, rounds ${rounds}, LP rounds ${lpRounds}, cuts +${F.cutCount - cutsBefore} (${F.cutCount} in model), max violation ${maxViol}, objective ${last?.objective ?? NaN}`);
    if (ev) mip.note(`   AC evaluation: loss ${ev.lossKw.toFixed(4)} kW, vmin ${ev.vMinPu.toFixed(5)} pu, unserved ${ev.unservedKw.toFixed(3)} kW, reward ${ev.reward.total.toFixed(4)}`);
    const logText = mip.takeLog();
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      lpFile = path.join(dir, `step_${tag}.lp`);
      logFile = path.join(dir, `step_${tag}.log`);
      writeFileAtomic(lpFile, F.lp.toLpText([
        `case33ts mdpc expert model, step ${snap.step}, mode ${mode}, objective ${o.objective}, branch ${o.branch}${o.branch === 'lindistflow' ? ' (APPROXIMATE)' : ''}`,
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
   * The certified scheme (see ExpertOptions.scheme). Returns the exact incumbent as `last`
   * (objective = its exact model objective, bound = the best MILP bound, gap between them).
   */
  private certify(F: Formulation, mip: SyncedMip, snap: Snapshot, prevOpen: Uint8Array | null, faultMask: Uint8Array, mode: Mode, deadline: number): {
    last: MipOutcome | null; rounds: number; lpRounds: number; maxViol: number; solveMs: number; mipMs: number[]; converged: boolean; failure: string | null;
  } {
    const o = this.opts;
    const out = { last: null as MipOutcome | null, rounds: 0, lpRounds: 0, maxViol: Infinity, solveMs: 0, mipMs: [] as number[], converged: false, failure: null as string | null };
    let best: MipOutcome | null = null;
    const consider = (p: MipOutcome | null, why: string): void => {
      if (!p) return;
      mip.note(`   exact incumbent (${why}): objective ${p.objective}`);
      if (!best || p.objective < best.objective) best = p;
    };
    // 1. an exact incumbent: the topology of an AC branch exchange, its cuts converged; tangent
    // cuts at the AC flows of that topology and its cheapest neighbours (unless seedCuts is off)
    const seen = this.net.lines.map(() => [] as number[]);
    const exchange = (from: Uint8Array | null, dispatch: ExpertAction | undefined, what: string): Uint8Array => {
      const t0 = performance.now();
      const rows: CutRow[] = [];
      const { open } = this.branchExchange(snap, from, prevOpen, faultMask, mode, o.seedCuts ? (flow) => rows.push(...acCuts(F, flow, seen)) : undefined, dispatch);
      mip.addRows(rows);
      cutsAppended(F);
      mip.note(`-- AC branch exchange${what}: open [${idsOf(this.net, open).join(',')}] in ${(performance.now() - t0).toFixed(1)} ms, ${rows.length} cuts at the AC flows it met`);
      return open;
    };
    let from = prevOpen;
    if (!prevOpen && mode === 'reconfig') {
      // no previous topology (an episode's first step): the exchange from the normal topology can
      // stop in a local optimum, and the MILP then meets flows without cuts and runs again; also
      // exchange from the sequential-opening topology and go on from the better of the two
      const t0 = performance.now();
      const mesh = this.meshedOpening(snap, faultMask);
      if (mesh) {
        const a = this.branchExchange(snap, null, null, faultMask, mode);
        const b = this.branchExchange(snap, mesh, null, faultMask, mode);
        from = b.cost < a.cost ? b.open : a.open;
        mip.note(`-- start: exchange from the normal topology ${a.cost}, from sequential opening [${idsOf(this.net, mesh).join(',')}] ${b.cost}; ${(performance.now() - t0).toFixed(1)} ms`);
      }
    }
    const startOpen = exchange(from, undefined, '');
    const p0 = this.polishTopology(F, mip, { open: startOpen }, deadline, out);
    consider(p0, 'branch exchange');
    if (p0) {
      // MTs dispatched: exchange again with that dispatch, so the cuts sit at flows the MILP will meet
      const a0 = this.extractAction(F, p0.x, faultMask, prevOpen, snap);
      if (a0.mtPKw.some((p) => p > 0)) {
        const open2 = exchange(startOpen, a0, ' with the MT dispatch');
        if (open2.some((v, l) => v !== startOpen[l])) consider(this.polishTopology(F, mip, { open: open2 }, deadline, out), 'branch exchange with MTs');
      }
    }
    let bound = -Infinity;
    let certified = false;
    while (out.rounds < o.maxRounds && performance.now() < deadline) {
      out.rounds++;
      if (best) mip.setStart((best as MipOutcome).x);
      // stop HiGHS as soon as its bound certifies the exact incumbent (its own gap is measured
      // against its own, often cone-breaking, incumbent); keep its improving points
      const found: { x: Float64Array; objective: number }[] = [];
      const target = best && o.stopAtCertificate ? (best as MipOutcome).objective - o.gap * Math.max(Math.abs((best as MipOutcome).objective), 1e-9) : undefined;
      const r = mip.run({
        timeLimitS: secondsLeft(deadline), relGap: out.rounds > 1 ? o.gap * o.laterGapFactor : mode === 'restore' ? Math.max(o.gap, o.firstGap) : o.gap, heuristicEffort: o.heuristicEffort, nodeCuts: o.nodeCuts,
        stopAtBound: target, onSolution: o.pointPolish > 0 ? (x, objective) => found.push({ x, objective }) : undefined,
      });
      out.solveMs += r.timeMs;
      out.mipMs.push(r.timeMs);
      mip.note(`-- MILP ${out.rounds}: ${r.highsStatus}${r.interrupted ? ' (bound certifies the exact incumbent)' : ''}, objective ${r.objective}, bound ${r.bound}, ${r.nodes} nodes, ${r.timeMs.toFixed(1)} ms`);
      if (r.interrupted && r.status === 'time-limit') (r as { status: MipStatus }).status = 'optimal';
      if (Number.isFinite(r.bound)) bound = Math.max(bound, r.bound);
      if (r.status === 'infeasible') { out.failure = `${r.highsStatus} in MILP ${out.rounds}`; if (!best) return { ...out, last: { ...r, status: 'infeasible' } }; break; }
      if (r.hasSolution) {
        const cuts = violatedCuts(F, r.x, o.violationTol);
        mip.note(`   MILP ${out.rounds} point: open [${this.extractAction(F, r.x, faultMask, prevOpen, snap).openLines.join(',')}], max cone violation ${cuts.maxViol.toExponential(3)}`);
        if (cuts.rows.length === 0) consider(r, `MILP ${out.rounds}`);
        else {
          // the MILP's point is not exact: converge its topology, and cut the point off
          const pr = this.polishTopology(F, mip, { ints: r.x }, deadline, out);
          consider(pr, `MILP ${out.rounds} topology`);
          mip.addRows(violatedCuts(F, r.x, o.violationTol).rows);
          cutsAppended(F);
          if (pr && o.pointExchange && performance.now() < deadline) {
            // cuts at the AC flows around the MILP's topology, with its dispatch: where the next MILP looks
            const ap = this.extractAction(F, pr.x, faultMask, prevOpen, snap);
            const openP = exchange(ap.lineOpen, ap, ` from MILP ${out.rounds} with its dispatch`);
            if (openP.some((v, l) => v !== ap.lineOpen[l])) consider(this.polishTopology(F, mip, { open: openP }, deadline, out), `exchange from MILP ${out.rounds}`);
          }
        }
        // the MILP's other improving points: cut them off too, and converge the best few other topologies
        const key = (x: ArrayLike<number>): string => F.L.sw.map((j) => (x[j] > 0.5 ? 1 : 0)).join('');
        const done = new Set([key(r.x)]);
        let polished = 0;
        for (const p of found.sort((a, b) => a.objective - b.objective)) {
          const c = violatedCuts(F, p.x, o.violationTol);
          if (!c.rows.length) { consider({ ...r, x: p.x, objective: p.objective, status: 'optimal' }, `MILP ${out.rounds} point`); continue; }
          mip.addRows(c.rows);
          cutsAppended(F);
          const k = key(p.x);
          if (polished < o.pointPolish && !done.has(k) && performance.now() < deadline) {
            done.add(k);
            polished++;
            consider(this.polishTopology(F, mip, { ints: p.x }, deadline, out), `MILP ${out.rounds} improving point`);
          }
        }
      } else if (!best) {
        out.failure = `${r.highsStatus} in MILP ${out.rounds}`;
        return { ...out, last: r };
      }
      if (best) {
        const b: MipOutcome = best;
        const gap = relativeGap(b.objective, bound);
        mip.note(`   exact incumbent ${b.objective}, bound ${bound}, gap ${gap.toExponential(3)}`);
        if (gap <= o.gap + 1e-12) {
          certified = true;
          best = { ...b, status: 'optimal', bound, gap: Math.max(0, gap) };
          break;
        }
        best = { ...b, status: 'time-limit', bound, gap };
      }
      if (r.status !== 'optimal' && r.status !== 'time-limit') break;
    }
    if (best) {
      const b: MipOutcome = best;
      out.converged = true; // the incumbent satisfies the cones; its status says whether the gap was proved
      out.maxViol = violatedCuts(F, b.x, o.violationTol).maxViol;
      // no proof of the gap (time ran out, or no MILP finished): the incumbent, marked time-limit
      if (!certified) best = { ...b, status: 'time-limit', bound, gap: Number.isFinite(bound) ? relativeGap(b.objective, bound) : NaN };
    }
    return { ...out, last: best };
  }

  /**
   * Fix the topology (`open`: 1 = open, other integers free) or every integer column (`ints`:
   * rounded from a MILP point), then add cuts until the cones hold: an exactly feasible point and
   * its objective, or null. The bounds are restored afterwards.
   */
  private polishTopology(F: Formulation, mip: SyncedMip, fix: { open?: Uint8Array; ints?: Float64Array }, deadline: number, acc: { lpRounds: number; solveMs: number }): MipOutcome | null {
    const o = this.opts;
    const L = F.L;
    const saved: [number, number, number][] = [];
    /** fix column j at v (false when v is outside its bounds) */
    const fixCol = (j: number, v: number): boolean => {
      const lo = F.lp.colLower[j];
      const hi = F.lp.colUpper[j];
      saved.push([j, lo, hi]);
      const w = Math.min(hi, Math.max(lo, v));
      mip.setColBounds(j, w, w);
      return w === v;
    };
    const fixInts = (x: Float64Array): boolean => {
      let ok = true;
      for (let j = 0; j < F.lp.numCols; j++) if (F.lp.colInt[j] && F.lp.colLower[j] !== F.lp.colUpper[j]) ok = fixCol(j, Math.round(x[j])) && ok;
      return ok;
    };
    const settings = (): MipSettings => ({ timeLimitS: secondsLeft(deadline), relGap: 1e-9, heuristicEffort: o.heuristicEffort });
    try {
      let ok = true;
      if (fix.ints) ok = fixInts(fix.ints);
      else if (fix.open) for (let l = 0; l < this.net.lines.length; l++) ok = fixCol(L.sw[l], fix.open[l] ? 0 : 1) && ok;
      if (!ok) { mip.note('   polish: the point is outside the bounds'); return null; }
      if (!F.lp.colInt.every((b, j) => !b || F.lp.colLower[j] === F.lp.colUpper[j])) {
        // the topology is fixed, other integers (MT on/off, pick-up) are not: one small MILP
        // decides them, then they are fixed too and the cuts converge on the LP
        const r = mip.run(settings());
        acc.solveMs += r.timeMs;
        acc.lpRounds++;
        if (!r.hasSolution || r.status !== 'optimal') { mip.note(`   polish: ${r.highsStatus} with the topology fixed`); return null; }
        fixInts(r.x);
        const c = violatedCuts(F, r.x, o.violationTol);
        if (c.rows.length === 0) return r;
        mip.addRows(c.rows);
        cutsAppended(F);
      }
      for (let k = 0; k < 60 && performance.now() < deadline; k++) {
        const r = mip.runRelaxation(settings());
        acc.solveMs += r.timeMs;
        acc.lpRounds++;
        if (!r.hasSolution || r.status !== 'optimal') { mip.note(`   polish: ${r.highsStatus} after ${k} rounds`); return null; }
        const c = violatedCuts(F, r.x, o.violationTol);
        if (c.rows.length === 0) return r;
        mip.addRows(c.rows);
        cutsAppended(F);
      }
      mip.note('   polish: cuts did not converge in time');
      return null;
    } finally {
      for (let k = saved.length - 1; k >= 0; k--) mip.setColBounds(saved[k][0], saved[k][1], saved[k][2]);
    }
  }

  /**
   * Best-improvement branch exchange with the AC power flow (MTs off unless `dispatch`, all load
   * on), from `start` (null: the normally open lines): close an open line, open one on the loop it
   * makes (or close it alone when it reaches a dark part). Cost: minus the reward, switching
   * counted against `prevOpen`. Cheap (a few hundred power flows on the 33-bus feeder) and only a
   * start: the MILP decides. Returns the local optimum and its cost.
   */
  branchExchange(snap: Snapshot, start: Uint8Array | null, prevOpen: Uint8Array | null, faulted: Uint8Array, mode: Mode, onFlow?: (flow: AcFlow) => void, dispatch?: ExpertAction): { open: Uint8Array; cost: number } {
    const net = this.net;
    const nl = net.lines.length;
    const open = new Uint8Array(nl);
    if (start) open.set(start);
    else for (const l of normallyOpenLines(net)) open[l] = 1;
    for (let l = 0; l < nl; l++) if (faulted[l]) open[l] = 1;
    // MTs off unless dispatched (no grid-forming choice: all load on, no islands needed)
    const M = this.mts.length;
    const trial: GridAction = {
      lineOpen: open,
      mtPKw: dispatch ? dispatch.mtPKw.slice() : new Float64Array(M),
      mtQKvar: dispatch ? dispatch.mtQKvar.slice() : new Float64Array(M),
      // restore mode with a dispatch: its islands too (grid-forming flags, pick-up)
      pickup: dispatch && mode === 'restore' ? dispatch.pickup.slice() : new Float64Array(net.buses.length).fill(1),
      gridForming: dispatch && mode === 'restore' ? dispatch.gridForming.slice() : new Uint8Array(M),
    };
    type Met = { c: number; pKw: Float64Array; qKvar: Float64Array; vPu: Float64Array };
    let met: Met[] = [];
    const cost = (lineOpen: Uint8Array): number => {
      let flow: PfResult | null = null;
      const ev = this.evaluate(snap, { ...trial, lineOpen }, mode, prevOpen, faulted, onFlow ? (pf) => { flow = pf; } : undefined);
      const c = ev.converged ? -ev.reward.total : Infinity;
      if (flow) {
        const f: PfResult = flow;
        met.push({ c, pKw: Float64Array.from(f.linePKw), qKvar: Float64Array.from(f.lineQKvar), vPu: Float64Array.from(f.vPu) });
      }
      return c;
    };
    let cur = cost(open);
    for (let pass = 0; pass < 4 * nl; pass++) {
      met = [];
      let bestCost = cur;
      let bestMove: [number, number] | null = null;
      for (let a = 0; a < nl; a++) {
        if (!open[a] || faulted[a] || !net.lines[a].switchable) continue;
        open[a] = 0;
        const loops = fundamentalLoops(net, open);
        const loop = loops.find((lp) => lp.includes(a));
        if (!loop && loops.length === 0) {
          const c = cost(open);
          if (c < bestCost - 1e-12) { bestCost = c; bestMove = [a, -1]; }
        } else if (loop) {
          for (const b of loop) {
            if (b === a || !net.lines[b].switchable) continue;
            open[b] = 1;
            const c = cost(open);
            if (c < bestCost - 1e-12) { bestCost = c; bestMove = [a, b]; }
            open[b] = 0;
          }
        }
        open[a] = 1;
      }
      if (!bestMove) break;
      open[bestMove[0]] = 0;
      if (bestMove[1] >= 0) open[bestMove[1]] = 1;
      cur = bestCost;
    }
    if (onFlow) {
      // the flows of the topology found and of its NEAR_COUNT cheapest neighbours (the last pass
      // evaluated every neighbour): where the MILP's near-optimal solutions will sit
      const before = met.length;
      cost(open);
      const own = met.length > before ? met.pop()! : null; // null: its power flow did not converge
      met.sort((x, y) => x.c - y.c);
      for (const m of own ? [own, ...met.slice(0, NEAR_COUNT)] : met.slice(0, NEAR_COUNT)) onFlow(m);
    }
    return { open, cost: cur };
  }

  /**
   * A radial start that does not depend on the normal topology: close every line, then open, loop by loop, the
   * line with the smallest AC flow of the meshed network (MTs off, all load on), the classic
   * sequential-opening heuristic. Null when some loop has no switchable line or a power flow
   * fails.
   */
  meshedOpening(snap: Snapshot, faulted: Uint8Array): Uint8Array | null {
    const net = this.net;
    const open = Uint8Array.from(faulted);
    for (;;) {
      const loops = fundamentalLoops(net, open);
      if (!loops.length) return open;
      // the fallback action of this topology is exactly "MTs off, PV/WT as given, all load on"
      let flow: PfResult | null = null;
      this.evaluate(snap, this.fallbackAction(snap, open, faulted), 'reconfig', null, faulted, (pf) => { flow = pf; });
      if (!flow) return null;
      const pf: PfResult = flow;
      let pick = -1;
      let least = Infinity;
      for (const loop of loops) {
        for (const l of loop) {
          if (!net.lines[l].switchable) continue;
          const s = Math.hypot(pf.linePKw[l], pf.lineQKvar[l]);
          if (s < least) { least = s; pick = l; }
        }
      }
      if (pick < 0) return null;
      open[pick] = 1;
    }
  }

  /**
   * The model's point as the environment's action. Lines without a switch keep their previous
   * state (the model may mark one open only when both its ends are dark); pick-up is 1 where
   * there is nothing to decide (no load, or a bus the model leaves dark); the grid-forming flags
   * are the model's in restore mode and the defaults in reconfig mode (no islands there).
   */
  private extractAction(F: Formulation, x: Float64Array, faulted: Uint8Array, prevOpen: Uint8Array | null, snap: Snapshot): ExpertAction {
    const net = this.net;
    const L = F.L;
    const nl = net.lines.length;
    const lineOpen = new Uint8Array(nl);
    for (let l = 0; l < nl; l++) {
      if (faulted[l]) lineOpen[l] = 1;
      else if (!net.lines[l].switchable) lineOpen[l] = prevOpen ? prevOpen[l] : net.lines[l].normallyOpen ? 1 : 0;
      else lineOpen[l] = x[L.sw[l]] < 0.5 ? 1 : 0;
    }
    const M = this.mts.length;
    const mtPKw = new Float64Array(M);
    const mtQKvar = new Float64Array(M);
    const gridForming = F.opts.mode === 'restore' ? new Uint8Array(M) : defaultGridForming(net);
    this.mts.forEach((g, k) => {
      if (x[L.on[g]] <= 0.5) return;
      // an MT that is on runs at least at a tiny positive set-point (P = 0 means off)
      mtPKw[k] = Math.max(x[L.pg[g]] * net.baseKva, 1e-9);
      mtQKvar[k] = x[L.qg[g]] * net.baseKva;
      if (L.gf[g] >= 0) gridForming[k] = x[L.gf[g]] > 0.5 ? 1 : 0;
    });
    const pickup = new Float64Array(net.buses.length).fill(1);
    net.buses.forEach((_, i) => {
      if (L.pk[i] < 0 || (snap.loadPKw[i] === 0 && snap.loadQKvar[i] === 0) || x[L.en[i]] < 0.5) return;
      const v = x[L.pk[i]];
      pickup[i] = F.opts.pickup === 'binary' ? (v > 0.5 ? 1 : 0) : Math.min(1, Math.max(0, v));
    });
    return { lineOpen, openLines: openLineIds(net, lineOpen), mtPKw, mtQKvar, pickup, gridForming };
  }

  /** Keep the previous topology (faulted lines open), MTs off, PV/WT as given; cut-off buses are dark. */
  fallbackAction(snap: Snapshot, prevOpen: Uint8Array | null, faulted: Uint8Array): ExpertAction {
    const net = this.net;
    const nl = net.lines.length;
    const lineOpen = new Uint8Array(nl);
    if (prevOpen) lineOpen.set(prevOpen);
    else for (const l of normallyOpenLines(net)) lineOpen[l] = 1;
    for (let l = 0; l < nl; l++) if (faulted[l]) lineOpen[l] = 1;
    const M = this.mts.length;
    void snap;
    return { lineOpen, openLines: openLineIds(net, lineOpen), mtPKw: new Float64Array(M), mtQKvar: new Float64Array(M), pickup: new Float64Array(net.buses.length).fill(1), gridForming: defaultGridForming(net) };
  }

  /** The AC evaluation of an action: the environment's (src/powerflow/evaluate.ts), on this snapshot and faults. */
  evaluate(snap: Snapshot, a: GridAction, mode: Mode, prevOpen: Uint8Array | null, faulted: Uint8Array, onFlow?: (pf: PfResult) => void): AcEvaluation {
    const net = this.net;
    const ev = this.evaluator.evaluate(snap, a, { faulted, prevOpen, islanding: mode === 'restore', weights: this.opts.weights });
    const pf = ev.pf;
    if (onFlow && pf.converged) onFlow(pf);
    return {
      converged: pf.converged, lossKw: ev.lossKw, vMinPu: pf.converged ? pf.vMinPu : 0, vMinBus: pf.converged && pf.vMinBus >= 0 ? net.buses[pf.vMinBus].id : -1,
      vMaxPu: pf.converged ? pf.vMaxPu : 0, loadKw: ev.loadKw, servedKw: ev.servedKw, unservedKw: ev.unservedKw, shedKw: ev.shedKw, switchOps: ev.switchOps, reward: ev.reward,
      mtPKw: Array.from(ev.mtPKw), mtQKvar: Array.from(ev.mtQKvar), tripped: ev.tripped.map((k) => net.generators[this.mts[k]].id),
      islands: pf.islands.filter((i) => i.status !== 'dark').map((i) => ({ sourceBus: net.buses[i.sourceBus].id, sourceKind: i.sourceKind, buses: i.buses.length })),
    };
  }
}

/**
 * Tangent cuts (with their perspective rows) at the AC flows of an evaluated topology: exact
 * points of the cones. With `seen` (per line, the (p/v, q/v) of the points already cut, flattened),
 * lines whose flow lies within NEAR_FLOW of such a point are skipped.
 */
/** seconds left before a deadline (performance.now() ms), at least 10 ms: a solver time limit */
function secondsLeft(deadline: number): number {
  return Math.max(0.01, (deadline - performance.now()) / 1000);
}

/** relative gap of an objective above a bound, as HiGHS reports it */
function relativeGap(objective: number, bound: number): number {
  return (objective - bound) / Math.max(Math.abs(objective), 1e-9);
}

/** neighbours of the branch-exchange topology whose AC flows seed cuts */
const NEAR_COUNT = 12;
/** relative distance within which a flow point counts as already cut (tangent error ~ its square) */
const NEAR_FLOW = 0.05;

/** line flows and bus voltages of an AC power-flow solution */
export interface AcFlow { pKw: Float64Array; qKvar: Float64Array; vPu: Float64Array }

function acCuts(F: Formulation, pf: AcFlow, seen: number[][] | null): CutRow[] {
  const net = F.net;
  const rows: CutRow[] = [];
  seeding.add(F);
  try {
    for (let l = 0; l < net.lines.length; l++) {
      const p = pf.pKw[l] / net.baseKva;
      const q = pf.qKvar[l] / net.baseKva;
      const s2 = p * p + q * q;
      if (s2 < 1e-10) continue;
      const vf = pf.vPu[net.lines[l].from];
      const v0 = vf * vf;
      const a = p / v0;
      const b = q / v0;
      if (seen) {
        const pts = seen[l];
        let near = false;
        for (let k = 0; k < pts.length && !near; k += 2) {
          const da = pts[k] - a;
          const db = pts[k + 1] - b;
          if (da * da + db * db <= NEAR_FLOW * NEAR_FLOW * (a * a + b * b)) near = true;
        }
        if (near) continue;
        pts.push(a, b);
      }
      rows.push(...cutRows(F, l, p, q, v0));
    }
  } finally {
    seeding.delete(F);
  }
  return rows;
}

function idsOf(net: Network, open: Uint8Array): number[] {
  return openLineIds(net, open);
}

/**
 * Cuts for every line whose cone is violated by more than tol (relative). With `fractional`
 * (LP relaxation) the perspective cone l vhi^2 sw >= p^2 + q^2 is also separated, at (p, q) / sw.
 */
export function violatedCuts(F: Formulation, x: ArrayLike<number>, tol: number, fractional = false): { rows: CutRow[]; maxViol: number } {
  const L = F.L;
  const rows: CutRow[] = [];
  let maxViol = 0;
  for (let l = 0; l < F.net.lines.length; l++) {
    const p = x[L.p[l]];
    const q = x[L.q[l]];
    const s2 = p * p + q * q;
    if (s2 < 1e-14) continue;
    const f = F.net.lines[l].from;
    const v = F.opts.branch === 'soc' ? x[L.v[f]] : 1;
    const viol = (s2 - x[L.ell[l]] * v) / Math.max(s2, VIOLATION_FLOOR_PU2);
    if (viol > maxViol) maxViol = viol;
    if (fractional && F.opts.tightening.perspective) {
      const z = Math.max(x[L.sw[l]], 1e-6);
      const vh2 = F.vHiStep[f] ** 2;
      const pv = (s2 - x[L.ell[l]] * vh2 * z) / Math.max(s2, VIOLATION_FLOOR_PU2);
      if (pv > tol) { rows.push(...perspectiveRow(F, l, p / z, q / z, vh2)); continue; }
    }
    if (viol > tol) rows.push(...cutRows(F, l, p, q, v));
  }
  return { rows, maxViol };
}

/**
 * Seed cuts: tangent planes at the AC flows of the meshed network (all lines closed) and of the
 * normal topology, at this snapshot's loads; 'lindistflow' also gets a fixed fan of planes.
 */
function addSeedCuts(F: Formulation, evaluator: ActionEvaluator, snap: Snapshot): void {
  const net = F.net;
  const nb = net.buses.length;
  const nl = net.lines.length;
  const M = mtIndices(net).length;
  // MTs off, PV/WT off (the flows of the load alone), all load on, no faults
  const noGen: Snapshot = { ...snap, genPKw: new Float64Array(net.generators.length), genQKvar: new Float64Array(net.generators.length) };
  const mk = (open: Uint8Array): PfResult => evaluator.evaluate(noGen, {
    lineOpen: open, mtPKw: new Float64Array(M), mtQKvar: new Float64Array(M), pickup: new Float64Array(nb).fill(1), gridForming: new Uint8Array(M),
  }, { faulted: new Uint8Array(nl), prevOpen: null, islanding: false, weights: F.opts.weights }).pf;
  const normal = new Uint8Array(nl);
  for (const l of normallyOpenLines(net)) normal[l] = 1;
  for (const open of [new Uint8Array(nl), normal]) {
    const r = mk(open);
    if (!r.converged) continue;
    for (const c of acCuts(F, { pKw: r.linePKw, qKvar: r.lineQKvar, vPu: r.vPu }, null)) F.lp.addRow(...spread(c));
    cutsAppended(F);
  }
  if (F.opts.branch === 'lindistflow') {
    let loadP = 0;
    for (let i = 0; i < nb; i++) loadP += snap.loadPKw[i];
    const top = Math.max(loadP, 1) / net.baseKva;
    for (let l = 0; l < nl; l++) {
      for (let rad = top; rad > top / 20; rad /= 2) {
        for (let k = 0; k < 8; k++) {
          const th = (2 * Math.PI * k) / 8;
          for (const c of cutRows(F, l, rad * Math.cos(th), rad * Math.sin(th), 1)) F.lp.addRow(...spread(c));
          cutsAppended(F);
        }
      }
    }
  }
}

function spread(r: CutRow): [string, number[], number[], number, number] {
  return [r.name, r.idx, r.val, r.lo, r.hi];
}
