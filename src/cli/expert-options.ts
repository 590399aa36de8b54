/**
 * The expert's options, written once for `mdpc solve` and `mdpc run`: the option table (flags,
 * help, defaults taken from DEFAULT_EXPERT) and its one parser. Nothing is validated by commander
 * itself, so a command checks all of its options before it writes anything.
 */
import { Command, Option } from 'commander';
import { DEFAULT_EXPERT } from '../opt/expert';
import { Mode, ObjectiveKind, OBJECTIVES } from '../opt/formulation';
import { oneOf, parseFloatStrict, UsageError } from './common';

export const MODES: readonly Mode[] = ['reconfig', 'restore'];
export const BRANCH_MODELS = ['soc', 'lindistflow'] as const;
export const MT_SWITCH = ['on', 'off'] as const;

/** The options as commander hands them over (strings). */
export interface ExpertCliOptions {
  mode: string;
  objective: string;
  branch: string;
  mt: string;
  timeLimit: string;
  gap: string;
}

/** The options checked and typed. */
export interface ExpertChoices {
  mode: Mode;
  objective: ObjectiveKind;
  branch: (typeof BRANCH_MODELS)[number];
  mt: (typeof MT_SWITCH)[number];
  timeLimitS: number;
  gap: number;
}

/** Register --mode --objective --branch --mt --time-limit --gap on a command. */
export function addExpertOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'reconfig: radial from the substations; restore: MT islands allowed').default(DEFAULT_EXPERT.mode))
    .addOption(new Option('--objective <kind>', 'reward: minus the environment\'s reward (its terms and weights); cost: the same plus grid energy at ' +
      'the series\' price; loss: losses + unserved + switching').default(DEFAULT_EXPERT.objective))
    .addOption(new Option('--branch <model>', 'soc: exact DistFlow by cone cuts; lindistflow: APPROXIMATE, one MILP per step').default(DEFAULT_EXPERT.branch))
    .addOption(new Option('--mt <on|off>', 'off: MTs stay off (topology-only decisions)').default(DEFAULT_EXPERT.mt))
    .option('--time-limit <s>', 'solver time limit per step, seconds', String(DEFAULT_EXPERT.timeLimitS))
    .option('--gap <g>', 'relative MIP gap: 0.01 = 1 %, the original\'s tolerance; 0.001 for a tight certificate', String(DEFAULT_EXPERT.gap));
}

/** Check and type the expert's options (UsageError naming the option otherwise). */
export function parseExpertOptions(o: ExpertCliOptions): ExpertChoices {
  const mode = oneOf(o.mode, MODES, '--mode') as Mode;
  const objective = oneOf(o.objective, OBJECTIVES, '--objective') as ObjectiveKind;
  const branch = oneOf(o.branch, BRANCH_MODELS, '--branch') as ExpertChoices['branch'];
  const mt = oneOf(o.mt, MT_SWITCH, '--mt') as ExpertChoices['mt'];
  const timeLimitS = parseFloatStrict(o.timeLimit, '--time-limit');
  if (!(timeLimitS > 0)) throw new UsageError(`expected a time limit > 0 seconds, found ${o.timeLimit}`, '--time-limit');
  const gap = parseFloatStrict(o.gap, '--gap');
  if (!(gap >= 0 && gap < 1)) throw new UsageError(`expected a relative gap in [0, 1), found ${o.gap}`, '--gap');
  return { mode, objective, branch, mt, timeLimitS, gap };
}
