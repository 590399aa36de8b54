/**
 * Classification of a line-fault scenario by what can still be supplied.
 *
 * "Suppliable" is a property of the graph that remains once the faulted lines are removed
 * (every other line counts, open or closed, because every switchable line may be closed or
 * opened by the restoration; a faulted line is isolated by its breakers and carries nothing,
 * its end buses stay healthy):
 *  - a bus is suppliable from the grid when its connected component of the remaining graph
 *    holds a substation: some radial configuration of that component (a spanning tree, reached
 *    by closing tie switches and opening others) feeds it from the substation;
 *  - otherwise it is suppliable by an island when its component holds a grid-forming
 *    generator (an MT): the component can be run as an island around that MT;
 *  - otherwise it is lost: no switching reaches it from any source.
 *
 * A scenario is `tie` when every bus is suppliable from the grid, `island` when some bus needs
 * an island and none is lost, `lost` when at least one bus is lost (the lost buses are listed;
 * an island may exist in the same scenario, its buses are listed too).
 *
 * Lines that are not switchable (switchable = 0 in lines.csv) cannot isolate a fault: when a
 * faulted line is not switchable, its end buses, and every bus tied to them by other
 * non-switchable lines, stay attached to the fault until the repair. They are lost, and they
 * carry no supply across. On a feeder where every line is switchable (the bundled ones) this
 * changes nothing: only the faulted lines are removed.
 *
 * This is topology only: it does not check that an MT's capacity covers its island's load,
 * nor voltage and current limits (the power flow and the expert do that for a chosen action).
 */
import { Network } from '../grid/network';
import { adjacency } from '../topology/graph';

export type FaultClass = 'tie' | 'island' | 'lost';
export const FAULT_CLASSES: readonly FaultClass[] = ['tie', 'island', 'lost'];

export interface Classification {
  cls: FaultClass;
  /** 0-based indices of buses suppliable only by an MT island, ascending */
  islandBuses: number[];
  /** 0-based indices of buses that nothing can supply, ascending */
  lostBuses: number[];
}

/** Per-bus status codes written by FaultClassifier.mark */
export const BUS_GRID = 1;
export const BUS_ISLAND = 2;
export const BUS_LOST = 0;
/** attached to a faulted non-switchable line: lost, and a barrier to supply */
export const BUS_IN_FAULT_ZONE = 3;

/**
 * Classifies scenarios of one network. Built once (adjacency, source lists, work arrays are
 * preallocated); each classify() is two depth-first searches over the buses, no allocation
 * besides the result lists.
 */
export class FaultClassifier {
  private readonly start: Int32Array;
  private readonly adjBus: Int32Array;
  private readonly adjLine: Int32Array;
  private readonly lineOut: Uint8Array;
  private readonly stack: Int32Array;
  /** per bus: BUS_GRID, BUS_ISLAND or BUS_LOST after mark() */
  readonly status: Uint8Array;
  private readonly substations: Int32Array;
  private readonly formers: Int32Array;
  /** per line: 1 when it has no switch (cannot isolate a fault) */
  private readonly fixed: Uint8Array;
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  readonly busCount: number;
  readonly lineCount: number;

  constructor(net: Network) {
    const adj = adjacency(net);
    this.start = adj.start;
    this.adjBus = adj.bus;
    this.adjLine = adj.line;
    this.busCount = net.buses.length;
    this.lineCount = net.lines.length;
    this.lineOut = new Uint8Array(this.lineCount);
    this.status = new Uint8Array(this.busCount);
    this.stack = new Int32Array(this.busCount);
    this.substations = Int32Array.from(net.substations);
    this.formers = Int32Array.from(new Set(net.generators.filter((g) => g.gridForming).map((g) => g.bus)));
    this.fixed = Uint8Array.from(net.lines, (l) => (l.switchable ? 0 : 1));
    this.from = Int32Array.from(net.lines, (l) => l.from);
    this.to = Int32Array.from(net.lines, (l) => l.to);
  }

  /** Fill `status` for the scenario with these faulted lines (0-based line indices). */
  mark(faulted: ArrayLike<number>): void {
    const out = this.lineOut;
    for (let i = 0; i < faulted.length; i++) {
      const l = faulted[i];
      if (!(l >= 0 && l < this.lineCount)) throw new RangeError(`line index ${l} outside 0..${this.lineCount - 1}`);
      out[l] = 1;
    }
    this.status.fill(BUS_LOST);
    for (let i = 0; i < faulted.length; i++) {
      const l = faulted[i];
      if (this.fixed[l]) this.faultZone(l);
    }
    this.flood(this.substations, BUS_GRID);
    this.flood(this.formers, BUS_ISLAND);
    for (let i = 0; i < faulted.length; i++) out[faulted[i]] = 0;
  }

  classify(faulted: ArrayLike<number>): Classification {
    this.mark(faulted);
    const islandBuses: number[] = [];
    const lostBuses: number[] = [];
    const st = this.status;
    for (let b = 0; b < this.busCount; b++) {
      if (st[b] === BUS_ISLAND) islandBuses.push(b);
      else if (st[b] === BUS_LOST || st[b] === BUS_IN_FAULT_ZONE) lostBuses.push(b);
    }
    const cls: FaultClass = lostBuses.length > 0 ? 'lost' : islandBuses.length > 0 ? 'island' : 'tie';
    return { cls, islandBuses, lostBuses };
  }

  /** Mark the buses tied to faulted non-switchable line l through non-switchable lines. */
  private faultZone(l: number): void {
    const { start, adjBus, adjLine, fixed, status, stack } = this;
    let top = 0;
    for (const s of [this.from[l], this.to[l]]) {
      if (status[s] === BUS_IN_FAULT_ZONE) continue;
      status[s] = BUS_IN_FAULT_ZONE;
      stack[top++] = s;
    }
    while (top > 0) {
      const u = stack[--top];
      for (let k = start[u]; k < start[u + 1]; k++) {
        if (!fixed[adjLine[k]]) continue;
        const v = adjBus[k];
        if (status[v] !== BUS_IN_FAULT_ZONE) {
          status[v] = BUS_IN_FAULT_ZONE;
          stack[top++] = v;
        }
      }
    }
  }

  /** Depth-first search from every source not yet reached, marking buses with `code`. */
  private flood(sources: Int32Array, code: number): void {
    const { start, adjBus, adjLine, lineOut, status, stack } = this;
    let top = 0;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i];
      if (status[s] !== BUS_LOST) continue;
      status[s] = code;
      stack[top++] = s;
    }
    while (top > 0) {
      const u = stack[--top];
      for (let k = start[u]; k < start[u + 1]; k++) {
        if (lineOut[adjLine[k]]) continue;
        const v = adjBus[k];
        if (status[v] === BUS_LOST) {
          status[v] = code;
          stack[top++] = v;
        }
      }
    }
  }
}

/** Parse a comma-separated list of class names (case-insensitive, duplicates dropped); reports the first unknown name. */
export function parseClassList(text: string): { classes: FaultClass[] } | { unknown: string } {
  const out: FaultClass[] = [];
  for (const part of text.split(',')) {
    const s = part.trim().toLowerCase();
    if (s === '') continue;
    if (!(FAULT_CLASSES as readonly string[]).includes(s)) return { unknown: part.trim() };
    if (!out.includes(s as FaultClass)) out.push(s as FaultClass);
  }
  return { classes: out };
}
