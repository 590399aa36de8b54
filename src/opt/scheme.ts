/**
 * The contract of the expert's step: its options, what a step's scheme (certify, oneMilp, the
 * benchmark's rounds) is handed and returns, and what the schemes share (the time left, the gap,
 * the model's point read as the environment's action).
 */
import { defaultGridForming, mtIndices, openLineIds } from '../grid/action';
import { Snapshot } from '../grid/series';
import { DEFAULT_WEIGHTS } from '../powerflow/reward';
import { AcSearch, ExpertAction } from './ac-search';
import { Formulation, FormulationOptions, Mode, TIGHT } from './formulation';
import { MipModel, MipOutcome, MipStatus } from './solver';

/** The model's options (FormulationOptions: mode, objective, voltage, branch, ...) and the solver's. */
export interface ExpertOptions extends FormulationOptions {
  /** wall-clock limit of one step (all MILP rounds), seconds */
  timeLimitS: number;
  /** relative MIP gap */
  gap: number;
  /** largest relative cone violation accepted */
  violationTol: number;
  maxRounds: number;
  /** keep the HiGHS model (and its cuts) between steps; false rebuilds it every step */
  reuse: boolean;
  /** false: re-create the HiGHS model from LP text for every solve (the naive calibration) */
  persistent: boolean;
  /** rounds of cuts on the LP relaxation before each step's first MILP (0 = off) */
  rootCuts: number;
  /**
   * MILPs after a step's first one run at this fraction of the gap: HiGHS measures its gap against
   * its own incumbent, after the first round often a cone-breaking point just below the exact
   * incumbent, and with the full gap its bound then falls just short of certifying the exact one
   * (README, mdpc benchmark: the figures behind 0.3)
   */
  laterGapFactor: number;
  /** after each step drop the cuts whose relative slack at its solution exceeds this (0 = keep
   * all): fewer rows make every branch-and-bound node cheaper */
  pruneSlack: number;
  /** start each model with cuts at the AC flows of the meshed and the normal topology */
  seedCuts: boolean;
  /** write step_<T>.lp and step_<T>.log here; null = do not write */
  logDir: string | null;
  /**
   * 'certify' (default, src/opt/certify.ts): start from the best topology an AC branch exchange
   * finds (from the previous step's), converge its cuts on the LP so it is an exact incumbent,
   * then one MILP at the requested gap; the step is optimal when the exact incumbent is within
   * the gap of the MILP's bound (a valid bound: the cuts relax the cones). Or any StepScheme,
   * e.g. the benchmark ladder's roundsScheme (src/opt/rounds-scheme.ts). 'lindistflow' has no
   * cones: one MILP (oneMilp).
   */
  scheme: 'certify' | StepScheme;
  /** HiGHS' primal heuristic effort in the MILP (0 = none; an exact incumbent is already offered) */
  heuristicEffort: number;
  /** the solver separates cuts at every node, not only the root (slower here: README, the ladder) */
  nodeCuts: boolean;
  /** 'certify': interrupt a MILP as soon as its bound certifies the exact incumbent */
  stopAtCertificate: boolean;
  /** 'certify': also converge the topologies of up to this many of a MILP's other improving points */
  pointPolish: number;
  /** 'certify': after a MILP whose point breaks the cones, an AC branch exchange from its topology
   * with its dispatch (cuts at the flows around it) */
  pointExchange: boolean;
  /**
   * 'certify', restore mode: HiGHS' gap in a step's first MILP when larger than `gap`. Its point
   * mostly places cuts (island flows are far from the seed cuts, so it breaks the cones and a
   * second MILP follows anyway); the bound still certifies through stopAtCertificate (README,
   * the restore benchmark: the figures behind 0.03)
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
  reuse: true,
  persistent: true,
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

/** What a scheme is handed: the step's model (its data set by applyStep), the step, the options. */
export interface SchemeContext {
  F: Formulation;
  mip: MipModel;
  snap: Snapshot;
  prevOpen: Uint8Array | null;
  /** 1 = faulted */
  faultMask: Uint8Array;
  mode: Mode;
  /** performance.now() at which the step's time is up */
  deadline: number;
  opts: ExpertOptions;
  search: AcSearch;
}

/** What a scheme returns: its final point (null: none), and what it did. */
export interface SchemeResult {
  last: MipOutcome | null;
  rounds: number;
  lpRounds: number;
  maxViol: number;
  solveMs: number;
  mipMs: number[];
  /** `last` satisfies the cones (or there are none) */
  converged: boolean;
  failure: string | null;
  /** the status when `last` is null and `failure` is set */
  failureStatus?: MipStatus;
}

/** A way of solving one step's model to a decision. */
export type StepScheme = (ctx: SchemeContext) => SchemeResult;

/** 'lindistflow' (no cones to cut): one MILP at the requested gap. */
export function oneMilp(ctx: SchemeContext): SchemeResult {
  const { mip, deadline, opts: o } = ctx;
  const r = mip.run({ timeLimitS: secondsLeft(deadline), relGap: o.gap });
  mip.note(`-- round 1: ${r.solverStatus}, objective ${r.objective}, bound ${r.bound}, ${r.timeMs.toFixed(1)} ms`);
  const out: SchemeResult = { last: null, rounds: 1, lpRounds: 0, maxViol: Infinity, solveMs: r.timeMs, mipMs: [r.timeMs], converged: false, failure: null };
  if (!r.hasSolution) return { ...out, failure: `${r.solverStatus} in round 1`, failureStatus: r.status };
  return { ...out, last: r, converged: true, maxViol: 0 };
}

/** seconds left before a deadline (performance.now() ms), at least 10 ms: a solver time limit */
export function secondsLeft(deadline: number): number {
  return Math.max(0.01, (deadline - performance.now()) / 1000);
}

/** relative gap of an objective above a bound, as HiGHS reports it */
export function relativeGap(objective: number, bound: number): number {
  return (objective - bound) / Math.max(Math.abs(objective), 1e-9);
}


/**
 * The model's point as the environment's action. Lines without a switch keep their previous
 * state (the model may mark one open only when both its ends are dark); pick-up is 1 where
 * there is nothing to decide (no load, or a bus the model leaves dark); the grid-forming flags
 * are the model's in restore mode and the defaults in reconfig mode (no islands there).
 */
export function actionOfPoint(F: Formulation, x: Float64Array, faulted: Uint8Array, prevOpen: Uint8Array | null, snap: Snapshot): ExpertAction {
  const net = F.net;
  const mts = mtIndices(net);
  const L = F.L;
  const nl = net.lines.length;
  const lineOpen = new Uint8Array(nl);
  for (let l = 0; l < nl; l++) {
    if (faulted[l]) lineOpen[l] = 1;
    else if (!net.lines[l].switchable) lineOpen[l] = prevOpen ? prevOpen[l] : net.lines[l].normallyOpen ? 1 : 0;
    else lineOpen[l] = x[L.sw[l]] < 0.5 ? 1 : 0;
  }
  const M = mts.length;
  const mtPKw = new Float64Array(M);
  const mtQKvar = new Float64Array(M);
  const gridForming = F.opts.mode === 'restore' ? new Uint8Array(M) : defaultGridForming(net);
  mts.forEach((g, k) => {
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
