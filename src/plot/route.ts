/**
 * Routes of the feeder map's lines, in layout grid units (buses at integer column x, integer row y).
 *
 * Tree lines are drawn as the layout places them: straight along a row, or an elbow (down the
 * parent's column, then one column across). Every other line (ties, closed loops) is routed
 * orthogonally through the free channels of the grid: a short stub from each end bus to the
 * half-row beside it, along that half-row, across on a half-column, along the other end's
 * half-row and into the other bus. Half-rows and half-columns hold no bus, so a routed line never
 * passes a bus that is not one of its ends. Routes that share a channel are put on separate
 * lanes (offsets within the channel) when their extents overlap.
 */
import { Network } from '../grid/network';
import { Point } from './geometry';
import { FeederLayout } from './layout';

/** Lane offsets within a channel, in grid units (a channel is the gap of width 1 between rows / columns). */
export const LANE_OFFSETS = [0, -0.13, 0.13, -0.26, 0.26];

export interface LineRoute {
  /** polyline, grid units, from the line's `from` bus to its `to` bus */
  points: Point[];
  /** true for a line routed through the channels (not a tree line) */
  routed: boolean;
}

interface Interval { lane: number; lo: number; hi: number }

export function routeLines(net: Network, lay: FeederLayout): LineRoute[] {
  const n = net.buses.length;
  // per bus: which vertical directions (+1 down / -1 up) its own column is used by an elbow drop
  const dropDown = new Uint8Array(n);
  const dropUp = new Uint8Array(n);
  net.lines.forEach((l, i) => {
    if (!lay.treeLine[i]) return;
    const [p, c] = lay.parent[l.to] === l.from ? [l.from, l.to] : [l.to, l.from];
    if (lay.y[c] > lay.y[p]) dropDown[p] = 1;
    if (lay.y[c] < lay.y[p]) dropUp[p] = 1;
  });
  const stubUsed = new Set<string>();
  const channels = new Map<string, Interval[]>();
  const freeLane = (key: string, lo: number, hi: number): number => {
    const list = channels.get(key) ?? [];
    for (let k = 0; k < LANE_OFFSETS.length; k++) {
      if (!list.some((iv) => iv.lane === k && iv.lo < hi + 0.3 && lo < iv.hi + 0.3)) return k;
    }
    return -1;
  };
  const take = (key: string, lane: number, lo: number, hi: number): void => {
    const list = channels.get(key) ?? [];
    list.push({ lane, lo, hi });
    channels.set(key, list);
  };
  const stubCost = (bus: number, dir: number): number =>
    (dir > 0 ? dropDown[bus] : dropUp[bus]) * 4 + (stubUsed.has(`${bus}:${dir}`) ? 2 : 0);

  return net.lines.map((l, i): LineRoute => {
    const a = l.from;
    const b = l.to;
    const xa = lay.x[a], ya = lay.y[a], xb = lay.x[b], yb = lay.y[b];
    if (lay.treeLine[i]) {
      const [p, c] = lay.parent[b] === a ? [a, b] : [b, a];
      const pts = lay.y[p] === lay.y[c]
        ? [{ x: lay.x[p], y: lay.y[p] }, { x: lay.x[c], y: lay.y[c] }]
        : [{ x: lay.x[p], y: lay.y[p] }, { x: lay.x[p], y: lay.y[c] }, { x: lay.x[c], y: lay.y[c] }];
      if (p !== a) pts.reverse();
      return { points: pts, routed: false };
    }
    // candidate stub directions at each end; prefer the ones that make the channels meet
    const options: { sa: number; sb: number; cost: number }[] = [];
    for (const sa of [1, -1]) {
      for (const sb of [1, -1]) {
        const ca = ya + sa * 0.5;
        const cb = yb + sb * 0.5;
        options.push({ sa, sb, cost: Math.abs(ca - cb) + stubCost(a, sa) + stubCost(b, sb) + (ya === yb && sa !== sb ? 1 : 0) });
      }
    }
    options.sort((u, v) => u.cost - v.cost);
    const xmCandidates = (): number[] => {
      const out: number[] = [];
      if (xb > xa) out.push(xb - 0.5, xa + 0.5);
      else if (xb < xa) out.push(xb + 0.5, xa - 0.5);
      else out.push(xa + 0.5, xa - 0.5);
      const lo = Math.min(xa, xb), hi = Math.max(xa, xb);
      for (let x = lo + 1.5; x < hi - 0.5; x++) out.push(x);
      out.push(lo - 0.5, hi + 0.5);
      return [...new Set(out)];
    };
    for (const opt of options) {
      const ca = ya + opt.sa * 0.5;
      const cb = yb + opt.sb * 0.5;
      if (ca === cb) {
        const key = `h${ca}`;
        const lo = Math.min(xa, xb), hi = Math.max(xa, xb);
        const lane = freeLane(key, lo, hi);
        if (lane < 0) continue;
        take(key, lane, lo, hi);
        stubUsed.add(`${a}:${opt.sa}`);
        stubUsed.add(`${b}:${opt.sb}`);
        const yc = ca + LANE_OFFSETS[lane];
        return { points: [{ x: xa, y: ya }, { x: xa, y: yc }, { x: xb, y: yc }, { x: xb, y: yb }], routed: true };
      }
      for (const xm of xmCandidates()) {
        const ka = `h${ca}`, kb = `h${cb}`, kv = `v${xm}`;
        const la = freeLane(ka, Math.min(xa, xm), Math.max(xa, xm));
        const lb = freeLane(kb, Math.min(xb, xm), Math.max(xb, xm));
        const lv = freeLane(kv, Math.min(ca, cb), Math.max(ca, cb));
        if (la < 0 || lb < 0 || lv < 0) continue;
        take(ka, la, Math.min(xa, xm), Math.max(xa, xm));
        take(kb, lb, Math.min(xb, xm), Math.max(xb, xm));
        take(kv, lv, Math.min(ca, cb), Math.max(ca, cb));
        stubUsed.add(`${a}:${opt.sa}`);
        stubUsed.add(`${b}:${opt.sb}`);
        const yA = ca + LANE_OFFSETS[la], yB = cb + LANE_OFFSETS[lb], xV = xm + LANE_OFFSETS[lv];
        return {
          points: [{ x: xa, y: ya }, { x: xa, y: yA }, { x: xV, y: yA }, { x: xV, y: yB }, { x: xb, y: yB }, { x: xb, y: yb }],
          routed: true,
        };
      }
    }
    // every lane of every candidate taken: share the centre lanes (still clear of every bus)
    const opt = options[0];
    const ca = ya + opt.sa * 0.5, cb = yb + opt.sb * 0.5;
    const xm = xmCandidates()[0];
    return {
      points: [{ x: xa, y: ya }, { x: xa, y: ca }, { x: xm, y: ca }, { x: xm, y: cb }, { x: xb, y: cb }, { x: xb, y: yb }],
      routed: true,
    };
  });
}
