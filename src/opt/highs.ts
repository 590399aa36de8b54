/**
 * The only module that imports `highs` (WebAssembly HiGHS). It offers:
 *  - `loadHighs()`: one runtime per process (loading costs ~0.1 s; solver calls are synchronous);
 *  - `SyncedMip`: a persistent HiGHS model kept in step with a JS mirror (`LinearModel`), so that
 *    bounds, costs, coefficients and added rows (cuts) change both, and the mirror can be
 *    written as the .lp file of exactly the model HiGHS solved;
 *  - `solveLpText()`: solve a CPLEX-LP text alone (the contract check: the .lp file gives the same
 *    objective as inside the run).
 * Statuses are values, never exceptions: optimal, time-limit (with or without an incumbent),
 * infeasible, failed. The solver log is captured through the logging callback (HiGHS' own
 * `log_file` would write inside the WebAssembly file system).
 */
import loadHighsModule = require('highs');
import type { Highs, Model } from 'highs';
import { LinearModel } from './lp-model';
import { MipModel, MipOutcome, MipSettings, MipSolver, MipStatus, RowSpec, SolverWork } from './solver';

export type { MipStatus, MipOutcome, SolverWork, MipSettings, MipModel, MipSolver, RowSpec } from './solver';

let runtime: Promise<Highs> | null = null;

export function loadHighs(): Promise<Highs> {
  if (!runtime) runtime = (loadHighsModule as unknown as () => Promise<Highs>)();
  return runtime;
}

/** HiGHS as the expert's MipSolver (src/opt/solver.ts). */
export async function highsSolver(): Promise<MipSolver> {
  const h = await loadHighs();
  return { name: 'HiGHS', model: (lp, persistent) => new SyncedMip(h, lp, persistent) };
}

const STATUS_NAMES: Record<number, string> = {
  0: 'Not set', 1: 'Load error', 2: 'Model error', 3: 'Presolve error', 4: 'Solve error', 5: 'Postsolve error',
  6: 'Empty', 7: 'Optimal', 8: 'Infeasible', 9: 'Primal infeasible or unbounded', 10: 'Unbounded',
  11: 'Bound on objective reached', 12: 'Target for objective reached', 13: 'Time limit reached',
  14: 'Iteration limit reached', 15: 'Unknown', 16: 'Solution limit reached', 17: 'Interrupted',
};

function applySettings(m: Model, s: MipSettings): void {
  m.options.set({
    output_flag: true,
    log_to_console: false,
    time_limit: Math.max(1e-3, s.timeLimitS),
    mip_rel_gap: s.relGap,
    mip_abs_gap: 1e-9,
    primal_feasibility_tolerance: s.feasTol ?? 1e-9,
    mip_feasibility_tolerance: s.feasTol ?? 1e-9,
    presolve: s.presolve === false ? 'off' : 'choose',
    mip_heuristic_effort: s.heuristicEffort ?? 0.05,
    mip_heuristic_run_rins: s.heuristicEffort !== 0,
    mip_heuristic_run_rens: s.heuristicEffort !== 0,
    mip_heuristic_run_root_reduced_cost: s.heuristicEffort !== 0,
    mip_heuristic_run_feasibility_jump: s.heuristicEffort !== 0,
    mip_allow_cut_separation_at_nodes: s.nodeCuts !== false,
    // no restart after root reduced-cost fixing (HiGHS re-presolves and re-solves the root when
    // ~40 % of the binaries are fixed there, as on most steps here): MT day 141,563 -> 124,084 LP
    // iterations, 261 -> 234 nodes; restoration [1,2] [1,3] [2,18] [1,10] [7,33,35,36] 390 k -> 365 k
    mip_allow_restart: false,
    // pseudo-costs trusted after 2 strong-branching samples (HiGHS' default 8): strong branching
    // was 50-70 % of the LP iterations. MT day 124,084 -> 114,082 LP iterations (234 -> 515
    // nodes, CPU -8 %); restoration [1,2] [1,3] [2,18] [1,10] [7,33,35,36] 365 k -> 299 k (CPU
    // 45.3 -> 37.2 s); restoration day 290 k -> 235 k (CPU about equal). 4: 120 k / 346 k
    mip_pscost_minreliable: 2,
  });
}

function outcome(h: Highs, m: Model, code: number, t0: number, numCols: number): MipOutcome {
  const st = h.constants.modelStatus;
  let hasSolution = false;
  try {
    hasSolution = Number(m.info.get('primal_solution_status')) === 2;
  } catch {
    hasSolution = code === st.optimal;
  }
  let status: MipStatus;
  if (code === st.optimal) status = 'optimal';
  else if (code === st.infeasible || code === st.unboundedOrInfeasible) status = 'infeasible';
  else if (code === st.timeLimit || code === st.interrupted || code === st.solutionLimit || code === st.iterationLimit) status = 'time-limit';
  else status = 'failed';
  if (status === 'optimal' && !hasSolution) status = 'failed';
  const x = hasSolution ? Float64Array.from(m.getSolution().colValue) : new Float64Array(numCols);
  const num = (name: string): number => {
    try {
      return Number(m.info.get(name));
    } catch {
      return NaN;
    }
  };
  return {
    status,
    solverStatus: STATUS_NAMES[code] ?? `status ${code}`,
    hasSolution,
    objective: hasSolution ? m.getObjectiveValue() : NaN,
    bound: num('mip_dual_bound'),
    gap: num('mip_gap'),
    x,
    timeMs: performance.now() - t0,
    nodes: Math.max(0, num('mip_node_count')),
    lpIterations: NaN,
  };
}

/** The LP-iteration counts HiGHS reports in a log text, in order: one per run (the MIP solving
 * report's "LP iterations", or an LP's "Simplex iterations:"). */
export function lpIterationReports(logText: string): number[] {
  return [...logText.matchAll(/^\s*(?:LP iterations|Simplex\s+iterations:)\s+(\d+)\s*$/gm)].map((m) => Number(m[1]));
}

/** LP iterations of one run from its log text (its last report), NaN without one. */
export function lpIterationsOf(logText: string): number {
  const all = lpIterationReports(logText);
  return all.length ? all[all.length - 1] : NaN;
}

/** A persistent HiGHS model and its JS mirror, changed together. */
export class SyncedMip implements MipModel {
  readonly lp: LinearModel;
  private readonly h: Highs;
  private m: Model;
  private readonly persistent: boolean;
  private pendingStart: Float64Array | null = null;
  /** text of every HiGHS log line since the last takeLog() */
  private log: string[] = [];
  /** work of every run since the model was made */
  readonly work: SolverWork = { mipSolves: 0, lpSolves: 0, nodes: 0, lpIterations: 0 };
  /** the current run is runRelaxation's (integrality dropped) */
  private relaxing = false;

  constructor(h: Highs, lp: LinearModel, persistent = true) {
    this.h = h;
    this.lp = lp;
    this.persistent = persistent;
    const nnz = lp.rowIdx.length;
    this.m = h.createModel({
      numCols: lp.numCols,
      numRows: lp.numRows,
      colCost: lp.colCost,
      colLower: lp.colLower.map(inf(h)),
      colUpper: lp.colUpper.map(inf(h)),
      rowLower: lp.rowLower.map(inf(h)),
      rowUpper: lp.rowUpper.map(inf(h)),
      offset: lp.objOffset,
      matrix: { format: 'csr', numRows: lp.numRows, numCols: lp.numCols, starts: Int32Array.from(lp.rowStart),
        indices: Int32Array.from(lp.rowIdx.slice(0, nnz)), values: Float64Array.from(lp.rowVal) },
      integrality: Int32Array.from(lp.colInt.map((b) => (b ? 1 : 0))),
      colNames: lp.colName,
      rowNames: lp.rowName,
    });
  }

  setColBounds(j: number, lo: number, hi: number): void {
    if (this.lp.colLower[j] === lo && this.lp.colUpper[j] === hi) return;
    this.lp.colLower[j] = lo;
    this.lp.colUpper[j] = hi;
    if (this.persistent) this.m.changeColBounds(j, inf(this.h)(lo), inf(this.h)(hi));
  }

  setColCost(j: number, c: number): void {
    if (this.lp.colCost[j] === c) return;
    this.lp.colCost[j] = c;
    if (this.persistent) this.m.changeColCost(j, c);
  }

  setOffset(c: number): void {
    if (this.lp.objOffset === c) return;
    this.lp.objOffset = c;
    if (this.persistent) this.m.changeObjectiveOffset(c);
  }

  setRowBounds(r: number, lo: number, hi: number): void {
    if (this.lp.rowLower[r] === lo && this.lp.rowUpper[r] === hi) return;
    this.lp.rowLower[r] = lo;
    this.lp.rowUpper[r] = hi;
    if (this.persistent) this.m.changeRowBounds(r, inf(this.h)(lo), inf(this.h)(hi));
  }

  /** Change an existing non-zero of the mirror (the coefficient must exist in the row). */
  setCoef(r: number, j: number, v: number): void {
    const lp = this.lp;
    for (let k = lp.rowStart[r]; k < lp.rowStart[r + 1]; k++) {
      if (lp.rowIdx[k] === j) {
        if (lp.rowVal[k] === v) return;
        lp.rowVal[k] = v;
        if (this.persistent) this.m.changeCoefficient(r, j, v);
        return;
      }
    }
    throw new Error(`setCoef: no entry (${lp.rowName[r]}, ${lp.colName[j]})`);
  }

  /** Append rows (cuts) to both. */
  addRows(rows: RowSpec[]): void {
    if (!rows.length) return;
    if (!this.persistent) {
      for (const r of rows) this.lp.addRow(r.name, r.idx, r.val, r.lo, r.hi);
      return;
    }
    const starts: number[] = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    for (const r of rows) {
      const before = this.lp.rowIdx.length;
      this.lp.addRow(r.name, r.idx, r.val, r.lo, r.hi);
      for (let k = before; k < this.lp.rowIdx.length; k++) {
        indices.push(this.lp.rowIdx[k]);
        values.push(this.lp.rowVal[k]);
      }
      starts.push(indices.length);
      lower.push(inf(this.h)(r.lo));
      upper.push(inf(this.h)(r.hi));
    }
    const first = this.m.getDimensions().numRows;
    this.m.addRows({ lower: Float64Array.from(lower), upper: Float64Array.from(upper),
      matrix: { format: 'csr', numRows: rows.length, numCols: this.lp.numCols, starts: Int32Array.from(starts), indices: Int32Array.from(indices),
      values: Float64Array.from(values) } } as never);
    rows.forEach((r, k) => this.m.passRowName(first + k, r.name));
  }

  /** Delete rows from both (ascending indices); returns old -> new index. */
  deleteRows(rows: number[]): Int32Array {
    if (rows.length && this.persistent) this.m.deleteRows({ kind: 'set', indices: rows });
    return this.lp.deleteRows(rows);
  }

  /** Offer a MIP start (full column vector). */
  setStart(x: ArrayLike<number>): void {
    if (!this.persistent) { this.pendingStart = Float64Array.from(x as ArrayLike<number>); return; }
    this.m.setSolution({ colValue: Float64Array.from(x as ArrayLike<number>) });
  }

  run(settings: MipSettings): MipOutcome {
    if (!this.persistent) return this.runFromText(settings);
    applySettings(this.m, settings);
    // HiGHS' time_limit is checked against its run clock, which accumulates over every run of a
    // persistent model: zero it, or a later run (or step) starts already past its limit
    this.m.zeroAllClocks();
    const t0 = performance.now();
    const logs = this.log;
    const from = logs.length;
    const ct = this.h.constants.callbackType;
    const callbacks: Record<number, (e: never) => void> = { [ct.logging]: (e: { message: string }) => { logs.push(e.message); } };
    let interrupted = false;
    const stop = settings.stopAtBound;
    if (stop !== undefined && Number.isFinite(stop) && !this.relaxing) {
      callbacks[ct.mipInterrupt] = (e: { data: { mip_dual_bound?: number }; interrupt(): void }) => {
        const b = e.data.mip_dual_bound;
        if (b !== undefined && b >= stop) { interrupted = true; e.interrupt(); }
      };
    }
    const onSol = settings.onSolution;
    if (onSol && !this.relaxing) {
      const n = this.lp.numCols;
      callbacks[ct.mipImprovingSolution] = (e: { data: { mip_solution?: Float64Array; objective_function_value?: number } }) => {
        const x = e.data.mip_solution;
        if (x && x.length === n) onSol(Float64Array.from(x), e.data.objective_function_value ?? NaN);
      };
    }
    let code: number;
    try {
      const r = this.m.run(callbacks as never);
      code = r.modelStatus;
    } catch (e) {
      logs.push(`solver error: ${(e as Error).message}\n`);
      return { status: 'failed', solverStatus: 'Solver error', hasSolution: false, objective: NaN, bound: NaN, gap: NaN,
        x: new Float64Array(this.lp.numCols), timeMs: performance.now() - t0, nodes: 0, lpIterations: NaN };
    }
    return this.count({ ...outcome(this.h, this.m, code, t0, this.lp.numCols), lpIterations: lpIterationsOf(logs.slice(from).join('')), interrupted },
      !this.relaxing);
  }

  /** the work done since `before` (a copy of `work` taken earlier) */
  workSince(before: SolverWork): SolverWork {
    const w = this.work;
    return { mipSolves: w.mipSolves - before.mipSolves, lpSolves: w.lpSolves - before.lpSolves, nodes: w.nodes - before.nodes,
      lpIterations: w.lpIterations - before.lpIterations };
  }

  private count(o: MipOutcome, milp: boolean): MipOutcome {
    if (milp) this.work.mipSolves++;
    else this.work.lpSolves++;
    this.work.nodes += o.nodes;
    if (Number.isFinite(o.lpIterations)) this.work.lpIterations += o.lpIterations;
    return o;
  }

  /** Solve the LP relaxation (integrality dropped for this solve only). */
  runRelaxation(settings: MipSettings): MipOutcome {
    if (!this.persistent) return this.runFromText(settings, true);
    const ints: number[] = [];
    this.lp.colInt.forEach((b, j) => { if (b) ints.push(j); });
    this.m.changeColsIntegrality({ kind: "set", indices: ints }, new Int32Array(ints.length));
    this.relaxing = true;
    try {
      return this.run(settings);
    } finally {
      this.relaxing = false;
      this.m.changeColsIntegrality({ kind: "set", indices: ints }, new Int32Array(ints.length).fill(1));
    }
  }

  /** The naive way: write the LP text, let HiGHS parse it into a fresh model, solve, map back by name. */
  private runFromText(settings: MipSettings, relax = false): MipOutcome {
    const t0 = performance.now();
    this.m.dispose();
    this.m = this.h.createModel({ format: 'lp', data: this.lp.toLpText() });
    if (relax) this.m.clearIntegrality();
    const n = this.m.getDimensions().numCols;
    const pos = new Map<string, number>();
    this.lp.colName.forEach((nm, j) => pos.set(nm, j));
    const map = new Int32Array(n);
    for (let k = 0; k < n; k++) map[k] = pos.get(this.m.getColName(k)) ?? -1;
    if (this.pendingStart) {
      const st = new Float64Array(n);
      for (let k = 0; k < n; k++) st[k] = map[k] >= 0 ? this.pendingStart[map[k]] : 1;
      this.m.setSolution({ colValue: st });
      this.pendingStart = null;
    }
    applySettings(this.m, settings);
    const logs = this.log;
    const from = logs.length;
    const r = this.m.run({ [this.h.constants.callbackType.logging]: (e: { message: string }) => { logs.push(e.message); } } as never);
    const o = outcome(this.h, this.m, r.modelStatus, t0, n);
    const x = new Float64Array(this.lp.numCols);
    for (let k = 0; k < n; k++) if (map[k] >= 0) x[map[k]] = o.x[k];
    return this.count({ ...o, x, timeMs: performance.now() - t0, lpIterations: lpIterationsOf(logs.slice(from).join('')) }, !relax);
  }

  note(text: string): void {
    this.log.push(text.endsWith('\n') ? text : text + '\n');
  }

  takeLog(): string {
    const s = this.log.join('');
    this.log = [];
    return s;
  }

  dispose(): void {
    this.m.dispose();
  }
}

function inf(h: Highs): (v: number) => number {
  return (v) => (v === Infinity ? h.infinity : v === -Infinity ? -h.infinity : v);
}

export interface LpTextOutcome extends MipOutcome {
  /** column values by name */
  values: Map<string, number>;
  log: string;
}

/** Solve a CPLEX-LP text on its own, as another solver would read the .lp file. */
export function solveLpText(h: Highs, text: string, settings: MipSettings): LpTextOutcome {
  const m = h.createModel({ format: 'lp', data: text });
  try {
    applySettings(m, settings);
    const t0 = performance.now();
    const logs: string[] = [];
    const r = m.run({ [h.constants.callbackType.logging]: (e: { message: string }) => { logs.push(e.message); } } as never);
    const n = m.getDimensions().numCols;
    const o = outcome(h, m, r.modelStatus, t0, n);
    const values = new Map<string, number>();
    for (let j = 0; j < n; j++) values.set(m.getColName(j), o.x[j]);
    const log = logs.join('');
    return { ...o, values, log, lpIterations: lpIterationsOf(log) };
  } finally {
    m.dispose();
  }
}
