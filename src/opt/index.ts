/** case33ts/expert: the optimizing expert (a MILP per step solved with HiGHS, AC-checked). */
export * from './expert';
