/**
 * The expert's moves in the AC world, without a MILP: the AC evaluation of an action (the
 * environment's, src/powerflow/evaluate.ts), a best-improvement branch exchange, the classic
 * sequential opening of the meshed network, and the fallback action. The exchange gives the
 * certified scheme its start and the AC flows where its cuts go (src/opt/certify.ts).
 */
import { Network, normallyOpenLines } from '../grid/network';
import { GridAction, defaultGridForming, mtIndices, openLineIds } from '../grid/action';
import { fundamentalLoops } from '../topology/graph';
import { Snapshot } from '../grid/series';
import { ActionEvaluator } from '../powerflow/evaluate';
import { PfResult } from '../powerflow/types';
import { RewardTerms, RewardWeights } from '../powerflow/reward';
import type { AcFlow } from './cuts';
import type { Mode } from './formulation';

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

/** neighbours of the branch-exchange topology whose AC flows seed cuts */
const NEAR_COUNT = 12;

export class AcSearch {
  readonly net: Network;
  readonly evaluator: ActionEvaluator;
  readonly weights: RewardWeights;
  /** generator indices of the MTs, in action order */
  readonly mts: number[];

  constructor(net: Network, weights: RewardWeights) {
    this.net = net;
    this.weights = weights;
    this.evaluator = new ActionEvaluator(net);
    this.mts = mtIndices(net);
  }

  /**
   * Best-improvement branch exchange with the AC power flow (MTs off unless `dispatch`, all load
   * on), from `start` (null: the normally open lines): close an open line, open one on the loop it
   * makes (or close it alone when it reaches a dark part). Cost: minus the reward, switching
   * counted against `prevOpen`. Cheap (a few hundred power flows on the 33-bus feeder) and only a
   * start: the MILP decides. Returns the local optimum and its cost.
   */
  branchExchange(snap: Snapshot, start: Uint8Array | null, prevOpen: Uint8Array | null, faulted: Uint8Array, mode: Mode, onFlow?: (flow: AcFlow) => void,
    dispatch?: ExpertAction): { open: Uint8Array; cost: number } {
    const net = this.net;
    const nl = net.lines.length;
    const open = this.topologyFrom(start, faulted);
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

  /** `open` (1 = open; null: the normally open lines) with the faulted lines open too, as a new mask. */
  private topologyFrom(open: Uint8Array | null, faulted: Uint8Array): Uint8Array {
    const nl = this.net.lines.length;
    const out = new Uint8Array(nl);
    if (open) out.set(open);
    else for (const l of normallyOpenLines(this.net)) out[l] = 1;
    for (let l = 0; l < nl; l++) if (faulted[l]) out[l] = 1;
    return out;
  }

  /** Keep the previous topology (faulted lines open), MTs off, PV/WT as given; cut-off buses are dark. */
  fallbackAction(snap: Snapshot, prevOpen: Uint8Array | null, faulted: Uint8Array): ExpertAction {
    const net = this.net;
    const lineOpen = this.topologyFrom(prevOpen, faulted);
    const M = this.mts.length;
    void snap;
    return { lineOpen, openLines: openLineIds(net, lineOpen), mtPKw: new Float64Array(M), mtQKvar: new Float64Array(M),
      pickup: new Float64Array(net.buses.length).fill(1), gridForming: defaultGridForming(net) };
  }

  /** The AC evaluation of an action: the environment's (src/powerflow/evaluate.ts), on this snapshot and faults. */
  evaluate(snap: Snapshot, a: GridAction, mode: Mode, prevOpen: Uint8Array | null, faulted: Uint8Array, onFlow?: (pf: PfResult) => void): AcEvaluation {
    const net = this.net;
    const ev = this.evaluator.evaluate(snap, a, { faulted, prevOpen, islanding: mode === 'restore', weights: this.weights });
    const pf = ev.pf;
    if (onFlow && pf.converged) onFlow(pf);
    return {
      converged: pf.converged, lossKw: ev.lossKw, vMinPu: pf.converged ? pf.vMinPu : 0, vMinBus: pf.converged &&
        pf.vMinBus >= 0 ? net.buses[pf.vMinBus].id : -1,
      vMaxPu: pf.converged ? pf.vMaxPu : 0, loadKw: ev.loadKw, servedKw: ev.servedKw, unservedKw: ev.unservedKw, shedKw: ev.shedKw, switchOps: ev.switchOps,
        reward: ev.reward,
      mtPKw: Array.from(ev.mtPKw), mtQKvar: Array.from(ev.mtQKvar), tripped: ev.tripped.map((k) => net.generators[this.mts[k]].id),
      islands: pf.islands.filter((i) => i.status !== 'dark').map((i) => ({ sourceBus: net.buses[i.sourceBus].id, sourceKind: i.sourceKind,
        buses: i.buses.length })),
    };
  }
}
