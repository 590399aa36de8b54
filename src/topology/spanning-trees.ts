/**
 * Radial configurations of a feeder: the switch states in which every bus is supplied by
 * exactly one substation through a tree. With all substations merged into one node (and lines
 * that cannot be switched merged too, since they are always closed) these are exactly the
 * spanning trees of the merged graph, so their number is given by the matrix-tree theorem.
 *
 * Enumeration: choose the lines to open in increasing index order; a line may be opened only
 * when the remaining closed lines still connect every node. After `openCount` openings the
 * closed lines are connected with nodes-1 edges: a spanning tree. Work is proportional to the
 * number of configurations times openCount times the line count.
 */
import { Matrix, LuDecomposition } from 'ml-matrix';
import { Network } from '../grid/network';

export interface ContractedGraph {
  /** node of each bus after merging substations and non-switchable lines */
  nodeOf: Int32Array;
  nodeCount: number;
  /** for each line: 1 = always closed (not switchable, merged), 2 = self-loop of a switchable line (must be open), 0 = free */
  kind: Uint8Array;
  /** a non-switchable line closes a loop: no radial configuration exists */
  impossible: boolean;
}

export function contractFeeder(net: Network): ContractedGraph {
  const n = net.buses.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const kind = new Uint8Array(net.lines.length);
  let impossible = false;
  const subs = net.substations;
  for (let k = 1; k < subs.length; k++) parent[find(subs[k])] = find(subs[0]);
  net.lines.forEach((l, li) => {
    if (l.switchable) return;
    kind[li] = 1;
    const a = find(l.from);
    const b = find(l.to);
    if (a === b) impossible = true;
    else parent[a] = b;
  });
  const nodeOf = new Int32Array(n);
  const id = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!id.has(r)) id.set(r, id.size);
    nodeOf[i] = id.get(r)!;
  }
  net.lines.forEach((l, li) => {
    if (kind[li] === 0 && nodeOf[l.from] === nodeOf[l.to]) kind[li] = 2;
  });
  return { nodeOf, nodeCount: id.size, kind, impossible };
}

/** Number of radial configurations by the matrix-tree theorem (determinant of a reduced Laplacian). */
export function countRadialConfigurations(net: Network): number {
  const g = contractFeeder(net);
  if (g.impossible) return 0;
  const m = g.nodeCount;
  if (m === 1) return 1;
  const lap = Matrix.zeros(m - 1, m - 1);
  net.lines.forEach((l, li) => {
    if (g.kind[li] !== 0) return;
    const a = g.nodeOf[l.from] - 1;
    const b = g.nodeOf[l.to] - 1;
    if (a >= 0) lap.set(a, a, lap.get(a, a) + 1);
    if (b >= 0) lap.set(b, b, lap.get(b, b) + 1);
    if (a >= 0 && b >= 0) {
      lap.set(a, b, lap.get(a, b) - 1);
      lap.set(b, a, lap.get(b, a) - 1);
    }
  });
  return Math.round(new LuDecomposition(lap).determinant);
}

export interface RadialTable {
  /** number of lines open in every radial configuration */
  openCount: number;
  /** configurations x openCount line indices (0-based), ascending within a row; rows in lexicographic order */
  open: Int32Array;
  count: number;
}

/**
 * All radial configurations, as the sorted list of open line indices of each.
 * Throws a RangeError when there are more than `limit` of them (default 5,000,000).
 */
export function enumerateRadialConfigurations(net: Network, limit = 5_000_000): RadialTable {
  const g = contractFeeder(net);
  const nl = net.lines.length;
  const forced: number[] = [];
  const free: number[] = [];
  for (let li = 0; li < nl; li++) {
    if (g.kind[li] === 2) forced.push(li);
    else if (g.kind[li] === 0) free.push(li);
  }
  const openCount = forced.length + free.length - (g.nodeCount - 1);
  if (g.impossible || openCount < forced.length) return { openCount: Math.max(0, openCount), open: new Int32Array(0), count: 0 };
  const expected = countRadialConfigurations(net);
  if (expected > limit) throw new RangeError(`the feeder has ${expected} radial configurations, more than the limit ${limit}`);
  const need = openCount - forced.length; // free lines to open
  const out = new Int32Array(expected * openCount);
  let count = 0;
  const isOpen = new Uint8Array(nl);
  for (const li of forced) isOpen[li] = 1;
  // adjacency over free lines in the contracted graph
  const N = g.nodeCount;
  const adjStart = new Int32Array(N + 1);
  for (const li of free) {
    adjStart[g.nodeOf[net.lines[li].from] + 1]++;
    adjStart[g.nodeOf[net.lines[li].to] + 1]++;
  }
  for (let i = 0; i < N; i++) adjStart[i + 1] += adjStart[i];
  const fill = adjStart.slice(0, N);
  const adjNode = new Int32Array(2 * free.length);
  const adjLine = new Int32Array(2 * free.length);
  for (const li of free) {
    const a = g.nodeOf[net.lines[li].from];
    const b = g.nodeOf[net.lines[li].to];
    adjNode[fill[a]] = b;
    adjLine[fill[a]++] = li;
    adjNode[fill[b]] = a;
    adjLine[fill[b]++] = li;
  }
  const seen = new Int32Array(N);
  const stack = new Int32Array(N);
  let stamp = 0;
  const connected = (): boolean => {
    stamp++;
    let top = 0;
    stack[top++] = 0;
    seen[0] = stamp;
    let reached = 1;
    while (top > 0) {
      const u = stack[--top];
      for (let k = adjStart[u]; k < adjStart[u + 1]; k++) {
        if (isOpen[adjLine[k]]) continue;
        const v = adjNode[k];
        if (seen[v] !== stamp) {
          seen[v] = stamp;
          reached++;
          stack[top++] = v;
        }
      }
    }
    return reached === N;
  };
  if (!connected()) return { openCount, open: new Int32Array(0), count: 0 };
  const chosen = new Int32Array(need);
  const row = new Int32Array(openCount);
  const emit = (): void => {
    let i = 0;
    let j = 0;
    let k = 0;
    // merge forced and chosen (both ascending)
    while (i < forced.length || j < need) {
      if (j >= need || (i < forced.length && forced[i] < chosen[j])) row[k++] = forced[i++];
      else row[k++] = chosen[j++];
    }
    out.set(row, count * openCount);
    count++;
  };
  const rec = (depth: number, from: number): void => {
    if (depth === need) {
      emit();
      return;
    }
    // leave room for the remaining choices
    for (let f = from; f <= free.length - (need - depth); f++) {
      const li = free[f];
      isOpen[li] = 1;
      if (connected()) {
        chosen[depth] = li;
        rec(depth + 1, f + 1);
      }
      isOpen[li] = 0;
    }
  };
  rec(0, 0);
  if (count !== expected) throw new Error(`internal: enumerated ${count} radial configurations, matrix-tree theorem says ${expected}`);
  return { openCount, open: out, count };
}

/** Index of the configuration whose open lines are `openSorted` (ascending line indices), -1 if none. */
export function findConfiguration(table: RadialTable, openSorted: ArrayLike<number>): number {
  const k = table.openCount;
  if (openSorted.length !== k) return -1;
  let lo = 0;
  let hi = table.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    let c = 0;
    for (let j = 0; j < k && c === 0; j++) c = table.open[mid * k + j] - openSorted[j];
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
