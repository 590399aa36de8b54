/**
 * case33ts, the grid library: cases and series, the AC power flow and the one action evaluation,
 * the cost model (reward), graph views and fault scenarios. The environment is `case33ts/env`,
 * MDP chains `case33ts/mdp`, the optimizing expert `case33ts/expert`.
 *
 *   const { loadCase, loadSeries, ActionEvaluator } = require('case33ts');
 */
export { loadCase, LoadCaseOptions } from './grid/load-case';
export { Bus, Line, Generator, GeneratorKind, Network, normallyOpenLines } from './grid/network';
export { Series, Snapshot, loadSeries, readEventTable, withEventTable, snapshot, nominalSnapshot, emptySnapshot } from './grid/series';
export { GridAction, mtIndices, defaultGridForming, normalAction, cloneAction, openLineIds } from './grid/action';
export { PowerFlow } from './powerflow/solver';
export { ActionEvaluator, Evaluation, EvaluationContext } from './powerflow/evaluate';
export { actionRequest, emptyRequest } from './powerflow/request';
export * from './powerflow/types';
export { DEFAULT_WEIGHTS, REWARD_TERMS, RewardTermName, RewardValues, RewardWeights, computeReward, loadWeights, parseWeights, rewardValues,
  zeroReward } from './powerflow/reward';
export { islands, isRadialFromSubstations, isRadialGivenFaults, reachable, fundamentalLoops } from './topology/graph';
export { RadialTable, enumerateRadialConfigurations, countRadialConfigurations, findConfiguration } from './topology/spanning-trees';
export { lineBlocks, mergedNodes } from './topology/blocks';
export { Scenario, enumerateScenarios, countByClass, filterByClass } from './faults/enumerate';
export { FaultClass, FAULT_CLASSES, FaultClassifier } from './faults/classify';
export { generateScene, sceneCsv, sceneStats } from './faults/scene';
export { renderFeederSvg, SvgOptions } from './plot/feeder-svg';
