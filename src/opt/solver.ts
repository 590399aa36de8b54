/**
 * What the expert needs from a MILP solver, and nothing of any particular one: statuses as
 * values (never exceptions), the work done (machine-independent counts), and a persistent
 * model kept in step with its JS mirror (`LinearModel`) so that the .lp file written beside a
 * step is exactly the model solved. src/opt/highs.ts implements it for HiGHS; another solver
 * is another module implementing `MipSolver`, handed to `Expert.create`.
 */
import { LinearModel } from './lp-model';

export type MipStatus = 'optimal' | 'time-limit' | 'infeasible' | 'failed';

export interface MipOutcome {
  status: MipStatus;
  /** the solver's own status name, for logs and messages (e.g. HiGHS' "Time limit reached") */
  solverStatus: string;
  /** a primal solution is available (an incumbent for a MIP) */
  hasSolution: boolean;
  objective: number;
  /** best bound (MIP dual bound), NaN when unknown */
  bound: number;
  /** relative MIP gap as the solver reports it */
  gap: number;
  x: Float64Array;
  timeMs: number;
  /** branch-and-bound nodes (0 for an LP) */
  nodes: number;
  /** simplex iterations of the solve (all nodes' LPs of a MILP); NaN if the solver does not say */
  lpIterations: number;
  /** stopped by MipSettings.stopAtBound */
  interrupted?: boolean;
}

/** Solver work, machine-independent (the same model gives the same counts on any machine). */
export interface SolverWork {
  /** runs with integer columns (the MILP rounds, and the small ones that fix a topology) */
  mipSolves: number;
  /** runs of an LP relaxation (root cuts, converging a topology's cuts) */
  lpSolves: number;
  /** branch-and-bound nodes */
  nodes: number;
  /** simplex iterations, all runs */
  lpIterations: number;
}

export interface MipSettings {
  timeLimitS: number;
  relGap: number;
  /** row/column feasibility tolerance (primal and MIP) */
  feasTol?: number;
  presolve?: boolean;
  /** primal heuristic effort (HiGHS' default 0.05); 0 also turns off the solver's sub-MIP heuristics */
  heuristicEffort?: number;
  /** separate cuts at every branch-and-bound node, not only the root (default true) */
  nodeCuts?: boolean;
  /**
   * stop the MILP (status time-limit, `interrupted` true) as soon as its proven bound reaches
   * this value: the caller holds an incumbent of its own that this bound certifies
   */
  stopAtBound?: number;
  /** every improving MIP solution the solver finds (full column vector), as it finds it */
  onSolution?: (x: Float64Array, objective: number) => void;
}

/** A row to append (a cut): lo <= sum val * x[idx] <= hi. */
export interface RowSpec { name: string; idx: number[]; val: number[]; lo: number; hi: number }

/** A solver's model and its mirror `lp`, changed together. */
export interface MipModel {
  readonly lp: LinearModel;
  /** work of every run since the model was made */
  readonly work: SolverWork;
  setColBounds(j: number, lo: number, hi: number): void;
  setColCost(j: number, c: number): void;
  setOffset(c: number): void;
  setRowBounds(r: number, lo: number, hi: number): void;
  /** change an existing non-zero (the coefficient must exist in the row) */
  setCoef(r: number, j: number, v: number): void;
  /** append rows to both */
  addRows(rows: RowSpec[]): void;
  /** delete rows from both (ascending indices); returns old -> new index (-1 = deleted) */
  deleteRows(rows: number[]): Int32Array;
  /** offer a MIP start (full column vector) */
  setStart(x: ArrayLike<number>): void;
  run(settings: MipSettings): MipOutcome;
  /** solve the LP relaxation (integrality dropped for this solve only) */
  runRelaxation(settings: MipSettings): MipOutcome;
  /** the work done since `before` (a copy of `work` taken earlier) */
  workSince(before: SolverWork): SolverWork;
  /** add a line of the caller's to the solver log */
  note(text: string): void;
  /** the log since the last call (the solver's lines and the notes) */
  takeLog(): string;
  dispose(): void;
}

export interface MipSolver {
  readonly name: string;
  /** a model of `lp`; `persistent` false: rebuilt from the LP text for every solve (the naive calibration) */
  model(lp: LinearModel, persistent: boolean): MipModel;
}
