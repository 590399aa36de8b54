/**
 * Schematic layout of a feeder for drawing: the tree of normally-closed lines from the
 * substation(s), each longest path on one row, side branches above and below the main feeder,
 * packed: a branch (with everything hanging off it) goes on the nearest row where none of its
 * cells is taken and its vertical drop (down the parent's column) meets nothing, so rows are
 * shared by branches that do not overlap and no drawn tree line passes through a bus.
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
  let width = 0;
  let rowMin = 0;
  let rowMax = 0;
  // Each branch is laid out as a rigid block in its own coordinates (column from its first bus,
  // row outward from its path), then fitted into its parent as close to the parent's row as its
  // cells allow. A block's cells are its buses, elbow corners and drops; blocks never share a
  // cell, and a drop runs down a column that only the parent's own later (further left) branches
  // could use, so no drawn tree line passes through a bus.
  interface Block { buses: number[]; col: number[]; row: number[]; cells: number[] /* col, row pairs */ }
  const key = (c: number, r: number): number => c * 1048576 + r;
  const layoutBlock = (root: number): Block => {
    const path: number[] = [];
    for (let u = root; u >= 0; u = heavy(u)) path.push(u);
    const blk: Block = { buses: [], col: [], row: [], cells: [] };
    const occ = new Set<number>();
    const claim = (c: number, r: number): void => {
      occ.add(key(c, r));
      blk.cells.push(c, r);
    };
    path.forEach((u, j) => {
      blk.buses.push(u);
      blk.col.push(j);
      blk.row.push(0);
      claim(j, 0);
    });
    for (let j = path.length - 1; j >= 0; j--) {
      const own = new Set<number>();
      for (const c of children[path[j]]) {
        if (c === path[j + 1]) continue;
        fitBlock(layoutBlock(c), j, occ, claim, blk, own);
      }
    }
    return blk;
  };
  /**
   * Fit block `b` below column `j` of a path (its first bus at column j + 1) at the smallest free
   * shift; its drop may run along the drops of the same bus's other branches (`own`), never through
   * anything else. Returns the shift.
   */
  const fitBlock = (b: Block, j: number, occ: Set<number>, claim: (c: number, r: number) => void, into: Block, own: Set<number>): number => {
    let s = 1;
    for (;; s++) {
      if (occ.has(key(j, s))) continue;
      let ok = true;
      for (let k = 0; k < b.cells.length && ok; k += 2) if (occ.has(key(j + 1 + b.cells[k], s + b.cells[k + 1]))) ok = false;
      for (let q = 1; q < s && ok; q++) if (occ.has(key(j, q)) && !own.has(key(j, q))) ok = false;
      if (ok) break;
    }
    for (let q = 1; q <= s; q++) {
      own.add(key(j, q));
      if (!occ.has(key(j, q))) claim(j, q);
    }
    for (let k = 0; k < b.cells.length; k += 2) claim(j + 1 + b.cells[k], s + b.cells[k + 1]);
    b.buses.forEach((u, k) => {
      into.buses.push(u);
      into.col.push(j + 1 + b.col[k]);
      into.row.push(s + b.row[k]);
    });
    return s;
  };
  const put = (b: Block, col0: number, row0: number, dir: number): void => {
    b.buses.forEach((u, k) => {
      x[u] = col0 + b.col[k];
      y[u] = row0 + dir * b.row[k];
      width = Math.max(width, x[u]);
      rowMin = Math.min(rowMin, y[u]);
      rowMax = Math.max(rowMax, y[u]);
    });
  };
  roots.forEach((root, k) => {
    if (k > 0) {
      // another substation's tree: below everything drawn so far
      const b = layoutBlock(root);
      put(b, 0, rowMax + 1, 1);
      return;
    }
    // the main feeder: its branches on whichever side (below / above) they fit closer, ties alternate
    const path: number[] = [];
    for (let u = root; u >= 0; u = heavy(u)) path.push(u);
    const sides = [1, -1].map((dir) => {
      const blk: Block = { buses: [], col: [], row: [], cells: [] };
      const occ = new Set<number>();
      path.forEach((_, j) => occ.add(key(j, 0)));
      return { dir, blk, occ, claim: (c: number, r: number): void => { occ.add(key(c, r)); } };
    });
    path.forEach((u, j) => {
      x[u] = j;
      y[u] = 0;
      width = Math.max(width, j);
    });
    let flip = 0;
    for (let j = path.length - 1; j >= 0; j--) {
      const own = [new Set<number>(), new Set<number>()];
      for (const c of children[path[j]]) {
        if (c === path[j + 1]) continue;
        const b = layoutBlock(c);
        // trial fit on both sides (on copies), keep the closer
        const trial = sides.map((sd, k) => {
          const occ = new Set(sd.occ);
          const tmp: Block = { buses: [], col: [], row: [], cells: [] };
          return fitBlock(b, j, occ, (cc, r) => occ.add(key(cc, r)), tmp, new Set(own[k]));
        });
        const pick = trial[0] < trial[1] ? 0 : trial[1] < trial[0] ? 1 : flip;
        flip = 1 - pick;
        const sd = sides[pick];
        fitBlock(b, j, sd.occ, sd.claim, sd.blk, own[pick]);
      }
    }
    for (const sd of sides) put(sd.blk, 0, 0, sd.dir);
  });
  return { x, y, treeLine, parent, width, rowMin, rowMax };
}
