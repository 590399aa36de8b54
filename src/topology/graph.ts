/**
 * Graph views of a network: adjacency in compressed arrays, connected components (islands)
 * over the lines in service, radiality, fundamental loops.
 * `lineOut[l] = 1` means line l is not conducting (open or faulted).
 */
import { Network } from '../grid/network';

export interface Adjacency {
  /** adjacency of bus i is entries start[i] .. start[i+1]-1 */
  start: Int32Array;
  bus: Int32Array;
  line: Int32Array;
}

const adjCache = new WeakMap<Network, Adjacency>();

export function adjacency(net: Network): Adjacency {
  const cached = adjCache.get(net);
  if (cached) return cached;
  const n = net.buses.length;
  const deg = new Int32Array(n + 1);
  for (const l of net.lines) {
    deg[l.from + 1]++;
    deg[l.to + 1]++;
  }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const start = deg.slice();
  const fill = deg.slice(0, n);
  const bus = new Int32Array(2 * net.lines.length);
  const line = new Int32Array(2 * net.lines.length);
  net.lines.forEach((l, li) => {
    bus[fill[l.from]] = l.to;
    line[fill[l.from]++] = li;
    bus[fill[l.to]] = l.from;
    line[fill[l.to]++] = li;
  });
  const adj = { start, bus, line };
  adjCache.set(net, adj);
  return adj;
}

export interface Islands {
  /** island id per bus */
  islandOf: Int32Array;
  count: number;
  /** buses of each island, in breadth-first order from its first bus */
  members: number[][];
  /** number of conducting lines inside each island */
  lineCount: number[];
}

/** Connected components over the conducting lines. Islands are numbered in bus order. */
export function islands(net: Network, lineOut: Uint8Array): Islands {
  const n = net.buses.length;
  const adj = adjacency(net);
  const islandOf = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  const lineCount: number[] = [];
  for (let s = 0; s < n; s++) {
    if (islandOf[s] >= 0) continue;
    const id = members.length;
    const queue = [s];
    islandOf[s] = id;
    for (let h = 0; h < queue.length; h++) {
      const u = queue[h];
      for (let k = adj.start[u]; k < adj.start[u + 1]; k++) {
        if (lineOut[adj.line[k]]) continue;
        const v = adj.bus[k];
        if (islandOf[v] < 0) {
          islandOf[v] = id;
          queue.push(v);
        }
      }
    }
    members.push(queue);
    lineCount.push(0);
  }
  net.lines.forEach((l, li) => {
    if (!lineOut[li]) lineCount[islandOf[l.from]]++;
  });
  return { islandOf, count: members.length, members, lineCount };
}

/**
 * Radial supply from the substations: every bus is in an island that holds exactly one
 * substation, and every island is a tree. This is the reconfiguration-mode rule.
 */
export function isRadialFromSubstations(net: Network, lineOut: Uint8Array): boolean {
  const isl = islands(net, lineOut);
  const subs = new Int32Array(isl.count);
  for (const s of net.substations) subs[isl.islandOf[s]]++;
  for (let i = 0; i < isl.count; i++) {
    if (subs[i] !== 1) return false;
    if (isl.lineCount[i] !== isl.members[i].length - 1) return false;
  }
  return true;
}

/**
 * Radial from the substations as far as the faults allow: with `lineOut` (open or faulted lines)
 * out of service, every island holding a substation holds one and is a tree, and every island
 * without one lies beyond the faults (no switching could connect it to a substation: lineOut
 * minus the open lines, i.e. `faulted` alone, separates it).
 */
export function isRadialGivenFaults(net: Network, lineOut: Uint8Array, faulted: Uint8Array): boolean {
  const isl = islands(net, lineOut);
  const subs = new Int32Array(isl.count);
  for (const s of net.substations) subs[isl.islandOf[s]]++;
  let canReach: Uint8Array | null = null;
  for (let i = 0; i < isl.count; i++) {
    if (subs[i] > 1) return false;
    if (subs[i] === 1) {
      if (isl.lineCount[i] !== isl.members[i].length - 1) return false;
      continue;
    }
    canReach ??= reachable(net, faulted, net.substations);
    for (const b of isl.members[i]) if (canReach[b]) return false;
  }
  return true;
}

/** Buses reachable from any of `sources` over conducting lines. */
export function reachable(net: Network, lineOut: Uint8Array, sources: number[]): Uint8Array {
  const adj = adjacency(net);
  const seen = new Uint8Array(net.buses.length);
  const stack: number[] = [];
  for (const s of sources) if (!seen[s]) { seen[s] = 1; stack.push(s); }
  while (stack.length) {
    const u = stack.pop()!;
    for (let k = adj.start[u]; k < adj.start[u + 1]; k++) {
      if (lineOut[adj.line[k]]) continue;
      const v = adj.bus[k];
      if (!seen[v]) { seen[v] = 1; stack.push(v); }
    }
  }
  return seen;
}

/**
 * Fundamental loops of the conducting graph: a spanning forest by breadth-first search, then
 * one loop per conducting line outside the forest, as the list of line indices around it.
 */
export function fundamentalLoops(net: Network, lineOut: Uint8Array): number[][] {
  const n = net.buses.length;
  const adj = adjacency(net);
  const parentLine = new Int32Array(n).fill(-1);
  const parentBus = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n).fill(-1);
  const inTree = new Uint8Array(net.lines.length);
  for (let s = 0; s < n; s++) {
    if (depth[s] >= 0) continue;
    depth[s] = 0;
    const queue = [s];
    for (let h = 0; h < queue.length; h++) {
      const u = queue[h];
      for (let k = adj.start[u]; k < adj.start[u + 1]; k++) {
        const li = adj.line[k];
        if (lineOut[li]) continue;
        const v = adj.bus[k];
        if (depth[v] < 0) {
          depth[v] = depth[u] + 1;
          parentBus[v] = u;
          parentLine[v] = li;
          inTree[li] = 1;
          queue.push(v);
        }
      }
    }
  }
  const loops: number[][] = [];
  net.lines.forEach((l, li) => {
    if (lineOut[li] || inTree[li]) return;
    const left: number[] = [];
    const right: number[] = [];
    let a = l.from;
    let b = l.to;
    while (depth[a] > depth[b]) { left.push(parentLine[a]); a = parentBus[a]; }
    while (depth[b] > depth[a]) { right.push(parentLine[b]); b = parentBus[b]; }
    while (a !== b) {
      left.push(parentLine[a]); a = parentBus[a];
      right.push(parentLine[b]); b = parentBus[b];
    }
    loops.push([li, ...left, ...right.reverse()]);
  });
  return loops;
}

/** lineOut mask from lists of open and faulted line indices. */
export function lineOutMask(net: Network, open: Iterable<number>, faulted: Iterable<number> = []): Uint8Array {
  const m = new Uint8Array(net.lines.length);
  for (const l of open) m[l] = 1;
  for (const l of faulted) m[l] = 1;
  return m;
}

/** Maximal paths of two or more lines whose inner buses have degree 2 (substations excluded). */
export function chains(net: Network): { lines: number[]; inner: number[] }[] {
  const adj = adjacency(net);
  const nb = net.buses.length;
  const deg = (i: number): number => adj.start[i + 1] - adj.start[i];
  const special = new Uint8Array(nb);
  for (const s of net.substations) special[s] = 1;
  const inner = (i: number): boolean => deg(i) === 2 && !special[i];
  const used = new Uint8Array(net.lines.length);
  const out: { lines: number[]; inner: number[] }[] = [];
  for (let l0 = 0; l0 < net.lines.length; l0++) {
    if (used[l0]) continue;
    const ln = net.lines[l0];
    if (!inner(ln.from) && !inner(ln.to)) continue;
    // walk both ways through inner buses
    const lines = [l0];
    const inn: number[] = [];
    used[l0] = 1;
    for (const start of [ln.from, ln.to]) {
      let bus = start;
      let via = l0;
      while (inner(bus)) {
        inn.push(bus);
        let next = -1;
        for (let k = adj.start[bus]; k < adj.start[bus + 1]; k++) if (adj.line[k] !== via) next = k;
        if (next < 0 || used[adj.line[next]]) break;
        via = adj.line[next];
        used[via] = 1;
        lines.push(via);
        bus = adj.bus[next];
      }
    }
    if (lines.length >= 2) out.push({ lines, inner: inn });
  }
  return out;
}

/** Bridges of the graph of non-faulted lines (Tarjan, iterative). */
export function bridges(net: Network, faulted: Uint8Array): Uint8Array {
  const n = net.buses.length;
  const adj = adjacency(net);
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const out = new Uint8Array(net.lines.length);
  let time = 0;
  for (let s = 0; s < n; s++) {
    if (disc[s] >= 0) continue;
    const stack: [number, number, number][] = [[s, -1, adj.start[s]]];
    disc[s] = low[s] = time++;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [u, pl] = top;
      if (top[2] < adj.start[u + 1]) {
        const k = top[2]++;
        const l = adj.line[k];
        if (faulted[l] || l === pl) continue;
        const w = adj.bus[k];
        if (disc[w] < 0) {
          disc[w] = low[w] = time++;
          stack.push([w, l, adj.start[w]]);
        } else low[u] = Math.min(low[u], disc[w]);
      } else {
        stack.pop();
        if (stack.length) {
          const p = stack[stack.length - 1][0];
          low[p] = Math.min(low[p], low[u]);
          if (low[u] > disc[p]) out[pl] = 1;
        }
      }
    }
  }
  return out;
}
