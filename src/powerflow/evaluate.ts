/**
 * The one AC evaluation of an action: the environment's transition physics, used by the
 * environment's step, the expert and `powerflow run` alike.
 *
 *  1. the request: the step's loads times the action's pick-up, PV/WT as available, MTs at their
 *     set-points (on when P > 0 and available), the action's grid-forming flags; lines faulted
 *     when the action takes effect are out of service whatever their switch says (protection
 *     opens them: `protectionOpened`);
 *  2. the AC power flow (src/powerflow/solver.ts);
 *  3. protection of the MTs: an MT holding an island's voltage carries the island's balance; when
 *     that leaves its P or Q limits (by more than MT_LIMIT_TOL_KW) it trips, its island goes dark
 *     or is taken over by the next flagged MT, and the power flow is run again (`tripped`);
 *  4. the reward (src/powerflow/reward.ts): unserved load = demand - served, so both dark buses
 *     and shed load are paid at the blackout price; switch operations are counted against the
 *     previous topology on switchable lines that are not faulted. A power flow that does not
 *     converge charges the whole demand as unserved (and the switching and invalid terms).
 */
import { GridAction, mtIndices } from '../grid/action';
import { Network } from '../grid/network';
import { Snapshot } from '../grid/series';
import { actionRequest, emptyRequest } from './request';
import { RewardTerms, RewardWeights, computeReward, zeroReward } from './reward';
import { PowerFlow } from './solver';
import { PfMethod, PfRequest, PfResult } from './types';

/** How far (kW or kvar) an island-forming MT may go beyond a limit before it trips. */
export const MT_LIMIT_TOL_KW = 0.01;

export interface EvaluationContext {
  /** per line, 1 = faulted when the action takes effect */
  faulted: Uint8Array;
  /** the topology in force before the action (1 = open), for the switching cost; null = none */
  prevOpen: Uint8Array | null;
  /** restore mode: grid-forming MTs may energize islands cut off from the substations */
  islanding: boolean;
  weights: RewardWeights;
  /** the action was rejected (environment): the invalid-action penalty applies */
  invalid?: boolean;
  method?: PfMethod;
}

export interface Evaluation {
  /** the power flow's result after protection (the evaluator's buffer: valid until its next evaluate) */
  pf: PfResult;
  reward: RewardTerms;
  converged: boolean;
  /** demand of the step (before pick-up), served, unserved (dark buses and shed load), shed alone; kW */
  loadKw: number;
  servedKw: number;
  unservedKw: number;
  shedKw: number;
  lossKw: number;
  switchOps: number;
  /** positions in the MT list of the MTs tripped by protection */
  tripped: number[];
  /** line indices faulted but commanded closed: opened by protection */
  protectionOpened: number[];
  /** per MT: actual output (a grid-forming MT carries its island's balance), 0 when off or dark */
  mtPKw: Float64Array;
  mtQKvar: Float64Array;
}

function zeroTerms(): RewardTerms {
  return { ...zeroReward(), voltageDeviationPu: 0 };
}

export class ActionEvaluator {
  readonly net: Network;
  readonly mts: number[];
  private readonly pf: PowerFlow;
  private readonly req: PfRequest;

  constructor(net: Network) {
    this.net = net;
    this.mts = mtIndices(net);
    this.pf = new PowerFlow(net);
    this.req = emptyRequest(net);
  }

  /** The request of the last evaluation (after protection). */
  get request(): PfRequest {
    return this.req;
  }

  evaluate(snap: Snapshot, action: GridAction, ctx: EvaluationContext): Evaluation {
    const net = this.net;
    const nl = net.lines.length;
    const req = actionRequest(net, snap, action, ctx.faulted, ctx.islanding, this.req, this.mts);
    let pf = this.pf.solve(req, { method: ctx.method });
    const tripped: number[] = [];
    for (let round = 0; round < this.mts.length && pf.converged; round++) {
      let trip = -1;
      for (const isl of pf.islands) {
        if (isl.sourceKind !== 'MT') continue;
        const g = net.generators[isl.sourceGen];
        const p = pf.genPKw[isl.sourceGen];
        const q = pf.genQKvar[isl.sourceGen];
        if (p > g.pMaxKw + MT_LIMIT_TOL_KW || p < g.pMinKw - MT_LIMIT_TOL_KW || q > g.qMaxKvar + MT_LIMIT_TOL_KW ||
          q < g.qMinKvar - MT_LIMIT_TOL_KW) { trip = isl.sourceGen; break; }
      }
      if (trip < 0) break;
      tripped.push(this.mts.indexOf(trip));
      req.genOn[trip] = 0;
      req.genPKw[trip] = 0;
      req.genQKvar[trip] = 0;
      pf = this.pf.solve(req, { method: ctx.method });
    }
    let loadKw = 0;
    let shedKw = 0;
    for (let i = 0; i < net.buses.length; i++) {
      loadKw += snap.loadPKw[i];
      if (pf.energized[i]) shedKw += snap.loadPKw[i] - req.loadPKw[i];
    }
    const servedKw = pf.servedKw;
    const unservedKw = loadKw - servedKw;
    let switchOps = 0;
    const protectionOpened: number[] = [];
    for (let l = 0; l < nl; l++) {
      if (ctx.faulted[l]) {
        if (!action.lineOpen[l]) protectionOpened.push(l);
        continue;
      }
      if (ctx.prevOpen && net.lines[l].switchable && ctx.prevOpen[l] !== action.lineOpen[l]) switchOps++;
    }
    let reward = computeReward(net, pf, ctx.weights, {
      mtPricePerKwh: snap.mtPricePerKwh, gridPricePerKwh: snap.gridPricePerKwh, switchOps, invalidActions: ctx.invalid ? 1 : 0, unservedKw,
    });
    if (!pf.converged) {
      // no operating point: the whole demand counts as unserved, nothing else is charged
      const blackout = ctx.weights.blackoutPricePerKwh * loadKw * ctx.weights.stepHours;
      reward = { ...zeroTerms(), blackout, switching: reward.switching, invalid: reward.invalid, total: -(blackout + reward.switching + reward.invalid) };
      return { pf, reward, converged: false, loadKw, servedKw: 0, unservedKw: loadKw, shedKw: 0, lossKw: 0, switchOps, tripped, protectionOpened,
        mtPKw: new Float64Array(this.mts.length), mtQKvar: new Float64Array(this.mts.length) };
    }
    const mtPKw = new Float64Array(this.mts.length);
    const mtQKvar = new Float64Array(this.mts.length);
    this.mts.forEach((g, k) => {
      mtPKw[k] = pf.genPKw[g] || 0;
      mtQKvar[k] = pf.genQKvar[g] || 0;
    });
    return { pf, reward, converged: pf.converged, loadKw, servedKw, unservedKw, shedKw, lossKw: pf.lossKw, switchOps, tripped, protectionOpened, mtPKw,
      mtQKvar };
  }
}
