/** `mdpc`: the optimizing expert (MILP solved with HiGHS) and MDP-chain generation. */
import { Command } from 'commander';
import { runMain, configure, EXIT_CODES_HELP } from './common';
import { packageVersion } from '../io/manifest';
import { registerSolve } from './mdpc-solve';
import { registerRun } from './mdpc-run';

export function buildProgram(): Command {
  const program = configure(new Command('mdpc'))
    .description('Optimizing expert for distribution network reconfiguration and restoration (MILP, HiGHS), and expert MDP chains')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP);
  registerSolve(program);
  registerRun(program);
  return program;
}

export function main(argv: string[]): Promise<void> {
  return runMain('mdpc', buildProgram(), argv);
}
