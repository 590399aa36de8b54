/** case33ts/env: the restoration environment, its vectorised form, spaces and discrete actions. */
export * from './restoration-env';
export * from './vector-env';
export * from './spaces';
export { moveTable, moveLabel, applyMove, applyToggle, toggleLabel, mtLevelKw, MoveTable, MOVE_TABLE_LIMIT } from './discrete-actions';
export { vectorLayout, writeVector, VectorLayout, VMAX_PU } from './vector-observation';
export { readScenarioFile } from './scenarios';
