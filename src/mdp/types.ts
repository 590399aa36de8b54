/**
 * The data of one MDP transition S(t), A(t), R(t+1), S(t+1), as plain arrays indexed like the
 * network (0-based bus / line / generator index). Nothing here depends on the environment: any
 * producer (the environment, the optimizing expert, a replay) fills these and a chain schema
 * turns them into CSV rows.
 */
import { GridAction } from '../grid/action';
import { RewardValues } from '../powerflow/reward';

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
  /** per bus, the pick-up in force (fraction of the load served); absent = all served */
  pickup?: Float64Array;
  /** per MT, the grid-forming flags in force; absent = the defaults */
  gridForming?: Uint8Array;
}

/** The action A(t): the one action type of the toolkit (src/grid/action.ts). */
export type ChainAction = GridAction;

/** R(t+1) and its terms (src/powerflow/reward.ts, REWARD_TERMS). */
export type ChainReward = RewardValues;

export interface Transition {
  /** the run's episode (0-based; mdpc run: the --episode block, replay: likewise), absent = 0 */
  episode?: number;
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
