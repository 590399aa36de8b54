/**
 * The action: one operating decision for a time step, shared by the environment, the expert,
 * replay and the chain schemas (one type, converted only at the edges: JSON, CSV columns).
 *
 *   lineOpen     per line, 1 = open by its switch
 *   mtPKw/QKvar  per MT (generators of kind MT in generators.csv order); P = 0 is off
 *   pickup       per bus, the fraction of its load served (1 = all, 0 = shed); 0/1 unless the
 *                expert runs with fractional pick-up
 *   gridForming  per MT, 1 = when on and cut off from every substation, this MT holds the
 *                voltage of its island (restore mode). In an island with several flagged MTs the
 *                first in generators.csv order forms it, the others run at their set-points; an
 *                island without a flagged MT that is on stays dark. MTs that cannot form an
 *                island (generators.csv gridForming 0) are never flagged.
 */
import { Network, normallyOpenLines } from './network';

export interface GridAction {
  lineOpen: Uint8Array;
  mtPKw: Float64Array;
  mtQKvar: Float64Array;
  pickup: Float64Array;
  gridForming: Uint8Array;
}

/** Generator indices of the MTs, in generators.csv order (the action's MT order). */
export function mtIndices(net: Network): number[] {
  const out: number[] = [];
  net.generators.forEach((g, i) => {
    if (g.kind === 'MT') out.push(i);
  });
  return out;
}

/** The grid-forming flags by default: 1 for every MT able to form an island. */
export function defaultGridForming(net: Network): Uint8Array {
  return Uint8Array.from(mtIndices(net), (g) => (net.generators[g].gridForming ? 1 : 0));
}

/** The normal state: normally open lines open, MTs off, every load served, default grid-forming flags. */
export function normalAction(net: Network): GridAction {
  const lineOpen = new Uint8Array(net.lines.length);
  for (const l of normallyOpenLines(net)) lineOpen[l] = 1;
  const m = mtIndices(net).length;
  return { lineOpen, mtPKw: new Float64Array(m), mtQKvar: new Float64Array(m), pickup: new Float64Array(net.buses.length).fill(1),
    gridForming: defaultGridForming(net) };
}

export function cloneAction(a: GridAction): GridAction {
  return { lineOpen: a.lineOpen.slice(), mtPKw: a.mtPKw.slice(), mtQKvar: a.mtQKvar.slice(), pickup: a.pickup.slice(), gridForming: a.gridForming.slice() };
}

/** 1-based ids of the open lines, ascending. */
export function openLineIds(net: Network, lineOpen: Uint8Array): number[] {
  const out: number[] = [];
  for (let l = 0; l < lineOpen.length; l++) if (lineOpen[l]) out.push(net.lines[l].id);
  return out.sort((a, b) => a - b);
}

/** 0-based indices of the buses with a load (P or Q non-zero) of which less than all is picked up. */
export function shedBusIndices(pickup: ArrayLike<number>, loadPKw: ArrayLike<number>, loadQKvar: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < pickup.length; i++) if (pickup[i] < 1 && (loadPKw[i] !== 0 || loadQKvar[i] !== 0)) out.push(i);
  return out;
}
