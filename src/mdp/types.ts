/**
 * The data of one MDP transition S(t), A(t), R(t+1), S(t+1), as plain arrays indexed like the
 * network (0-based bus / line / generator index). Nothing here depends on the environment: any
 * producer (the environment, the optimizing expert, a replay) fills these and a chain schema
 * turns them into CSV rows.
 */

export interface ChainState {
  /** 0-based step (row of the series) */
  step: number;
  /** per bus, kW / kvar (the load as observed) */
  loadPKw: Float64Array;
  loadQKvar: Float64Array;
  /** per generator, kW / kvar in force: MT set-point (0 when off), PV/WT available output */
  genPKw: Float64Array;
  genQKvar: Float64Array;
  /** per line, 1 = open by its switch */
  lineOpen: Uint8Array;
  /** per line, 1 = faulted */
  lineFaulted: Uint8Array;
  /** per bus, voltage of the last power flow (0 when dark); null when none was run */
  vPu: Float64Array | null;
}

export interface ChainAction {
  /** per line, 1 = open */
  lineOpen: Uint8Array;
  /** per MT (generators of kind MT in generators.csv order), kW / kvar; 0 and 0 = off */
  mtPKw: Float64Array;
  mtQKvar: Float64Array;
}

export interface ChainReward {
  total: number;
  voltage: number;
  loss: number;
  blackout: number;
  mt: number;
  switching: number;
  invalid: number;
}

export interface Transition {
  s: ChainState;
  a: ChainAction;
  r: ChainReward;
  s1: ChainState;
  lossKw: number;
  unservedKw: number;
  switchOps: number;
  /** false when the action was rejected (the previous one stayed in force) */
  valid: boolean;
  terminated: boolean;
  truncated: boolean;
  /** power-flow status: converged, max-iterations, diverged */
  pfStatus: string;
}
