/**
 * Small discrete action spaces over the switches, derived from the feeder's graph (nothing
 * hard-wired to a case), each with an explicit "keep" index (the last one):
 *  - move: a local move. An exchange {a, b} of two switchable lines of one block (src/topology/
 *    blocks.ts: they lie on a common loop) closes the open one and opens the closed one (the
 *    branch exchange of DNR heuristics); a "close l" picks up what line l can reach. On the
 *    IEEE 33-bus case: 630 exchanges + 37 closes + keep.
 *  - toggle: flip one switchable line (lines + 1 actions, keep last).
 * Which of them is valid in a state is the environment's business (its mask equals its
 * acceptance); this module only says what each index does.
 */
import { Network } from '../grid/network';
import { lineBlocks, mergedNodes } from '../topology/blocks';

/** Larger move tables are refused (the toggle space stays available). */
export const MOVE_TABLE_LIMIT = 200_000;

export interface MoveTable {
  /** moves, keep not included: move m is the exchange (a[m], b[m]) when b[m] >= 0, else "close a[m]" */
  a: Int32Array;
  b: Int32Array;
  /** number of exchanges (they come first) */
  exchanges: number;
  count: number;
}

const moveTables = new WeakMap<Network, MoveTable>();

/** The move table of a network (built once per network). Throws a RangeError past `limit` moves. */
export function moveTable(net: Network, limit = MOVE_TABLE_LIMIT): MoveTable {
  const hit = moveTables.get(net);
  if (hit) return hit;
  const { blockOf, count: blocks } = lineBlocks(net);
  const byBlock: number[][] = Array.from({ length: blocks }, () => []);
  net.lines.forEach((l, i) => {
    if (l.switchable) byBlock[blockOf[i]].push(i);
  });
  let exchanges = 0;
  for (const m of byBlock) exchanges += (m.length * (m.length - 1)) / 2;
  const closes = net.lines.filter((l) => l.switchable).length;
  const count = exchanges + closes;
  if (count > limit) throw new RangeError(`the move table of ${net.name} has ${count} moves (limit ${limit}): use the toggle action space`);
  const a = new Int32Array(count);
  const b = new Int32Array(count).fill(-1);
  let k = 0;
  // exchanges in order of their first line, then their second
  const pairs: [number, number][] = [];
  for (const m of byBlock) for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) pairs.push([m[i], m[j]]);
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const [x, y] of pairs) {
    a[k] = x;
    b[k++] = y;
  }
  net.lines.forEach((l, i) => {
    if (l.switchable) a[k++] = i;
  });
  const table = { a, b, exchanges, count };
  moveTables.set(net, table);
  return table;
}

/** Label of move m (1-based line ids), "keep" for m = count. */
export function moveLabel(net: Network, t: MoveTable, m: number): string {
  if (m === t.count) return 'keep';
  const id = (l: number): number => net.lines[l].id;
  return t.b[m] >= 0 ? `exchange L${id(t.a[m])}/L${id(t.b[m])}` : `close L${id(t.a[m])}`;
}

/**
 * The switch states after move m from `lineOpen` into `out`; false when the move does not apply
 * there (an exchange needs exactly one of its lines open, a close an open line).
 */
export function applyMove(t: MoveTable, m: number, lineOpen: Uint8Array, out: Uint8Array): boolean {
  out.set(lineOpen);
  const a = t.a[m];
  const b = t.b[m];
  if (b < 0) {
    if (!lineOpen[a]) return false;
    out[a] = 0;
    return true;
  }
  if (lineOpen[a] === lineOpen[b]) return false;
  out[a] = lineOpen[a] ? 0 : 1;
  out[b] = lineOpen[b] ? 0 : 1;
  return true;
}

/** Label of toggle l ("keep" for l = lines). */
export function toggleLabel(net: Network, l: number): string {
  return l === net.lines.length ? 'keep' : `toggle L${net.lines[l].id}`;
}

/** The switch states after toggling line l; false when l has no switch. */
export function applyToggle(net: Network, l: number, lineOpen: Uint8Array, out: Uint8Array): boolean {
  out.set(lineOpen);
  if (!net.lines[l].switchable) return false;
  out[l] = lineOpen[l] ? 0 : 1;
  return true;
}

/**
 * MT output levels of a discrete MT action: level 0 is off, levels 1..n-1 run evenly from pMin to
 * pMax (n = 2: off or pMax). Index n is "keep".
 */
export function mtLevelKw(pMinKw: number, pMaxKw: number, levels: number, j: number): number {
  if (j <= 0) return 0;
  if (levels <= 2) return pMaxKw;
  return pMinKw + ((pMaxKw - pMinKw) * (j - 1)) / (levels - 2);
}

/**
 * The reconfig-mode mask of the move table when `lineOpen` is a spanning tree of the feeder with
 * the substations merged (every bus supplied, no loop): an exchange is valid when its open line is
 * not faulted and its closed line lies on the loop the open one closes; a close always makes a
 * loop. Returns false (mask untouched) when the state is not such a tree: the caller checks each
 * move instead. O(buses x open lines) instead of a graph search per move.
 */
export function treeMoveMask(net: Network, t: MoveTable, lineOpen: Uint8Array, lineFaulted: Uint8Array, mask: Uint8Array): boolean {
  const { nodeOf, count: n } = mergedNodesCached(net);
  const nl = net.lines.length;
  // tree over the closed lines, rooted at node 0 (the substations)
  const head = new Int32Array(n).fill(-1);
  const nextEdge = new Int32Array(2 * nl);
  const edgeTo = new Int32Array(2 * nl);
  const edgeLine = new Int32Array(2 * nl);
  let e = 0;
  let closed = 0;
  for (let l = 0; l < nl; l++) {
    if (lineOpen[l]) continue;
    const u = nodeOf[net.lines[l].from];
    const v = nodeOf[net.lines[l].to];
    if (u === v) return false;
    closed++;
    edgeTo[e] = v; edgeLine[e] = l; nextEdge[e] = head[u]; head[u] = e++;
    edgeTo[e] = u; edgeLine[e] = l; nextEdge[e] = head[v]; head[v] = e++;
  }
  if (closed !== n - 1) return false;
  const parent = new Int32Array(n).fill(-2);
  const parentLine = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const queue = new Int32Array(n);
  parent[0] = -1;
  let qh = 0;
  let qt = 0;
  queue[qt++] = 0;
  while (qh < qt) {
    const u = queue[qh++];
    for (let k = head[u]; k >= 0; k = nextEdge[k]) {
      const v = edgeTo[k];
      if (parent[v] !== -2) continue;
      parent[v] = u;
      parentLine[v] = edgeLine[k];
      depth[v] = depth[u] + 1;
      queue[qt++] = v;
    }
  }
  if (qt !== n) return false;
  // per open line, the tree lines of the loop it closes
  const onLoop: Uint8Array[] = new Array(nl);
  for (let l = 0; l < nl; l++) {
    if (!lineOpen[l] || lineFaulted[l]) continue;
    const loop = new Uint8Array(nl);
    let u = nodeOf[net.lines[l].from];
    let v = nodeOf[net.lines[l].to];
    while (u !== v) {
      if (depth[u] >= depth[v]) {
        loop[parentLine[u]] = 1;
        u = parent[u];
      } else {
        loop[parentLine[v]] = 1;
        v = parent[v];
      }
    }
    onLoop[l] = loop;
  }
  for (let m = 0; m < t.count; m++) {
    const a = t.a[m];
    const b = t.b[m];
    let ok = 0;
    if (b >= 0 && lineOpen[a] !== lineOpen[b]) {
      const open = lineOpen[a] ? a : b;
      const shut = lineOpen[a] ? b : a;
      const loop = onLoop[open];
      ok = loop && loop[shut] ? 1 : 0;
    }
    mask[m] = ok;
  }
  mask[t.count] = 1;
  return true;
}

const mergedCache = new WeakMap<Network, { nodeOf: Int32Array; count: number }>();

function mergedNodesCached(net: Network): { nodeOf: Int32Array; count: number } {
  let m = mergedCache.get(net);
  if (!m) mergedCache.set(net, (m = mergedNodes(net)));
  return m;
}

/**
 * The reconfig-mode topology rule for switch states whose faulted lines are all open, without
 * allocation: every island holds at most one substation, an island with one is a tree, and an
 * island without one lies beyond the faults (no bus of it can reach a substation over lines that
 * are not faulted). Equal to isRadialFromSubstations || isRadialGivenFaults (src/topology/graph.ts)
 * for such states; built once per fault set, then O(buses + lines) per check.
 */
export class RadialCheck {
  private readonly comp: Int32Array;
  private readonly stack: Int32Array;
  private readonly start: Int32Array;
  private readonly adjBus: Int32Array;
  private readonly adjLine: Int32Array;
  private readonly isSub: Uint8Array;
  /** per bus, 1 = a substation can reach it over lines that are not faulted */
  readonly canReach: Uint8Array;

  constructor(private readonly net: Network, lineFaulted: Uint8Array) {
    const n = net.buses.length;
    const nl = net.lines.length;
    this.comp = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.start = new Int32Array(n + 1);
    for (const l of net.lines) {
      this.start[l.from + 1]++;
      this.start[l.to + 1]++;
    }
    for (let i = 0; i < n; i++) this.start[i + 1] += this.start[i];
    const fill = this.start.slice(0, n);
    this.adjBus = new Int32Array(2 * nl);
    this.adjLine = new Int32Array(2 * nl);
    net.lines.forEach((l, li) => {
      this.adjBus[fill[l.from]] = l.to;
      this.adjLine[fill[l.from]++] = li;
      this.adjBus[fill[l.to]] = l.from;
      this.adjLine[fill[l.to]++] = li;
    });
    this.isSub = new Uint8Array(n);
    for (const s of net.substations) this.isSub[s] = 1;
    this.canReach = new Uint8Array(n);
    let top = 0;
    for (const s of net.substations) if (!this.canReach[s]) { this.canReach[s] = 1; this.stack[top++] = s; }
    while (top > 0) {
      const u = this.stack[--top];
      for (let k = this.start[u]; k < this.start[u + 1]; k++) {
        if (lineFaulted[this.adjLine[k]]) continue;
        const v = this.adjBus[k];
        if (!this.canReach[v]) { this.canReach[v] = 1; this.stack[top++] = v; }
      }
    }
  }

  /** lineOut: 1 = open (faulted lines included). */
  accepts(lineOut: Uint8Array): boolean {
    const n = this.net.buses.length;
    const comp = this.comp.fill(-1);
    for (let s0 = 0; s0 < n; s0++) {
      if (comp[s0] >= 0) continue;
      comp[s0] = s0;
      let top = 0;
      this.stack[top++] = s0;
      let buses = 0;
      let ends = 0;
      let subs = 0;
      let reach = 0;
      while (top > 0) {
        const u = this.stack[--top];
        buses++;
        subs += this.isSub[u];
        reach |= this.canReach[u];
        for (let k = this.start[u]; k < this.start[u + 1]; k++) {
          if (lineOut[this.adjLine[k]]) continue;
          ends++;
          const v = this.adjBus[k];
          if (comp[v] < 0) { comp[v] = s0; this.stack[top++] = v; }
        }
      }
      if (subs > 1) return false;
      if (subs === 1 && ends / 2 !== buses - 1) return false;
      if (subs === 0 && reach) return false;
    }
    return true;
  }
}
