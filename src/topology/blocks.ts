/**
 * Blocks (biconnected components) of a feeder's graph, with every substation merged into one
 * node: two lines lie on a common loop (or a common path between substations) exactly when they
 * are in the same block. A line in no loop (a bridge) is a block of its own.
 * This is what the local-move action space is derived from: closing an open line and opening
 * another keeps the feeder radial only if both are in one block.
 */
import { Network } from '../grid/network';

/** Node of each bus once the substations are merged into node 0 (other buses numbered after). */
export function mergedNodes(net: Network): { nodeOf: Int32Array; count: number } {
  const nodeOf = new Int32Array(net.buses.length).fill(-1);
  let count = 0;
  if (net.substations.length > 0) {
    for (const s of net.substations) nodeOf[s] = 0;
    count = 1;
  }
  for (let b = 0; b < nodeOf.length; b++) if (nodeOf[b] < 0) nodeOf[b] = count++;
  return { nodeOf, count };
}

/**
 * Block id per line (0-based, numbered in the order found) and the number of blocks.
 * A line whose two ends merge into one node (substation to substation) is a loop by itself:
 * it gets a block of its own too. Iterative Hopcroft-Tarjan over an edge stack.
 */
export function lineBlocks(net: Network): { blockOf: Int32Array; count: number } {
  const { nodeOf, count: n } = mergedNodes(net);
  const nl = net.lines.length;
  const from = new Int32Array(nl);
  const to = new Int32Array(nl);
  const deg = new Int32Array(n + 1);
  for (let l = 0; l < nl; l++) {
    from[l] = nodeOf[net.lines[l].from];
    to[l] = nodeOf[net.lines[l].to];
    if (from[l] === to[l]) continue;
    deg[from[l] + 1]++;
    deg[to[l] + 1]++;
  }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const start = deg.slice();
  const fill = deg.slice(0, n);
  const adjNode = new Int32Array(start[n]);
  const adjLine = new Int32Array(start[n]);
  for (let l = 0; l < nl; l++) {
    if (from[l] === to[l]) continue;
    adjNode[fill[from[l]]] = to[l];
    adjLine[fill[from[l]]++] = l;
    adjNode[fill[to[l]]] = from[l];
    adjLine[fill[to[l]]++] = l;
  }
  const blockOf = new Int32Array(nl).fill(-1);
  let blocks = 0;
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const next = new Int32Array(n);
  const parentLine = new Int32Array(n).fill(-1);
  const stackNode: number[] = [];
  const edgeStack: number[] = [];
  let time = 0;
  for (let root = 0; root < n; root++) {
    if (disc[root] >= 0) continue;
    disc[root] = low[root] = time++;
    next[root] = start[root];
    stackNode.push(root);
    while (stackNode.length) {
      const u = stackNode[stackNode.length - 1];
      if (next[u] < start[u + 1]) {
        const k = next[u]++;
        const v = adjNode[k];
        const l = adjLine[k];
        if (l === parentLine[u]) continue;
        if (disc[v] < 0) {
          edgeStack.push(l);
          parentLine[v] = l;
          disc[v] = low[v] = time++;
          next[v] = start[v];
          stackNode.push(v);
        } else if (disc[v] < disc[u]) {
          edgeStack.push(l);
          if (disc[v] < low[u]) low[u] = disc[v];
        }
        continue;
      }
      stackNode.pop();
      const pl = parentLine[u];
      if (pl < 0) continue;
      const p = from[pl] === u ? to[pl] : from[pl];
      if (low[u] < low[p]) low[p] = low[u];
      if (low[u] >= disc[p]) {
        // p separates u's subtree: the edges above pl on the stack (pl included) are one block
        for (;;) {
          const e = edgeStack.pop()!;
          blockOf[e] = blocks;
          if (e === pl) break;
        }
        blocks++;
      }
    }
  }
  for (let l = 0; l < nl; l++) if (blockOf[l] < 0) blockOf[l] = blocks++;
  return { blockOf, count: blocks };
}
