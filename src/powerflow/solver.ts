/**
 * Balanced AC power flow (single-phase equivalent, per unit) on any feeder:
 *  - islands found from the sources (substations; in restoration mode, grid-forming MTs that are on);
 *  - radial islands: backward/forward current sweep (the fast path);
 *  - meshed islands (or method 'newton'): Newton-Raphson in polar form, dense Jacobian ordered
 *    leaves-first and factorised with a zero-skipping LU;
 *  - de-energized buses reported with vPu 0 and no served load.
 * Non-convergence is a status in the result, never an exception.
 *
 * A PowerFlow object owns its work arrays and its result: `solve` overwrites the previous result
 * (copy it with `cloneResult` to keep it). Nothing is allocated per iteration.
 */
import { Network, zBaseOhm } from '../grid/network';
import { adjacency } from '../topology/graph';
import { luFactor, luSolve } from './dense-lu';
import {
  IslandResult, LINE_CLOSED, LINE_DEENERGIZED, LINE_FAULTED, LINE_OPEN, PfOptions, PfRequest, PfResult,
} from './types';

const RAD2DEG = 180 / Math.PI;

export class PowerFlow {
  readonly net: Network;
  private readonly n: number;
  private readonly nl: number;
  // per bus
  private readonly vRe: Float64Array;
  private readonly vIm: Float64Array;
  private readonly sRe: Float64Array; // net load (load - generation), pu
  private readonly sIm: Float64Array;
  private readonly jRe: Float64Array; // current from parent into bus subtree, pu
  private readonly jIm: Float64Array;
  private readonly islandOf: Int32Array;
  private readonly parBus: Int32Array;
  private readonly parLine: Int32Array;
  private readonly order: Int32Array; // buses of all islands, each island contiguous, BFS order
  private readonly pos: Int32Array; // Newton: unknown position of a bus, -1 for fixed
  private readonly fixed: Uint8Array;
  // per line
  private readonly lineOut: Uint8Array;
  private readonly yG: Float64Array; // series admittance, pu
  private readonly yB: Float64Array;
  private readonly zR: Float64Array; // series impedance, pu
  private readonly zX: Float64Array;
  private readonly iBaseA: Float64Array; // per bus base current, A
  // Newton work arrays, grown on demand
  private jac = new Float64Array(0);
  private rhs = new Float64Array(0);
  private tmp = new Float64Array(0);
  private perm = new Int32Array(0);
  private diagG: Float64Array;
  private diagB: Float64Array;
  private readonly result: PfResult;

  constructor(net: Network) {
    this.net = net;
    const n = (this.n = net.buses.length);
    const nl = (this.nl = net.lines.length);
    this.vRe = new Float64Array(n);
    this.vIm = new Float64Array(n);
    this.sRe = new Float64Array(n);
    this.sIm = new Float64Array(n);
    this.jRe = new Float64Array(n);
    this.jIm = new Float64Array(n);
    this.islandOf = new Int32Array(n);
    this.parBus = new Int32Array(n);
    this.parLine = new Int32Array(n);
    this.order = new Int32Array(n);
    this.pos = new Int32Array(n);
    this.fixed = new Uint8Array(n);
    this.diagG = new Float64Array(n);
    this.diagB = new Float64Array(n);
    this.lineOut = new Uint8Array(nl);
    this.yG = new Float64Array(nl);
    this.yB = new Float64Array(nl);
    this.zR = new Float64Array(nl);
    this.zX = new Float64Array(nl);
    this.iBaseA = new Float64Array(n);
    net.buses.forEach((b, i) => {
      this.iBaseA[i] = net.baseKva / (Math.sqrt(3) * b.baseKv);
    });
    net.lines.forEach((l, i) => {
      const zb = zBaseOhm(net, l.from);
      const r = l.rOhm / zb;
      const x = l.xOhm / zb;
      this.zR[i] = r;
      this.zX[i] = x;
      const d = r * r + x * x;
      this.yG[i] = r / d;
      this.yB[i] = -x / d;
    });
    const ng = net.generators.length;
    this.result = {
      converged: true, iterations: 0, mismatchPu: 0,
      vPu: new Float64Array(n), angleDeg: new Float64Array(n), energized: new Uint8Array(n),
      servedPKw: new Float64Array(n), servedQKvar: new Float64Array(n),
      linePKw: new Float64Array(nl), lineQKvar: new Float64Array(nl), lineCurrentA: new Float64Array(nl),
      lineLoadingPct: new Float64Array(nl), lineLossKw: new Float64Array(nl), lineLossKvar: new Float64Array(nl),
      lineStatus: new Uint8Array(nl), genPKw: new Float64Array(ng), genQKvar: new Float64Array(ng),
      substationPKw: new Float64Array(net.substations.length), substationQKvar: new Float64Array(net.substations.length),
      lossKw: 0, lossKvar: 0, loadKw: 0, servedKw: 0, unservedKw: 0, vMinPu: 0, vMinBus: -1, vMaxPu: 0, vMaxBus: -1,
      islands: [],
    };
  }

  solve(req: PfRequest, opts: PfOptions = {}): PfResult {
    const method = opts.method ?? 'auto';
    const tol = opts.tolPu ?? 1e-9;
    const maxIter = opts.maxIter ?? 0; // 0: per method default (sweep 100, Newton 30)
    const { net, n, nl, lineOut, islandOf, order, parBus, parLine } = this;
    const res = this.result;
    const base = net.baseKva;
    for (let l = 0; l < nl; l++) lineOut[l] = req.lineOpen[l] || req.lineFaulted[l] ? 1 : 0;

    // net load per bus, pu; generators that are on inject at their set-points
    for (let i = 0; i < n; i++) {
      this.sRe[i] = req.loadPKw[i] / base;
      this.sIm[i] = req.loadQKvar[i] / base;
    }
    const gens = net.generators;
    for (let g = 0; g < gens.length; g++) {
      if (!req.genOn[g]) continue;
      this.sRe[gens[g].bus] -= req.genPKw[g] / base;
      this.sIm[gens[g].bus] -= req.genQKvar[g] / base;
    }

    // islands: breadth-first from each source, substations first, then grid-forming MTs
    islandOf.fill(-1);
    const islandsOut: IslandResult[] = [];
    let head = 0;
    const adj = adjacency(net);
    const grow = (root: number, id: number): number => {
      const startPos = head;
      order[head++] = root;
      islandOf[root] = id;
      parBus[root] = -1;
      parLine[root] = -1;
      for (let h = startPos; h < head; h++) {
        const u = order[h];
        for (let k = adj.start[u]; k < adj.start[u + 1]; k++) {
          const li = adj.line[k];
          if (lineOut[li]) continue;
          const v = adj.bus[k];
          if (islandOf[v] < 0) {
            islandOf[v] = id;
            parBus[v] = u;
            parLine[v] = li;
            order[head++] = v;
          }
        }
      }
      return startPos;
    };
    const starts: number[] = [];
    for (const s of net.substations) {
      if (islandOf[s] >= 0) continue; // a second substation in the same island: a fixed bus (Newton)
      starts.push(grow(s, islandsOut.length));
      islandsOut.push(newIsland(s, 'substation', -1));
    }
    if (req.islanding) {
      for (let g = 0; g < gens.length; g++) {
        const gen = gens[g];
        if (!gen.gridForming || !req.genOn[g] || (req.gridForming && !req.gridForming[g]) || islandOf[gen.bus] >= 0) continue;
        starts.push(grow(gen.bus, islandsOut.length));
        islandsOut.push(newIsland(gen.bus, 'MT', g));
      }
    }
    const energizedCount = islandsOut.length;
    for (let i = 0; i < n; i++) {
      if (islandOf[i] >= 0) continue;
      starts.push(grow(i, islandsOut.length));
      islandsOut.push(newIsland(-1, 'none', -1));
    }
    starts.push(n);
    const lineCount = new Int32Array(islandsOut.length);
    for (let l = 0; l < nl; l++) if (!lineOut[l]) lineCount[islandOf[net.lines[l].from]]++;

    // solve each energized island
    res.converged = true;
    res.iterations = 0;
    res.mismatchPu = 0;
    for (let k = 0; k < islandsOut.length; k++) {
      const isl = islandsOut[k];
      const a = starts[k];
      const b = starts[k + 1];
      isl.buses = Array.from(order.subarray(a, b));
      isl.radial = lineCount[k] === b - a - 1;
      for (let h = a; h < b; h++) {
        const i = order[h];
        this.vRe[i] = k < energizedCount ? 1 : 0;
        this.vIm[i] = 0;
      }
      if (k >= energizedCount) {
        isl.status = 'dark';
        continue;
      }
      let extraSubs = 0;
      for (const s of net.substations) if (islandOf[s] === k && s !== isl.sourceBus) extraSubs++;
      if (isl.radial && extraSubs === 0 && method !== 'newton') {
        isl.method = 'sweep';
        this.sweep(a, b, tol, maxIter || 100, isl);
      } else {
        isl.method = 'newton';
        this.newton(a, b, k, tol, maxIter || 30, isl);
      }
      if (isl.status !== 'converged') res.converged = false;
      if (isl.iterations > res.iterations) res.iterations = isl.iterations;
      if (isl.mismatchPu > res.mismatchPu) res.mismatchPu = isl.mismatchPu;
    }
    res.islands = islandsOut;
    this.fillResults(req, energizedCount);
    return res;
  }

  /** Backward pass of the sweep: branch currents J = sum of conj(S / V) below each bus (order[a] the slack). */
  private backward(a: number, b: number): void {
    const { order, parBus, vRe, vIm, sRe, sIm, jRe, jIm } = this;
    for (let h = a; h < b; h++) {
      jRe[order[h]] = 0;
      jIm[order[h]] = 0;
    }
    for (let h = b - 1; h > a; h--) {
      const i = order[h];
      const vr = vRe[i];
      const vi = vIm[i];
      const m2 = vr * vr + vi * vi;
      jRe[i] += (sRe[i] * vr + sIm[i] * vi) / m2;
      jIm[i] += (sRe[i] * vi - sIm[i] * vr) / m2;
      const p = parBus[i];
      if (p !== order[a]) {
        jRe[p] += jRe[i];
        jIm[p] += jIm[i];
      }
    }
  }

  /** Backward/forward sweep on a radial island whose buses are order[a..b) with order[a] the slack. */
  private sweep(a: number, b: number, tol: number, maxIter: number, isl: IslandResult): void {
    const { order, parBus, parLine, vRe, vIm, jRe, jIm, zR, zX } = this;
    let it = 0;
    let delta = Infinity;
    while (it < maxIter) {
      it++;
      this.backward(a, b);
      // forward: V = V_parent - Z I
      delta = 0;
      for (let h = a + 1; h < b; h++) {
        const i = order[h];
        const p = parBus[i];
        const l = parLine[i];
        const nr = vRe[p] - (zR[l] * jRe[i] - zX[l] * jIm[i]);
        const ni = vIm[p] - (zR[l] * jIm[i] + zX[l] * jRe[i]);
        const d = Math.abs(nr - vRe[i]) + Math.abs(ni - vIm[i]);
        if (d > delta) delta = d;
        vRe[i] = nr;
        vIm[i] = ni;
      }
      if (!(delta < 1e6) || delta !== delta) break;
      if (delta < tol) break;
    }
    // final branch currents consistent with the final voltages
    this.backward(a, b);
    isl.iterations = it;
    isl.mismatchPu = delta;
    isl.status = delta < tol ? 'converged' : delta === delta && delta < 1e6 ? 'max-iterations' : 'diverged';
    if (isl.status === 'converged') {
      for (let h = a + 1; h < b; h++) {
        const i = order[h];
        const m = vRe[i] * vRe[i] + vIm[i] * vIm[i];
        if (!(m > 0.01)) { isl.status = 'diverged'; break; }
      }
    }
  }

  /** Newton-Raphson (polar) on island k with buses order[a..b). */
  private newton(a: number, b: number, k: number, tol: number, maxIter: number, isl: IslandResult): void {
    const { net, order, islandOf, pos, fixed, vRe, vIm, sRe, sIm, lineOut, yG, yB, diagG, diagB } = this;
    // fixed buses: the slack and any other substation in the island; unknowns leaves-first
    for (let h = a; h < b; h++) fixed[order[h]] = 0;
    fixed[order[a]] = 1;
    for (const s of net.substations) if (islandOf[s] === k) fixed[s] = 1;
    let m = 0;
    for (let h = b - 1; h >= a; h--) {
      const i = order[h];
      pos[i] = fixed[i] ? -1 : m++;
    }
    const dim = 2 * m;
    if (this.jac.length < dim * dim) {
      this.jac = new Float64Array(dim * dim);
      this.rhs = new Float64Array(dim);
      this.tmp = new Float64Array(dim);
      this.perm = new Int32Array(dim);
    }
    const J = this.jac;
    const F = this.rhs;
    // diagonal admittances
    for (let h = a; h < b; h++) {
      diagG[order[h]] = 0;
      diagB[order[h]] = 0;
    }
    const lines = net.lines;
    for (let l = 0; l < lines.length; l++) {
      if (lineOut[l] || islandOf[lines[l].from] !== k) continue;
      diagG[lines[l].from] += yG[l];
      diagB[lines[l].from] += yB[l];
      diagG[lines[l].to] += yG[l];
      diagB[lines[l].to] += yB[l];
    }
    // state in polar form: vm, va stored in vRe (magnitude) / vIm (angle) during the iteration
    for (let h = a; h < b; h++) {
      vRe[order[h]] = 1;
      vIm[order[h]] = 0;
    }
    const pCalc = this.jRe; // reuse as P and Q accumulators
    const qCalc = this.jIm;
    let it = 0;
    let worst = Infinity;
    let ok = true;
    for (;;) {
      // injections P_i + jQ_i = V_i conj(sum_k Y_ik V_k)
      for (let h = a; h < b; h++) {
        const i = order[h];
        const v2 = vRe[i] * vRe[i];
        pCalc[i] = diagG[i] * v2;
        qCalc[i] = -diagB[i] * v2;
      }
      for (let l = 0; l < lines.length; l++) {
        if (lineOut[l] || islandOf[lines[l].from] !== k) continue;
        const f = lines[l].from;
        const t = lines[l].to;
        const g = -yG[l];
        const bb = -yB[l];
        const vv = vRe[f] * vRe[t];
        const th = vIm[f] - vIm[t];
        const c = Math.cos(th);
        const s = Math.sin(th);
        pCalc[f] += vv * (g * c + bb * s);
        qCalc[f] += vv * (g * s - bb * c);
        pCalc[t] += vv * (g * c - bb * s);
        qCalc[t] += vv * (-g * s - bb * c);
      }
      worst = 0;
      for (let h = a; h < b; h++) {
        const i = order[h];
        const p = pos[i];
        if (p < 0) continue;
        const dp = -sRe[i] - pCalc[i];
        const dq = -sIm[i] - qCalc[i];
        F[2 * p] = dp;
        F[2 * p + 1] = dq;
        const w = Math.max(Math.abs(dp), Math.abs(dq));
        if (w > worst || w !== w) worst = w;
      }
      if (worst < tol) break;
      if (it >= maxIter || worst !== worst || worst > 1e6) { ok = false; break; }
      it++;
      // Jacobian, rows (P, Q) x columns (theta, |V|) per unknown bus
      J.fill(0, 0, dim * dim);
      for (let h = a; h < b; h++) {
        const i = order[h];
        const p = pos[i];
        if (p < 0) continue;
        const vi = vRe[i];
        const r0 = 2 * p * dim;
        const r1 = r0 + dim;
        J[r0 + 2 * p] = -qCalc[i] - diagB[i] * vi * vi;
        J[r0 + 2 * p + 1] = pCalc[i] / vi + diagG[i] * vi;
        J[r1 + 2 * p] = pCalc[i] - diagG[i] * vi * vi;
        J[r1 + 2 * p + 1] = qCalc[i] / vi - diagB[i] * vi;
      }
      for (let l = 0; l < lines.length; l++) {
        if (lineOut[l] || islandOf[lines[l].from] !== k) continue;
        const f = lines[l].from;
        const t = lines[l].to;
        const g = -yG[l];
        const bb = -yB[l];
        for (let dir = 0; dir < 2; dir++) {
          const i = dir === 0 ? f : t;
          const j = dir === 0 ? t : f;
          const pi = pos[i];
          const pj = pos[j];
          if (pi < 0 || pj < 0) continue;
          const th = vIm[i] - vIm[j];
          const c = Math.cos(th);
          const s = Math.sin(th);
          const vi = vRe[i];
          const vj = vRe[j];
          const gs_bc = g * s - bb * c;
          const gc_bs = g * c + bb * s;
          const r0 = 2 * pi * dim;
          const r1 = r0 + dim;
          J[r0 + 2 * pj] += vi * vj * gs_bc;
          J[r0 + 2 * pj + 1] += vi * gc_bs;
          J[r1 + 2 * pj] += -vi * vj * gc_bs;
          J[r1 + 2 * pj + 1] += vi * gs_bc;
        }
      }
      if (!luFactor(J, dim, this.perm)) { ok = false; break; }
      luSolve(J, dim, this.perm, F, this.tmp);
      for (let h = a; h < b; h++) {
        const i = order[h];
        const p = pos[i];
        if (p < 0) continue;
        vIm[i] += F[2 * p];
        vRe[i] += F[2 * p + 1];
      }
    }
    // back to rectangular
    for (let h = a; h < b; h++) {
      const i = order[h];
      const vm = vRe[i];
      const va = vIm[i];
      vRe[i] = vm * Math.cos(va);
      vIm[i] = vm * Math.sin(va);
    }
    isl.iterations = it;
    isl.mismatchPu = worst;
    isl.status = ok && worst < tol ? 'converged' : worst === worst && worst < 1e6 && ok ? 'max-iterations' : 'diverged';
  }

  private fillResults(req: PfRequest, energizedCount: number): void {
    const { net, n, nl, lineOut, vRe, vIm, zR, zX, islandOf, iBaseA } = this;
    const res = this.result;
    const base = net.baseKva;
    let served = 0;
    let total = 0;
    res.vMinPu = Infinity;
    res.vMaxPu = -Infinity;
    res.vMinBus = -1;
    res.vMaxBus = -1;
    for (let i = 0; i < n; i++) {
      const on = islandOf[i] < energizedCount;
      res.energized[i] = on ? 1 : 0;
      total += req.loadPKw[i];
      if (on) {
        const vm = Math.sqrt(vRe[i] * vRe[i] + vIm[i] * vIm[i]);
        res.vPu[i] = vm;
        res.angleDeg[i] = Math.atan2(vIm[i], vRe[i]) * RAD2DEG;
        res.servedPKw[i] = req.loadPKw[i];
        res.servedQKvar[i] = req.loadQKvar[i];
        served += req.loadPKw[i];
        if (vm < res.vMinPu) { res.vMinPu = vm; res.vMinBus = i; }
        if (vm > res.vMaxPu) { res.vMaxPu = vm; res.vMaxBus = i; }
      } else {
        res.vPu[i] = 0;
        res.angleDeg[i] = 0;
        res.servedPKw[i] = 0;
        res.servedQKvar[i] = 0;
      }
    }
    if (res.vMinBus < 0) { res.vMinPu = 0; res.vMaxPu = 0; }
    res.loadKw = total;
    res.servedKw = served;
    res.unservedKw = total - served;

    // line flows from the voltages: I = (Vf - Vt) / Z, S_from = Vf conj(I)
    let lossP = 0;
    let lossQ = 0;
    // bus injections of the sources are accumulated from the line flows
    const injP = this.jRe;
    const injQ = this.jIm;
    for (let i = 0; i < n; i++) { injP[i] = 0; injQ[i] = 0; }
    for (let l = 0; l < nl; l++) {
      const line = net.lines[l];
      const f = line.from;
      const t = line.to;
      let status = LINE_CLOSED;
      if (req.lineFaulted[l]) status = LINE_FAULTED;
      else if (req.lineOpen[l]) status = LINE_OPEN;
      else if (!res.energized[f]) status = LINE_DEENERGIZED;
      res.lineStatus[l] = status;
      if (lineOut[l] || status === LINE_DEENERGIZED) {
        res.linePKw[l] = 0; res.lineQKvar[l] = 0; res.lineCurrentA[l] = 0;
        res.lineLoadingPct[l] = 0; res.lineLossKw[l] = 0; res.lineLossKvar[l] = 0;
        continue;
      }
      const dr = vRe[f] - vRe[t];
      const di = vIm[f] - vIm[t];
      const r = zR[l];
      const x = zX[l];
      const d = r * r + x * x;
      const ir = (dr * r + di * x) / d;
      const ii = (di * r - dr * x) / d;
      const pf = vRe[f] * ir + vIm[f] * ii;
      const qf = vIm[f] * ir - vRe[f] * ii;
      const i2 = ir * ir + ii * ii;
      const lp = i2 * r;
      const lq = i2 * x;
      injP[f] += pf;
      injQ[f] += qf;
      injP[t] -= pf - lp;
      injQ[t] -= qf - lq;
      res.linePKw[l] = pf * base;
      res.lineQKvar[l] = qf * base;
      res.lineCurrentA[l] = Math.sqrt(i2) * iBaseA[f];
      res.lineLoadingPct[l] = (100 * res.lineCurrentA[l]) / line.ampacityA;
      res.lineLossKw[l] = lp * base;
      res.lineLossKvar[l] = lq * base;
      lossP += lp;
      lossQ += lq;
    }
    res.lossKw = lossP * base;
    res.lossKvar = lossQ * base;

    // generator outputs: set-points, except a slack MT which supplies its island's balance
    const gens = net.generators;
    for (let g = 0; g < gens.length; g++) {
      const on = req.genOn[g] && res.energized[gens[g].bus];
      res.genPKw[g] = on ? req.genPKw[g] : 0;
      res.genQKvar[g] = on ? req.genQKvar[g] : 0;
    }
    for (const isl of res.islands) {
      if (isl.sourceKind !== 'MT') continue;
      const g = isl.sourceGen;
      const bus = isl.sourceBus;
      // P_gen = line flows out + load - other generation at the bus
      let otherP = 0;
      let otherQ = 0;
      for (let h = 0; h < gens.length; h++) {
        if (h !== g && gens[h].bus === bus && req.genOn[h]) { otherP += req.genPKw[h]; otherQ += req.genQKvar[h]; }
      }
      res.genPKw[g] = injP[bus] * base + req.loadPKw[bus] - otherP;
      res.genQKvar[g] = injQ[bus] * base + req.loadQKvar[bus] - otherQ;
    }
    net.substations.forEach((s, k) => {
      if (!res.energized[s]) { res.substationPKw[k] = 0; res.substationQKvar[k] = 0; return; }
      let genP = 0;
      let genQ = 0;
      for (let g = 0; g < gens.length; g++) if (gens[g].bus === s && req.genOn[g]) { genP += req.genPKw[g]; genQ += req.genQKvar[g]; }
      res.substationPKw[k] = injP[s] * base + req.loadPKw[s] - genP;
      res.substationQKvar[k] = injQ[s] * base + req.loadQKvar[s] - genQ;
    });
  }
}

function newIsland(sourceBus: number, sourceKind: IslandResult['sourceKind'], sourceGen: number): IslandResult {
  return { buses: [], sourceBus, sourceKind, sourceGen, radial: true, method: 'none', iterations: 0, mismatchPu: 0, status: 'dark' };
}

/** A deep copy of a result, to keep it past the next solve. */
export function cloneResult(r: PfResult): PfResult {
  return {
    ...r,
    vPu: r.vPu.slice(), angleDeg: r.angleDeg.slice(), energized: r.energized.slice(),
    servedPKw: r.servedPKw.slice(), servedQKvar: r.servedQKvar.slice(), linePKw: r.linePKw.slice(),
    lineQKvar: r.lineQKvar.slice(), lineCurrentA: r.lineCurrentA.slice(), lineLoadingPct: r.lineLoadingPct.slice(),
    lineLossKw: r.lineLossKw.slice(), lineLossKvar: r.lineLossKvar.slice(), lineStatus: r.lineStatus.slice(),
    genPKw: r.genPKw.slice(), genQKvar: r.genQKvar.slice(), substationPKw: r.substationPKw.slice(),
    substationQKvar: r.substationQKvar.slice(), islands: r.islands.map((i) => ({ ...i, buses: i.buses.slice() })),
  };
}
