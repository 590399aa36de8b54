/** MDP chains: transition data, schemas (case33py, full), the append-only writer, action files. */
export * from './types';
export * from './schema';
export * from './writer';
export * from './action-file';
export * from './merge';
