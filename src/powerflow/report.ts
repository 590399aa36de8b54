/**
 * Plain-data views of a power-flow result for output: the JSON document of `powerflow run`
 * and the bus and line tables. Ids are the 1-based numbers of the data files.
 */
import { Network } from '../grid/network';
import { RewardTerms, rewardValues } from './reward';
import { LINE_STATUS_NAMES, LineStatusName, PfResult } from './types';

export interface BusRow {
  bus: number;
  vPu: number;
  angleDeg: number;
  energized: boolean;
  loadKw: number;
  loadKvar: number;
  servedKw: number;
  servedKvar: number;
}

export interface LineRow {
  line: number;
  from: number;
  to: number;
  status: LineStatusName;
  pKw: number;
  qKvar: number;
  currentA: number;
  loadingPct: number;
  lossKw: number;
  lossKvar: number;
}

export interface IslandRow {
  source: string;
  sourceBus: number | null;
  buses: number[];
  method: string;
  iterations: number;
  mismatchPu: number;
  status: string;
  radial: boolean;
}

export interface PfReport {
  case: string;
  step: number | null;
  converged: boolean;
  iterations: number;
  mismatchPu: number;
  lossKw: number;
  lossKvar: number;
  loadKw: number;
  servedKw: number;
  unservedKw: number;
  /** bus ids whose load the action shed */
  shedBuses: number[];
  /** MT ids tripped by protection (an island beyond the MT's limits) */
  trippedMts: number[];
  vMinPu: number;
  vMinBus: number | null;
  vMaxPu: number;
  vMaxBus: number | null;
  substationKw: number;
  substationKvar: number;
  openLines: number[];
  faultedLines: number[];
  /** actual output; withinLimits is false when an island's slack MT had to exceed its P or Q limits */
  generators: { gen: number; bus: number; kind: string; on: boolean; pKw: number; qKvar: number; withinLimits: boolean }[];
  reward: RewardTerms;
  islands: IslandRow[];
  buses: BusRow[];
  lines: LineRow[];
}

const r = (x: number, d: number): number => {
  const f = 10 ** d;
  const v = Math.round(x * f) / f;
  return Object.is(v, -0) ? 0 : v;
};

export function busRows(net: Network, pf: PfResult, loadPKw: Float64Array, loadQKvar: Float64Array): BusRow[] {
  return net.buses.map((b, i) => ({
    bus: b.id,
    vPu: r(pf.vPu[i], 6),
    angleDeg: r(pf.angleDeg[i], 4),
    energized: pf.energized[i] === 1,
    loadKw: r(loadPKw[i], 3),
    loadKvar: r(loadQKvar[i], 3),
    servedKw: r(pf.servedPKw[i], 3),
    servedKvar: r(pf.servedQKvar[i], 3),
  }));
}

export function lineRows(net: Network, pf: PfResult): LineRow[] {
  return net.lines.map((l, i) => ({
    line: l.id,
    from: net.buses[l.from].id,
    to: net.buses[l.to].id,
    status: LINE_STATUS_NAMES[pf.lineStatus[i]],
    pKw: r(pf.linePKw[i], 3),
    qKvar: r(pf.lineQKvar[i], 3),
    currentA: r(pf.lineCurrentA[i], 3),
    loadingPct: r(pf.lineLoadingPct[i], 2),
    lossKw: r(pf.lineLossKw[i], 4),
    lossKvar: r(pf.lineLossKvar[i], 4),
  }));
}

export function buildReport(
  net: Network,
  pf: PfResult,
  reward: RewardTerms,
  ctx: {
    step: number | null; loadPKw: Float64Array; loadQKvar: Float64Array; genOn: Uint8Array;
    /** demand not served (dark buses and shed load); default the power flow's */
    unservedKw?: number; shedBuses?: number[]; trippedMts?: number[];
  },
): PfReport {
  const ids = (pred: (s: number) => boolean): number[] =>
    net.lines.flatMap((l, i) => (pred(pf.lineStatus[i]) ? [l.id] : []));
  let subP = 0;
  let subQ = 0;
  pf.substationPKw.forEach((p) => (subP += p));
  pf.substationQKvar.forEach((q) => (subQ += q));
  const rr: RewardTerms = { ...rewardValues(reward, 6), voltageDeviationPu: r(reward.voltageDeviationPu, 6) };
  return {
    case: net.name,
    step: ctx.step,
    converged: pf.converged,
    iterations: pf.iterations,
    mismatchPu: pf.mismatchPu,
    lossKw: r(pf.lossKw, 4),
    lossKvar: r(pf.lossKvar, 4),
    loadKw: r(pf.servedKw + (ctx.unservedKw ?? pf.unservedKw), 3),
    servedKw: r(pf.servedKw, 3),
    unservedKw: r(ctx.unservedKw ?? pf.unservedKw, 3),
    shedBuses: ctx.shedBuses ?? [],
    trippedMts: ctx.trippedMts ?? [],
    vMinPu: r(pf.vMinPu, 6),
    vMinBus: pf.vMinBus >= 0 ? net.buses[pf.vMinBus].id : null,
    vMaxPu: r(pf.vMaxPu, 6),
    vMaxBus: pf.vMaxBus >= 0 ? net.buses[pf.vMaxBus].id : null,
    substationKw: r(subP, 3),
    substationKvar: r(subQ, 3),
    openLines: ids((s) => s === 1),
    faultedLines: ids((s) => s === 2),
    generators: net.generators.map((g, gi) => ({
      gen: g.id, bus: net.buses[g.bus].id, kind: g.kind, on: ctx.genOn[gi] === 1,
      pKw: r(pf.genPKw[gi], 3), qKvar: r(pf.genQKvar[gi], 3),
      withinLimits: g.kind !== 'MT' || !ctx.genOn[gi] ||
        (pf.genPKw[gi] >= g.pMinKw - 1e-6 && pf.genPKw[gi] <= g.pMaxKw + 1e-6 &&
          pf.genQKvar[gi] >= g.qMinKvar - 1e-6 && pf.genQKvar[gi] <= g.qMaxKvar + 1e-6),
    })),
    reward: rr,
    islands: pf.islands.map((is) => ({
      source: is.sourceKind === 'MT' ? `MT ${net.generators[is.sourceGen].id}` : is.sourceKind,
      sourceBus: is.sourceBus >= 0 ? net.buses[is.sourceBus].id : null,
      buses: is.buses.map((b) => net.buses[b].id),
      method: is.method,
      iterations: is.iterations,
      mismatchPu: is.mismatchPu,
      status: is.status,
      radial: is.radial,
    })),
    buses: busRows(net, pf, ctx.loadPKw, ctx.loadQKvar),
    lines: lineRows(net, pf),
  };
}
