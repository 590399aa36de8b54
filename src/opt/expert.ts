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
import { Snapshot } from '../grid/series';
import { PowerFlow } from '../powerflow/solver';
import { PfRequest, PfResult } from '../powerflow/types';
import { RewardTerms, RewardWeights, DEFAULT_WEIGHTS, computeReward } from '../env/reward';
import { writeFileAtomic } from '../io/atomic';
import { loadHighs, SyncedMip, MipOutcome, MipStatus } from './highs';
import {
  BranchModel, Formulation, VoltageRule, FormulationOptions, Mode, ObjectiveKind, Tightening, TIGHT,
  applyStep, buildFormulation, pruneCuts, cutRows, cutsAppended, perspectiveRow, seeding, CutRow,
} from './formulation';
import type { Highs } from 'highs';

export interface ExpertOptions {
  mode: Mode;
  objective: ObjectiveKind;
  /** 'soft': the reward's voltage penalty (objective 'cost'), safety band 0.8-1.2 pu; 'hard': bus limits */
  voltage: VoltageRule;
  /** 'soc' exact by cuts; 'lindistflow' approximate (no losses in the physics, fixed loss planes) */
  branch: BranchModel;
  pickup: 'binary' | 'fractional';
  curtailable: boolean;
  mt: 'on' | 'off';
  tightening: Tightening;
  weights: RewardWeights;
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
  /** after each MILP round drop the cuts whose relative slack exceeds this (0 = keep all) */
  pruneSlack: number;
  /** start each model with cuts at the AC flows of the meshed and the normal topology */
  seedCuts: boolean;
  /** write step_<T>.lp and step_<T>.log here; null = do not write */
  logDir: string | null;
}

export const DEFAULT_EXPERT: ExpertOptions = {
  mode: 'reconfig',
  objective: 'cost',
  voltage: 'soft',
  branch: 'soc',
  pickup: 'binary',
  curtailable: false,
  mt: 'on',
  tightening: TIGHT,
  weights: DEFAULT_WEIGHTS,
  timeLimitS: 60,
  gap: 1e-3,
  violationTol: 1e-6,
  maxRounds: 40,
  polish: true,
  reuse: true,
  persistent: true,
  looseGap: 0.02,
  rootCuts: 10,
  pruneSlack: 0.05,
  seedCuts: true,
  logDir: null,
};

/** Cone violations are relative to max(p^2 + q^2, FLOOR): below 1 kVA (at 1 MVA base) flows are judged in absolute terms. */
export const VIOLATION_FLOOR_PU2 = 1e-6;

export interface ExpertAction {
  /** per line: 1 = open (faulted lines are open) */
  lineOpen: Uint8Array;
  /** 1-based ids of the open lines (faulted included), ascending */
  openLines: number[];
  /** per generator */
  genOn: Uint8Array;
  genPKw: Float64Array;
  genQKvar: Float64Array;
  /** MTs forming an island (restoration) */
  gridForming: Uint8Array;
  /** per bus: fraction of its load picked up (0/1 with binary pick-up) */
  pickup: Float64Array;
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
  switchOps: number;
  reward: RewardTerms;
  islands: { sourceBus: number; sourceKind: string; buses: number }[];
}

export type StepStatus = MipStatus;

export interface ExpertStep {
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
  eval: AcEvaluation;
  lpFile: string | null;
  logFile: string | null;
}

export class Expert {
  readonly net: Network;
  readonly opts: ExpertOptions;
  private readonly h: Highs;
  private readonly pf: PowerFlow;
  private models = new Map<Mode, { F: Formulation; mip: SyncedMip }>();

  private constructor(net: Network, h: Highs, opts: ExpertOptions) {
    this.net = net;
    this.h = h;
    this.opts = opts;
    this.pf = new PowerFlow(net);
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
      if (this.opts.seedCuts || this.opts.branch === 'lindistflow') addSeedCuts(F, this.pf, snap);
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
  solve(snap: Snapshot, prevOpen: Uint8Array | null, faulted: number[] = snap.faulted, mode: Mode = this.opts.mode, stepOpts: { runDir?: string | null; tag?: string } = {}): ExpertStep {
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
    mip.note(`== step ${snap.step} mode ${mode} objective ${o.objective} branch ${o.branch} gap ${o.gap} faults [${faulted.map((l) => net.lines[l].id).join(',')}]`);

    const deadline = tStart + o.timeLimitS * 1000;
    const settings = (): { timeLimitS: number; relGap: number } => ({ timeLimitS: Math.max(0.01, (deadline - performance.now()) / 1000), relGap: o.gap });
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
    const mode0 = mode;

    let status: StepStatus = last ? last.status : 'failed';
    if (!last && failure) status = failure.startsWith('Infeasible') || failure.startsWith('Primal infeasible') ? 'infeasible' : failure.startsWith('Time limit') ? 'time-limit' : 'failed';
    if (last && !converged && status === 'optimal') status = 'time-limit';
    const fallback = !last || !last.hasSolution;
    const action = fallback ? this.fallbackAction(snap, prevOpen, faultMask) : this.extractAction(F, last!.x, faultMask);
    const tEval = performance.now();
    const ev = this.evaluate(snap, action, mode0, prevOpen, faultMask);
    const evalMs = performance.now() - tEval;

    // files
    const tWrite = performance.now();
    let lpFile: string | null = null;
    let logFile: string | null = null;
    const dir = stepOpts.runDir !== undefined ? stepOpts.runDir : o.logDir;
    const tag = stepOpts.tag ?? String(snap.step);
    mip.note(`== result: status ${status}${fallback ? ' (fallback: ' + (failure ?? 'no solution') + ')' : ''}, rounds ${rounds}, LP rounds ${lpRounds}, cuts +${F.cutCount - cutsBefore} (${F.cutCount} in model), max violation ${maxViol}, objective ${last?.objective ?? NaN}`);
    mip.note(`   AC evaluation: loss ${ev.lossKw.toFixed(4)} kW, vmin ${ev.vMinPu.toFixed(5)} pu, unserved ${ev.unservedKw.toFixed(3)} kW, reward ${ev.reward.total.toFixed(4)}`);
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
      eval: ev,
      lpFile, logFile,
    };
  }

  private extractAction(F: Formulation, x: Float64Array, faulted: Uint8Array): ExpertAction {
    const net = this.net;
    const L = F.L;
    const nl = net.lines.length;
    const ng = net.generators.length;
    const lineOpen = new Uint8Array(nl);
    for (let l = 0; l < nl; l++) lineOpen[l] = faulted[l] || x[L.sw[l]] < 0.5 ? 1 : 0;
    const genOn = new Uint8Array(ng);
    const genPKw = new Float64Array(ng);
    const genQKvar = new Float64Array(ng);
    const gridForming = new Uint8Array(ng);
    net.generators.forEach((g, k) => {
      if (g.kind === 'MT') {
        genOn[k] = x[L.on[k]] > 0.5 ? 1 : 0;
        if (L.gf[k] >= 0) gridForming[k] = x[L.gf[k]] > 0.5 ? 1 : 0;
      } else genOn[k] = 1;
      genPKw[k] = genOn[k] ? x[L.pg[k]] * net.baseKva : 0;
      genQKvar[k] = genOn[k] ? x[L.qg[k]] * net.baseKva : 0;
    });
    const pickup = new Float64Array(net.buses.length);
    net.buses.forEach((_, i) => {
      if (L.pk[i] < 0) { pickup[i] = 1; return; }
      const v = x[L.pk[i]];
      pickup[i] = F.opts.pickup === 'binary' ? (v > 0.5 ? 1 : 0) : Math.min(1, Math.max(0, v));
    });
    return { lineOpen, openLines: idsOf(net, lineOpen), genOn, genPKw, genQKvar, gridForming, pickup };
  }

  /** Keep the previous topology (faulted lines open), MTs off, PV/WT as given; cut-off buses are dark. */
  fallbackAction(snap: Snapshot, prevOpen: Uint8Array | null, faulted: Uint8Array): ExpertAction {
    const net = this.net;
    const nl = net.lines.length;
    const lineOpen = new Uint8Array(nl);
    if (prevOpen) lineOpen.set(prevOpen);
    else for (const l of normallyOpenLines(net)) lineOpen[l] = 1;
    for (let l = 0; l < nl; l++) if (faulted[l]) lineOpen[l] = 1;
    const ng = net.generators.length;
    const genOn = new Uint8Array(ng);
    const genPKw = new Float64Array(ng);
    const genQKvar = new Float64Array(ng);
    net.generators.forEach((g, k) => {
      if (g.kind !== 'MT') { genOn[k] = 1; genPKw[k] = snap.genPKw[k]; genQKvar[k] = snap.genQKvar[k]; }
    });
    return { lineOpen, openLines: idsOf(net, lineOpen), genOn, genPKw, genQKvar, gridForming: new Uint8Array(ng), pickup: new Float64Array(net.buses.length).fill(1) };
  }

  /** AC power flow of an action; unserved load counts both dark buses and loads not picked up. */
  evaluate(snap: Snapshot, a: ExpertAction, mode: Mode, prevOpen: Uint8Array | null, faulted: Uint8Array): AcEvaluation {
    const net = this.net;
    const nb = net.buses.length;
    const nl = net.lines.length;
    const req: PfRequest = {
      loadPKw: new Float64Array(nb), loadQKvar: new Float64Array(nb),
      genPKw: a.genPKw, genQKvar: a.genQKvar, genOn: a.genOn,
      lineOpen: new Uint8Array(nl), lineFaulted: faulted, islanding: mode === 'restore',
    };
    let total = 0;
    for (let i = 0; i < nb; i++) {
      req.loadPKw[i] = snap.loadPKw[i] * a.pickup[i];
      req.loadQKvar[i] = snap.loadQKvar[i] * a.pickup[i];
      total += snap.loadPKw[i];
    }
    for (let l = 0; l < nl; l++) req.lineOpen[l] = faulted[l] ? 0 : a.lineOpen[l];
    const pf: PfResult = this.pf.solve(req);
    let ops = 0;
    if (prevOpen) for (let l = 0; l < nl; l++) if (!faulted[l] && net.lines[l].switchable && prevOpen[l] !== a.lineOpen[l]) ops++;
    const unserved = total - pf.servedKw;
    const reward = computeReward(net, { ...pf, unservedKw: unserved }, this.opts.weights, { mtPricePerKwh: snap.mtPricePerKwh, switchOps: ops });
    return {
      converged: pf.converged, lossKw: pf.lossKw, vMinPu: pf.vMinPu, vMinBus: pf.vMinBus >= 0 ? net.buses[pf.vMinBus].id : -1,
      vMaxPu: pf.vMaxPu, loadKw: total, servedKw: pf.servedKw, unservedKw: unserved, switchOps: ops, reward,
      islands: pf.islands.filter((i) => i.status !== 'dark').map((i) => ({ sourceBus: net.buses[i.sourceBus].id, sourceKind: i.sourceKind, buses: i.buses.length })),
    };
  }
}

function idsOf(net: Network, open: Uint8Array): number[] {
  const out: number[] = [];
  for (let l = 0; l < open.length; l++) if (open[l]) out.push(net.lines[l].id);
  return out.sort((a, b) => a - b);
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
function addSeedCuts(F: Formulation, pf: PowerFlow, snap: Snapshot): void {
  const net = F.net;
  const nb = net.buses.length;
  const nl = net.lines.length;
  const ng = net.generators.length;
  const mk = (open: Uint8Array): PfResult => pf.solve({
    loadPKw: snap.loadPKw, loadQKvar: snap.loadQKvar, genPKw: new Float64Array(ng), genQKvar: new Float64Array(ng),
    genOn: new Uint8Array(ng), lineOpen: open, lineFaulted: new Uint8Array(nl), islanding: false,
  });
  seeding.add(F);
  const normal = new Uint8Array(nl);
  for (const l of normallyOpenLines(net)) normal[l] = 1;
  for (const open of [new Uint8Array(nl), normal]) {
    const r = mk(open);
    if (!r.converged) continue;
    for (let l = 0; l < nl; l++) {
      const p = r.linePKw[l] / net.baseKva;
      const q = r.lineQKvar[l] / net.baseKva;
      if (p * p + q * q < 1e-10) continue;
      const vf = r.vPu[net.lines[l].from];
      for (const c of cutRows(F, l, p, q, vf * vf)) F.lp.addRow(...spread(c));
      cutsAppended(F);
    }
  }
  seeding.delete(F);
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
