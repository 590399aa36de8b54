/** case33ts/expert: the optimizing expert (a MILP per step, HiGHS by default, AC-checked). */
export * from './expert';
export type { MipSolver, MipModel, MipOutcome, MipSettings, MipStatus, SolverWork, RowSpec } from './solver';
