/**
 * Schematic layout of a feeder for drawing: the tree of normally-closed lines from the
 * substation(s), each longest path on one row, side branches on rows of their own, alternating
 * above and below the main feeder. Branches are placed from the far end of a path back towards
 * its root, so the vertical drop of a branch never crosses another branch's row.
 * Coordinates are in grid units (x = depth along the feeder, y = row).
 */
import { Network } from '../grid/network';

export interface FeederLayout {
  x: Float64Array;
  y: Float64Array;
  /** per line: true when it belongs to the drawing tree (drawn as straight / elbow segments) */
  treeLine: Uint8Array;
  /** per bus: parent bus in the drawing tree, -1 for a root */
  parent: Int32Array;
  width: number;
  rowMin: number;
  rowMax: number;
}

export function layoutFeeder(net: Network): FeederLayout {
  const n = net.buses.length;
  const parent = new Int32Array(n).fill(-1);
  const seen = new Uint8Array(n);
  const treeLine = new Uint8Array(net.lines.length);
  const children: number[][] = Array.from({ length: n }, () => []);
  const nbr: { bus: number; line: number; tie: boolean }[][] = Array.from({ length: n }, () => []);
  net.lines.forEach((l, i) => {
    nbr[l.from].push({ bus: l.to, line: i, tie: l.normallyOpen });
    nbr[l.to].push({ bus: l.from, line: i, tie: l.normallyOpen });
  });
  // BFS over normally-closed lines first, then ties for anything still unreached
  const roots: number[] = [];
  const bfs = (start: number, allowTies: boolean, queue: number[]): void => {
    for (let h = 0; h < queue.length; h++) {
      const u = queue[h];
      for (const e of nbr[u]) {
        if (seen[e.bus] || (e.tie && !allowTies)) continue;
        seen[e.bus] = 1;
        parent[e.bus] = u;
        treeLine[e.line] = 1;
        children[u].push(e.bus);
        queue.push(e.bus);
      }
    }
    void start;
  };
  const order = [...net.substations, ...net.buses.map((_, i) => i)];
  for (const r of order) {
    if (seen[r]) continue;
    seen[r] = 1;
    roots.push(r);
    bfs(r, false, [r]);
  }
  // a bus reachable only through ties joins the tree through its tie (re-run allowing ties from all placed buses)
  // (roots found above already cover every bus; nothing else to do)

  // depth of the deepest descendant, computed leaves-first
  const height = new Int32Array(n);
  const bfsOrder: number[] = [];
  for (const r of roots) {
    const q = [r];
    for (let h = 0; h < q.length; h++) {
      bfsOrder.push(q[h]);
      for (const c of children[q[h]]) q.push(c);
    }
  }
  for (let k = bfsOrder.length - 1; k >= 0; k--) {
    const u = bfsOrder[k];
    for (const c of children[u]) height[u] = Math.max(height[u], height[c] + 1);
  }
  const heavy = (u: number): number => {
    let best = -1;
    for (const c of children[u]) if (best < 0 || height[c] > height[best]) best = c;
    return best;
  };

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let nextBelow = 1;
  let nextAbove = -1;
  let width = 0;
  let rowMin = 0;
  let rowMax = 0;
  // place the heavy path from `root` on `row` starting at column `col`; dir 0 = alternate (main feeder)
  const place = (root: number, row: number, col: number, dir: number): void => {
    const path: number[] = [];
    for (let u = root; u >= 0; u = heavy(u)) path.push(u);
    path.forEach((u, j) => {
      x[u] = col + j;
      y[u] = row;
      width = Math.max(width, col + j);
    });
    rowMin = Math.min(rowMin, row);
    rowMax = Math.max(rowMax, row);
    let flip = 1;
    for (let j = path.length - 1; j >= 0; j--) {
      const u = path[j];
      const next = path[j + 1];
      for (const c of children[u]) {
        if (c === next) continue;
        const d = dir !== 0 ? dir : flip;
        flip = -flip;
        const r = d > 0 ? nextBelow++ : nextAbove--;
        place(c, r, col + j + 1, d);
      }
    }
  };
  for (const r of roots) {
    const row = roots.indexOf(r) === 0 ? 0 : nextBelow++;
    place(r, row, 0, roots.indexOf(r) === 0 ? 0 : 1);
  }
  return { x, y, treeLine, parent, width, rowMin, rowMax };
}
