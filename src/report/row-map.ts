/**
 * The feeder map of a chain row: A(t) evaluated again on step t+1's data (the environment's one
 * evaluation, src/powerflow/evaluate.ts) with the faults in force at t+1 read from the chain, then
 * drawn by the feeder map (src/plot/feeder-svg.ts). The evaluation's reward is compared with the
 * chain's R(t+1): the map is the chain's state only when they agree (`rewardDiff` says by how much).
 */
import { GridAction, mtIndices } from '../grid/action';
import { Network } from '../grid/network';
import { Series, snapshot } from '../grid/series';
import { ActionEvaluator } from '../powerflow/evaluate';
import { RewardWeights } from '../powerflow/reward';
import { buildFeederScene, sceneToSvg } from '../plot/feeder-svg';
import { ChainTable, column } from './chain-table';

export interface RowMap {
  /** S(t+1)'s step, the chain row (0-based) */
  step: number;
  row: number;
  /** why it is drawn: "--at" and/or "fault onset" */
  reasons: string[];
  svg: string;
  /** |reward of the evaluation - the chain's R(t+1)| */
  rewardDiff: number;
  islanding: boolean;
  /** totals of the evaluation, for the caption */
  lossKw: number;
  unservedKw: number;
  vMinPu: number;
  trippedMts: number[];
}

/** A(t) of a chain row as the toolkit's action type. */
export function rowAction(net: Network, t: ChainTable, row: number): GridAction {
  const mts = mtIndices(net).map((g) => net.generators[g]);
  const v = (name: string): number => column(t, name)(row);
  return {
    lineOpen: Uint8Array.from(net.lines, (l) => (v(`A(t)_open_L${l.id}`) === 1 ? 1 : 0)),
    mtPKw: Float64Array.from(mts, (g) => v(`A(t)_pMtKw_G${g.id}`)),
    mtQKvar: Float64Array.from(mts, (g) => v(`A(t)_qMtKvar_G${g.id}`)),
    pickup: Float64Array.from(net.buses, (b) => v(`A(t)_pickup_B${b.id}`)),
    gridForming: Uint8Array.from(mts, (g) => (v(`A(t)_gridForming_G${g.id}`) === 1 ? 1 : 0)),
  };
}

export interface RowMapOptions {
  weights: RewardWeights;
  /** restore mode (MT islands); null = unknown: both are tried, the one matching R(t+1) kept */
  islanding: boolean | null;
  reasons: string[];
  evaluator?: ActionEvaluator;
}

/** The map of chain row `row` (its S(t+1) step must be inside the series). */
export function rowMap(net: Network, series: Series, t: ChainTable, row: number, opts: RowMapOptions): RowMap {
  const ev0 = opts.evaluator ?? new ActionEvaluator(net);
  const step = column(t, 'S(t+1)_step')(row);
  const snap = snapshot(series, step);
  const action = rowAction(net, t, row);
  const faulted = Uint8Array.from(net.lines, (l) => (column(t, `S(t+1)_faulted_L${l.id}`)(row) === 1 ? 1 : 0));
  const prevOpen = Uint8Array.from(net.lines, (l) => (column(t, `S(t)_open_L${l.id}`)(row) === 1 ? 1 : 0));
  const chainReward = column(t, 'R(t+1)')(row);
  const invalid = column(t, 'valid')(row) !== 1;
  const modes = opts.islanding === null ? [false, true] : [opts.islanding];
  let best: { islanding: boolean; diff: number } | null = null;
  for (const islanding of modes) {
    const e = ev0.evaluate(snap, action, { faulted, prevOpen, islanding, weights: opts.weights, invalid });
    const diff = Math.abs(e.reward.total - chainReward);
    if (!best || diff < best.diff - 1e-9) best = { islanding, diff };
  }
  // evaluate the chosen mode last: the evaluator's result buffer is the one drawn
  const ev = ev0.evaluate(snap, action, { faulted, prevOpen, islanding: best!.islanding, weights: opts.weights, invalid });
  const mts = ev0.mts;
  const scene = buildFeederScene(net, ev.pf, {
    noTitle: true,
    flows: true,
    shedBuses: net.buses.flatMap((_, i) => (action.pickup[i] < 1 && (snap.loadPKw[i] !== 0 || snap.loadQKvar[i] !== 0) ? [i] : [])),
    genOn: ev0.request.genOn,
    trippedGens: ev.tripped.map((k) => mts[k]),
  });
  return {
    step, row, reasons: opts.reasons, svg: sceneToSvg(scene),
    rewardDiff: best!.diff, islanding: best!.islanding,
    lossKw: ev.lossKw, unservedKw: ev.unservedKw, vMinPu: ev.pf.vMinPu,
    trippedMts: ev.tripped.map((k) => net.generators[mts[k]].id),
  };
}
