/**
 * The `vector` observation: S(t) as one flat vector of named features with finite bounds, the
 * shape RL libraries take directly (a Gymnasium Box). Features, in order:
 *   open_L<id>, faulted_L<id>     per line, 0/1
 *   loadP_B<id>, loadQ_B<id>      per bus, kW / kvar as observed (noise included)
 *   genP_G<id>, genQ_G<id>        per generator, kW / kvar (MT: its output, PV/WT: available)
 *   pickup_B<id>                  per bus, fraction of the load served by the action in force
 *   gridForming_MT<id>            per MT, 0/1
 *   v_B<id>                       per bus, voltage magnitude in pu (0 when dark)
 *   price                         grid energy price at t, per kWh
 *   hour                          hour of day at t, [0, 24)
 *   progress                      steps taken / horizon, [0, 1]
 * and with `forecast` the perfect forecast of step t+1 that the expert uses (README, "The MDP"):
 *   next_loadP_B<id>, next_loadQ_B<id>, next_genP_G<id> (PV/WT available output), next_price
 * (at the series' last step, that step's own values).
 * Bounds come from the physics and the data: switch flags 0..1, loads and PV/WT between the
 * series' extremes (widened by 4 standard deviations of the load noise), MTs between 0 and their
 * limits, voltages 0..VMAX_PU. A value outside its bounds (a noise draw beyond 4 sd) is clipped to
 * them. A feature that is constant in the data gets bounds [v, v + 1], so that every low < high.
 */
import { Network } from '../grid/network';
import { Series } from '../grid/series';
import { ChainState } from '../mdp/types';

export const VMAX_PU = 2;

export interface VectorLayout {
  names: string[];
  low: Float64Array;
  high: Float64Array;
  size: number;
}

export function vectorLayout(net: Network, series: Series, mts: number[], noiseSd: number, forecast = false): VectorLayout {
  const names: string[] = [];
  const low: number[] = [];
  const high: number[] = [];
  const add = (name: string, lo: number, hi: number): void => {
    names.push(name);
    if (!(hi > lo)) hi = lo + 1;
    low.push(lo);
    high.push(hi);
  };
  const nb = net.buses.length;
  const ng = net.generators.length;
  const steps = series.steps;
  const extremes = (data: Float64Array, width: number, j: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < steps; t++) {
      const v = data[t * width + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [Math.min(0, lo), Math.max(0, hi)];
  };
  const widen = 1 + 4 * noiseSd;
  for (const l of net.lines) add(`open_L${l.id}`, 0, 1);
  for (const l of net.lines) add(`faulted_L${l.id}`, 0, 1);
  for (const [data, what] of [[series.loadPKw, 'loadP'], [series.loadQKvar, 'loadQ']] as const) {
    for (let b = 0; b < nb; b++) {
      const [lo, hi] = extremes(data, nb, b);
      add(`${what}_B${net.buses[b].id}`, lo * widen, hi * widen);
    }
  }
  for (let g = 0; g < ng; g++) {
    const gen = net.generators[g];
    if (gen.kind === 'MT') add(`genP_G${gen.id}`, 0, gen.pMaxKw);
    else add(`genP_G${gen.id}`, ...extremes(series.genPKw, ng, g));
  }
  for (let g = 0; g < ng; g++) {
    const gen = net.generators[g];
    if (gen.kind === 'MT') add(`genQ_G${gen.id}`, Math.min(0, gen.qMinKvar), Math.max(0, gen.qMaxKvar));
    else add(`genQ_G${gen.id}`, ...extremes(series.genQKvar, ng, g));
  }
  for (const b of net.buses) add(`pickup_B${b.id}`, 0, 1);
  for (const g of mts) add(`gridForming_MT${net.generators[g].id}`, 0, 1);
  for (const b of net.buses) add(`v_B${b.id}`, 0, VMAX_PU);
  if (series.gridPricePerKwh) add('price', ...extremes(series.gridPricePerKwh, 1, 0));
  else add('price', 0, 1);
  add('hour', 0, 24);
  add('progress', 0, 1);
  if (forecast) {
    for (const [data, what] of [[series.loadPKw, 'loadP'], [series.loadQKvar, 'loadQ']] as const) {
      for (let b = 0; b < nb; b++) add(`next_${what}_B${net.buses[b].id}`, ...extremes(data, nb, b));
    }
    for (let g = 0; g < ng; g++) if (net.generators[g].kind !== 'MT') add(`next_genP_G${net.generators[g].id}`, ...extremes(series.genPKw, ng, g));
    if (series.gridPricePerKwh) add('next_price', ...extremes(series.gridPricePerKwh, 1, 0));
    else add('next_price', 0, 1);
  }
  return { names, low: Float64Array.from(low), high: Float64Array.from(high), size: names.length };
}

/** Write S(t) into `out` in the layout's order, clipped to its bounds. */
export function writeVector(
  layout: VectorLayout, s: ChainState, mts: number[],
    ctx: { pricePerKwh: number; hour: number; progress: number; next?: { series: Series; t: number; net: Network } }, out: Float64Array,
): Float64Array {
  let k = 0;
  const put = (v: number): void => {
    const lo = layout.low[k];
    const hi = layout.high[k];
    out[k++] = v < lo ? lo : v > hi ? hi : v;
  };
  for (let l = 0; l < s.lineOpen.length; l++) put(s.lineOpen[l]);
  for (let l = 0; l < s.lineFaulted.length; l++) put(s.lineFaulted[l]);
  for (let b = 0; b < s.loadPKw.length; b++) put(s.loadPKw[b]);
  for (let b = 0; b < s.loadQKvar.length; b++) put(s.loadQKvar[b]);
  for (let g = 0; g < s.genPKw.length; g++) put(s.genPKw[g]);
  for (let g = 0; g < s.genQKvar.length; g++) put(s.genQKvar[g]);
  for (let b = 0; b < s.loadPKw.length; b++) put(s.pickup ? s.pickup[b] : 1);
  for (let k2 = 0; k2 < mts.length; k2++) put(s.gridForming ? s.gridForming[k2] : 0);
  for (let b = 0; b < s.loadPKw.length; b++) put(s.vPu ? s.vPu[b] : 0);
  put(ctx.pricePerKwh);
  put(ctx.hour);
  put(ctx.progress);
  if (ctx.next) {
    const { series, t, net } = ctx.next;
    const nb = series.busCount;
    const ng = series.genCount;
    for (let b = 0; b < nb; b++) put(series.loadPKw[t * nb + b]);
    for (let b = 0; b < nb; b++) put(series.loadQKvar[t * nb + b]);
    for (let g = 0; g < ng; g++) if (net.generators[g].kind !== 'MT') put(series.genPKw[t * ng + g]);
    put(series.gridPricePerKwh ? series.gridPricePerKwh[t] : 0);
  }
  if (k !== layout.size) throw new RangeError(`vector observation: wrote ${k} of ${layout.size} features`);
  return out;
}
