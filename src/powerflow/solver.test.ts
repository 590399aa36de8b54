import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Matrix, solve as mlSolve } from 'ml-matrix';
import { loadCase } from '../grid/load-case';
import { Network } from '../grid/network';
import { nominalSnapshot } from '../grid/series';
import { PowerFlow, cloneResult } from './solver';
import { actionRequest } from './request';
import { mtIndices, normalAction } from '../grid/action';
import { PfRequest } from './types';
import { DATA_33, writeCase } from '../testing/helpers';
import { Rng } from '../util/rng';

const net = loadCase(DATA_33);
const TIES = [33, 34, 35, 36, 37].map((id) => net.lineIndex.get(id)!);
const lineIdx = (id: number): number => net.lineIndex.get(id)!;
const busIdx = (id: number): number => net.busIndex.get(id)!;

/** The request of an action at nominal load: open lines, faulted lines, MT set-points (generator index). */
function request(n: Network, open: number[], extra: { faulted?: number[]; mt?: { gen: number; pKw: number; qKvar: number }[] } = {}): PfRequest {
  const a = normalAction(n);
  a.lineOpen.fill(0);
  for (const l of open) a.lineOpen[l] = 1;
  const mts = mtIndices(n);
  for (const m of extra.mt ?? []) { a.mtPKw[mts.indexOf(m.gen)] = m.pKw; a.mtQKvar[mts.indexOf(m.gen)] = m.qKvar; }
  const faulted = new Uint8Array(n.lines.length);
  for (const l of extra.faulted ?? []) faulted[l] = 1;
  return actionRequest(n, nominalSnapshot(n), a, faulted, true);
}

function nominal(open: number[], extra: { faulted?: number[]; mt?: { gen: number; pKw: number; qKvar: number }[] } = {}): PfRequest {
  return request(net, open, extra);
}

/**
 * Independent reference: implicit Z-bus (Gauss) iteration on the complex bus admittance matrix,
 * written as a real 2m x 2m system and solved with ml-matrix. One slack at 1.0 pu per island;
 * every other bus is a constant-power injection sInjPu (generation minus load).
 */
function zbusSolve(n: Network, buses: number[], slack: number, open: Set<number>, sInjPu: (b: number) => [number, number]): { v: Map<number,
  [number, number]>; lossPu: number } {
  const pos = new Map<number, number>();
  const others = buses.filter((b) => b !== slack);
  others.forEach((b, k) => pos.set(b, k));
  const inIsland = new Set(buses);
  const m = others.length;
  const A = Matrix.zeros(2 * m, 2 * m);
  const ysG = new Float64Array(m); // admittance to the slack
  const ysB = new Float64Array(m);
  const edges: [number, number, number, number][] = [];
  n.lines.forEach((l, i) => {
    if (open.has(i) || !inIsland.has(l.from) || !inIsland.has(l.to)) return;
    const zb = (n.buses[l.from].baseKv ** 2 * 1000) / n.baseKva;
    const r = l.rOhm / zb, x = l.xOhm / zb, d = r * r + x * x;
    const g = r / d, b = -x / d;
    edges.push([l.from, l.to, r, x]);
    for (const [u, w] of [[l.from, l.to], [l.to, l.from]]) {
      if (u === slack) continue;
      const k = pos.get(u)!;
      A.set(k, k, A.get(k, k) + g); A.set(k, k + m, A.get(k, k + m) - b);
      A.set(k + m, k, A.get(k + m, k) + b); A.set(k + m, k + m, A.get(k + m, k + m) + g);
      if (w === slack) { ysG[k] += g; ysB[k] += b; continue; }
      const j = pos.get(w)!;
      A.set(k, j, A.get(k, j) - g); A.set(k, j + m, A.get(k, j + m) + b);
      A.set(k + m, j, A.get(k + m, j) - b); A.set(k + m, j + m, A.get(k + m, j + m) - g);
    }
  });
  let vr = new Float64Array(m).fill(1);
  let vi = new Float64Array(m);
  for (let it = 0; it < 500; it++) {
    const rhs = Matrix.zeros(2 * m, 1);
    for (let k = 0; k < m; k++) {
      const [p, q] = sInjPu(others[k]);
      const mag2 = vr[k] * vr[k] + vi[k] * vi[k];
      // I = conj(S / V) = (p - jq) / conj(V) = (p - jq)(vr + j vi) / |V|^2
      const ir = (p * vr[k] + q * vi[k]) / mag2;
      const ii = (p * vi[k] - q * vr[k]) / mag2;
      rhs.set(k, 0, ir + ysG[k]);
      rhs.set(k + m, 0, ii + ysB[k]);
    }
    const x = mlSolve(A, rhs);
    let change = 0;
    const nr = new Float64Array(m), ni = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      nr[k] = x.get(k, 0); ni[k] = x.get(k + m, 0);
      change = Math.max(change, Math.abs(nr[k] - vr[k]), Math.abs(ni[k] - vi[k]));
    }
    vr = nr; vi = ni;
    if (change < 1e-13) break;
  }
  const v = new Map<number, [number, number]>([[slack, [1, 0]]]);
  others.forEach((b, k) => v.set(b, [vr[k], vi[k]]));
  let lossPu = 0;
  for (const [a, b, r, x] of edges) {
    const [ar, ai] = v.get(a)!, [br, bi] = v.get(b)!;
    const dr = ar - br, di = ai - bi;
    lossPu += (r * (dr * dr + di * di)) / (r * r + x * x);
  }
  return { v, lossPu };
}

function injection(req: PfRequest, n: Network): (b: number) => [number, number] {
  return (b) => {
    let p = -req.loadPKw[b], q = -req.loadQKvar[b];
    n.generators.forEach((g, gi) => {
      if (g.bus === b && req.genOn[gi]) { p += req.genPKw[gi]; q += req.genQKvar[gi]; }
    });
    return [p / n.baseKva, q / n.baseKva];
  };
}

test('IEEE 33-bus base case reproduces Baran & Wu: 202.68 kW / 135.14 kvar, 0.9131 pu at bus 18', () => {
  for (const method of ['sweep', 'newton'] as const) {
    const r = new PowerFlow(net).solve(nominal(TIES), { method });
    assert.equal(r.converged, true);
    assert.ok(Math.abs(r.lossKw - 202.68) < 0.01, `${method} loss ${r.lossKw}`);
    assert.ok(Math.abs(r.lossKvar - 135.14) < 0.01, `${method} loss ${r.lossKvar}`);
    assert.ok(Math.abs(r.vMinPu - 0.91309) < 1e-5, `${method} vmin ${r.vMinPu}`);
    assert.equal(net.buses[r.vMinBus].id, 18);
    assert.ok(Math.abs(r.servedKw - 3715) < 1e-9);
    assert.equal(r.unservedKw, 0);
  }
});

test('the optimal radial configuration (open 7, 9, 14, 32, 37) gives the published 139.5 kW', () => {
  const r = new PowerFlow(net).solve(nominal([7, 9, 14, 32, 37].map(lineIdx)));
  assert.ok(Math.abs(r.lossKw - 139.5) < 0.1, `loss ${r.lossKw}`);
  assert.ok(Math.abs(r.vMinPu - 0.9378) < 2e-4, `vmin ${r.vMinPu}`);
});

test('Newton-Raphson and the backward/forward sweep agree on random radial configurations', () => {
  const rng = new Rng(7);
  const pfA = new PowerFlow(net);
  const pfB = new PowerFlow(net);
  let checked = 0;
  for (let trial = 0; trial < 40; trial++) {
    // random spanning tree: Kruskal on random weights
    const order = net.lines.map((_, i) => i).sort(() => rng.next() - 0.5);
    const parent = net.buses.map((_, i) => i);
    const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a])));
    const open: number[] = [];
    for (const li of order) {
      const a = find(net.lines[li].from), b = find(net.lines[li].to);
      if (a === b) open.push(li); else parent[a] = b;
    }
    const req = nominal(open);
    const a = cloneResult(pfA.solve(req, { method: 'sweep' }));
    const b = pfB.solve(req, { method: 'newton' });
    // a random tree can be a 30-bus chain beyond voltage collapse: both methods must then say so
    if (!b.converged) {
      assert.equal(a.converged, false, 'sweep converged where Newton did not');
      continue;
    }
    assert.ok(a.converged, 'sweep did not converge where Newton did');
    assert.equal(a.islands[0].radial, true);
    assert.ok(Math.abs(a.lossKw - b.lossKw) < 1e-5, `loss ${a.lossKw} vs ${b.lossKw}`);
    for (let i = 0; i < net.buses.length; i++) {
      assert.ok(Math.abs(a.vPu[i] - b.vPu[i]) < 1e-8);
      assert.ok(Math.abs(a.angleDeg[i] - b.angleDeg[i]) < 1e-6);
    }
    for (let l = 0; l < net.lines.length; l++) assert.ok(Math.abs(a.linePKw[l] - b.linePKw[l]) < 1e-5);
    checked++;
  }
  assert.ok(checked >= 30, `only ${checked} solvable trees`);
});

test('meshed network (all ties closed) agrees with an independent Z-bus solution', () => {
  const req = nominal([]);
  const r = new PowerFlow(net).solve(req);
  assert.equal(r.converged, true);
  assert.equal(r.islands[0].radial, false);
  assert.equal(r.islands[0].method, 'newton');
  const all = net.buses.map((_, i) => i);
  const ref = zbusSolve(net, all, busIdx(1), new Set(), injection(req, net));
  for (const [b, [vr, vi]] of ref.v) {
    assert.ok(Math.abs(r.vPu[b] - Math.hypot(vr, vi)) < 1e-8, `bus ${b + 1}: ${r.vPu[b]} vs ${Math.hypot(vr, vi)}`);
    assert.ok(Math.abs(r.angleDeg[b] - (Math.atan2(vi, vr) * 180) / Math.PI) < 1e-6);
  }
  assert.ok(Math.abs(r.lossKw - ref.lossPu * net.baseKva) < 1e-5);
  assert.ok(Math.abs(r.lossKw - 123.29) < 0.01, `loss ${r.lossKw}`);
});

test('multi-island restoration case: each island matches the Z-bus reference with its own slack', () => {
  // lines 6 and 26 faulted: buses 7-18 are fed by the MT at bus 8 (grid-forming), 27-33 stay dark
  const mt8 = net.generators.findIndex((g) => g.kind === 'MT' && g.bus === busIdx(8));
  const mt22 = net.generators.findIndex((g) => g.kind === 'MT' && g.bus === busIdx(22));
  const req = nominal(TIES, { faulted: [lineIdx(6), lineIdx(26)], mt: [{ gen: mt8, pKw: 300, qKvar: 100 }, { gen: mt22, pKw: 400, qKvar: 100 }] });
  const r = new PowerFlow(net).solve(req);
  assert.equal(r.converged, true);
  const kinds = r.islands.map((i) => i.sourceKind).sort();
  assert.deepEqual(kinds, ['MT', 'none', 'substation']);
  const open = new Set([...TIES, lineIdx(6), lineIdx(26)]);
  const byId = (ids: number[]): number[] => ids.map(busIdx);
  const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, k) => a + k);
  const subIsland = byId([...range(1, 6), ...range(19, 26)]);
  const mtIsland = byId(range(7, 18));
  // the slack MT supplies its island's balance: its set-point is not an injection in the reference
  const inj = injection(req, net);
  const refSub = zbusSolve(net, subIsland, busIdx(1), open, inj);
  const refMt = zbusSolve(net, mtIsland, busIdx(8), open, (b) => (b === busIdx(8) ? [0, 0] : inj(b)));
  for (const ref of [refSub, refMt]) {
    for (const [b, [vr, vi]] of ref.v) assert.ok(Math.abs(r.vPu[b] - Math.hypot(vr, vi)) < 1e-8, `bus ${b + 1}`);
  }
  assert.ok(Math.abs(r.lossKw - (refSub.lossPu + refMt.lossPu) * net.baseKva) < 1e-5);
  for (const b of byId(range(27, 33))) {
    assert.equal(r.energized[b], 0);
    assert.equal(r.vPu[b], 0);
    assert.equal(r.servedPKw[b], 0);
  }
  const darkLoad = range(27, 33).reduce((s, id) => s + net.buses[busIdx(id)].pKw, 0);
  assert.ok(Math.abs(r.unservedKw - darkLoad) < 1e-9);
  // MT 8 holds 1.0 pu and supplies island load + losses
  assert.ok(Math.abs(r.vPu[busIdx(8)] - 1) < 1e-12);
  const islandLoad = range(7, 18).reduce((s, id) => s + net.buses[busIdx(id)].pKw, 0);
  assert.ok(Math.abs(r.genPKw[mt8] - (islandLoad + refMt.lossPu * net.baseKva)) < 1e-4);
  // without islanding the MT island is dark too
  const dark = new PowerFlow(net).solve({ ...req, islanding: false });
  assert.equal(dark.energized[busIdx(12)], 0);
  assert.ok(Math.abs(dark.unservedKw - darkLoad - islandLoad) < 1e-9);
});

test('two-bus feeder solved by hand (closed-form receiving-end voltage)', () => {
  const dir = writeCase({
    buses: 'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n1,12.66,0,0,0.9,1.1,1\n2,12.66,1000,500,0.9,1.1,0\n',
    lines: 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,2,5,10,200,1,0\n',
  });
  const n2 = loadCase(dir);
  const zb = (12.66 * 12.66 * 1000) / 1000;
  const R = 5 / zb, X = 10 / zb, P = 1, Q = 0.5;
  const bq = 1 - 2 * (P * R + Q * X);
  const v2sq = (bq + Math.sqrt(bq * bq - 4 * (P * P + Q * Q) * (R * R + X * X))) / 2;
  const lossKw = ((R * (P * P + Q * Q)) / v2sq) * 1000;
  const currentA = (Math.sqrt(P * P + Q * Q) / Math.sqrt(v2sq)) * (1000 / (Math.sqrt(3) * 12.66));
  for (const method of ['sweep', 'newton'] as const) {
    const r = new PowerFlow(n2).solve(request(n2, []), { method });
    assert.ok(Math.abs(r.vPu[1] - Math.sqrt(v2sq)) < 1e-10, `${method} v2 ${r.vPu[1]} vs ${Math.sqrt(v2sq)}`);
    assert.ok(Math.abs(r.lossKw - lossKw) < 1e-6);
    assert.ok(Math.abs(r.linePKw[0] - (1000 + lossKw)) < 1e-6);
    assert.ok(Math.abs(r.lineCurrentA[0] - currentA) < 1e-6);
    assert.ok(Math.abs(r.lineLoadingPct[0] - (100 * currentA) / 200) < 1e-6);
  }
});

test('non-convergence is a status, not an exception', () => {
  const req = nominal(TIES);
  for (let i = 0; i < req.loadPKw.length; i++) { req.loadPKw[i] *= 8; req.loadQKvar[i] *= 8; }
  for (const method of ['sweep', 'newton'] as const) {
    const r = new PowerFlow(net).solve(req, { method });
    assert.equal(r.converged, false, method);
    assert.ok(['max-iterations', 'diverged'].includes(r.islands[0].status));
  }
});

test('a PowerFlow object reuses its result; cloneResult keeps a copy', () => {
  const pf = new PowerFlow(net);
  const a = pf.solve(nominal(TIES));
  const kept = cloneResult(a);
  const b = pf.solve(nominal([]));
  assert.equal(a, b);
  assert.ok(Math.abs(kept.lossKw - 202.677) < 0.001);
  assert.ok(Math.abs(b.lossKw - 123.29) < 0.01);
});
