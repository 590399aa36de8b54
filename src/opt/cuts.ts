/**
 * The outer-approximation cuts of the cones l v_f >= p^2 + q^2 (src/opt/formulation.ts), in one
 * room: where they come from (a model point that breaks the cones: violatedCuts; the AC flows of
 * a topology: acCuts; before the first step: addSeedCuts), how they enter a model (appendCuts,
 * which numbers the rows as it appends them and records the perspective rows, whose sw
 * coefficient applyStep sets per step), and how they leave it between steps (pruneCuts).
 */
import { normallyOpenLines } from '../grid/network';
import { mtIndices } from '../grid/action';
import { Snapshot } from '../grid/series';
import { ActionEvaluator } from '../powerflow/evaluate';
import { PfResult } from '../powerflow/types';
import { Formulation, ModelEditor, vBand } from './formulation';
import { LinearModel } from './lp-model';
import { RowSpec } from './solver';

/** A cut row; `perspectiveOf`: the line of a perspective row (its sw coefficient is the step's vhi^2). */
export interface CutRow extends RowSpec { perspectiveOf?: number }

/** What rows are appended to: the solver's model, or the LinearModel before a solver has it (lpSink). */
export interface RowSink { addRows(rows: RowSpec[]): void }

export function lpSink(lp: LinearModel): RowSink {
  return { addRows: (rows) => { for (const r of rows) lp.addRow(r.name, r.idx, r.val, r.lo, r.hi); } };
}

/** Append cut rows to `sink` (whose mirror is F.lp), recording where the perspective rows land. */
export function appendCuts(F: Formulation, sink: RowSink, rows: CutRow[]): void {
  const first = F.lp.numRows;
  rows.forEach((r, k) => { if (r.perspectiveOf !== undefined) F.persp.push({ row: first + k, l: r.perspectiveOf }); });
  sink.addRows(rows);
}

/** line flows and bus voltages of an AC power-flow solution */
export interface AcFlow { pKw: Float64Array; qKvar: Float64Array; vPu: Float64Array }

/** Cone violations are relative to max(p^2 + q^2, FLOOR): below 1 kVA (at 1 MVA base) flows are judged in absolute terms. */
export const VIOLATION_FLOOR_PU2 = 1e-6;

/** relative distance within which a flow point counts as already cut (tangent error ~ its square) */
const NEAR_FLOW = 0.05;

/**
 * Tangent cuts of l v_f >= p^2 + q^2 at (p0, q0, v0), normalized by c = (p0^2 + q0^2) / v0^2 so
 * that a row's feasibility tolerance is relative to the flow. With a = p0/v0, b = q0/v0 and any
 * y > 0 with l y >= p^2 + q^2:  l >= 2a p + 2b q - c y  (since (p - a y)^2 + (q - b y)^2 >= 0).
 *  - y = v_f - vlo^2 (1 - sw): equals v_f on a closed line (the exact cone), and is >= 0 on an open
 *    one, where p = q = 0; on a fractional switch it is smaller than v_f, so the cut is stronger;
 *  - y = vhi^2 sw (the perspective of the cone, when tightening.perspective): v_f <= vhi^2.
 * For 'lindistflow' (approximate) y = 1. `perspective`: add the perspective row too (seed and AC-flow cuts).
 */
export function cutRows(F: Formulation, l: number, p0: number, q0: number, v0: number, perspective = false): CutRow[] {
  const L = F.L;
  const a = p0 / v0;
  const b = q0 / v0;
  const c = a * a + b * b;
  const f = F.net.lines[l].from;
  const base = [L.ell[l], L.p[l], L.q[l]];
  const bv = [1 / c, (-2 * a) / c, (-2 * b) / c];
  if (F.opts.branch !== 'soc') return [{ name: `cut_${++F.cutCount}`, idx: base, val: bv, lo: -1, hi: Infinity }];
  const vlo = vBand(F.net.buses[f], F.opts.voltage)[0];
  const vhi = F.vHiStep[f];
  const rows: CutRow[] = [{ name: `cut_${++F.cutCount}`, idx: [...base, L.v[f], L.sw[l]], val: [...bv, 1, vlo * vlo], lo: vlo * vlo, hi: Infinity }];
  if (F.opts.tightening.perspective && perspective) {
    rows.push({ name: `cut_${++F.cutCount}`, idx: [...base, L.sw[l]], val: [...bv, vhi * vhi], lo: 0, hi: Infinity, perspectiveOf: l });
  }
  return rows;
}

/** The perspective cut alone, at (p0, q0) taken as the flow of the fully closed line (v0 = vhi^2). */
export function perspectiveRow(F: Formulation, l: number, p0: number, q0: number, vh2: number): CutRow[] {
  const L = F.L;
  const a = p0 / vh2;
  const b = q0 / vh2;
  const c = a * a + b * b;
  return [{ name: `cut_${++F.cutCount}`, idx: [L.ell[l], L.p[l], L.q[l], L.sw[l]], val: [1 / c, (-2 * a) / c, (-2 * b) / c, vh2], lo: 0, hi: Infinity,
    perspectiveOf: l }];
}

/**
 * Tangent cuts (with their perspective rows) at the AC flows of an evaluated topology: exact
 * points of the cones. With `seen` (per line, the (p/v, q/v) of the points already cut, flattened),
 * lines whose flow lies within NEAR_FLOW of such a point are skipped.
 */
export function acCuts(F: Formulation, pf: AcFlow, seen: number[][] | null): CutRow[] {
  const net = F.net;
  const rows: CutRow[] = [];
  for (let l = 0; l < net.lines.length; l++) {
    const p = pf.pKw[l] / net.baseKva;
    const q = pf.qKvar[l] / net.baseKva;
    const s2 = p * p + q * q;
    if (s2 < 1e-10) continue;
    const vf = pf.vPu[net.lines[l].from];
    const v0 = vf * vf;
    const a = p / v0;
    const b = q / v0;
    if (seen) {
      const pts = seen[l];
      let near = false;
      for (let k = 0; k < pts.length && !near; k += 2) {
        const da = pts[k] - a;
        const db = pts[k + 1] - b;
        if (da * da + db * db <= NEAR_FLOW * NEAR_FLOW * (a * a + b * b)) near = true;
      }
      if (near) continue;
      pts.push(a, b);
    }
    rows.push(...cutRows(F, l, p, q, v0, true));
  }
  return rows;
}

/**
 * Cuts for every line whose cone is violated by more than tol (relative). With `fractional`
 * (LP relaxation) the perspective cone l vhi^2 sw >= p^2 + q^2 is also separated, at (p, q) / sw.
 */
export function violatedCuts(F: Formulation, x: ArrayLike<number>, tol: number, fractional = false): { rows: CutRow[]; maxViol: number } {
  const L = F.L;
  const rows: CutRow[] = [];
  let maxViol = 0;
  for (let l = 0; l < F.net.lines.length; l++) {
    const p = x[L.p[l]];
    const q = x[L.q[l]];
    const s2 = p * p + q * q;
    if (s2 < 1e-14) continue;
    const f = F.net.lines[l].from;
    const v = F.opts.branch === 'soc' ? x[L.v[f]] : 1;
    const viol = (s2 - x[L.ell[l]] * v) / Math.max(s2, VIOLATION_FLOOR_PU2);
    if (viol > maxViol) maxViol = viol;
    if (fractional && F.opts.tightening.perspective) {
      const z = Math.max(x[L.sw[l]], 1e-6);
      const vh2 = F.vHiStep[f] ** 2;
      const pv = (s2 - x[L.ell[l]] * vh2 * z) / Math.max(s2, VIOLATION_FLOOR_PU2);
      if (pv > tol) { rows.push(...perspectiveRow(F, l, p / z, q / z, vh2)); continue; }
    }
    if (viol > tol) rows.push(...cutRows(F, l, p, q, v));
  }
  return { rows, maxViol };
}

/**
 * Seed cuts: tangent planes at the AC flows of the meshed network (all lines closed) and of the
 * normal topology, at this snapshot's loads; 'lindistflow' also gets a fixed fan of planes.
 */
export function addSeedCuts(F: Formulation, evaluator: ActionEvaluator, snap: Snapshot): void {
  const net = F.net;
  const nb = net.buses.length;
  const nl = net.lines.length;
  const M = mtIndices(net).length;
  const sink = lpSink(F.lp);
  // MTs off, PV/WT off (the flows of the load alone), all load on, no faults
  const noGen: Snapshot = { ...snap, genPKw: new Float64Array(net.generators.length), genQKvar: new Float64Array(net.generators.length) };
  const mk = (open: Uint8Array): PfResult => evaluator.evaluate(noGen, {
    lineOpen: open, mtPKw: new Float64Array(M), mtQKvar: new Float64Array(M), pickup: new Float64Array(nb).fill(1), gridForming: new Uint8Array(M),
  }, { faulted: new Uint8Array(nl), prevOpen: null, islanding: false, weights: F.opts.weights }).pf;
  const normal = new Uint8Array(nl);
  for (const l of normallyOpenLines(net)) normal[l] = 1;
  for (const open of [new Uint8Array(nl), normal]) {
    const r = mk(open);
    if (!r.converged) continue;
    appendCuts(F, sink, acCuts(F, { pKw: r.linePKw, qKvar: r.lineQKvar, vPu: r.vPu }, null));
  }
  if (F.opts.branch === 'lindistflow') {
    let loadP = 0;
    for (let i = 0; i < nb; i++) loadP += snap.loadPKw[i];
    const top = Math.max(loadP, 1) / net.baseKva;
    for (let l = 0; l < nl; l++) {
      for (let rad = top; rad > top / 20; rad /= 2) {
        for (let k = 0; k < 8; k++) {
          const th = (2 * Math.PI * k) / 8;
          appendCuts(F, sink, cutRows(F, l, rad * Math.cos(th), rad * Math.sin(th), 1));
        }
      }
    }
  }
}

/**
 * Drop cut rows that are slack (relative slack > keepSlack) at every given point; seed cuts
 * (cut rows created before the first step) are kept. Returns the number dropped.
 */
export function pruneCuts(F: Formulation, ed: ModelEditor & { deleteRows(rows: number[]): Int32Array }, points: ArrayLike<number>[],
  keepSlack: number): number {
  const lp = F.lp;
  const drop: number[] = [];
  for (let r = F.firstPrunable; r < lp.numRows; r++) {
    if (!lp.rowName[r].startsWith('cut_')) continue;
    let minSlack = Infinity;
    for (const x of points) minSlack = Math.min(minSlack, lp.rowActivity(r, x) - lp.rowLower[r]);
    if (minSlack > keepSlack) drop.push(r);
  }
  if (!drop.length) return 0;
  const map = ed.deleteRows(drop);
  F.persp = F.persp.filter((p) => map[p.row] >= 0).map((p) => ({ row: map[p.row], l: p.l }));
  return drop.length;
}
