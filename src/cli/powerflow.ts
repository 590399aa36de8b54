/** `powerflow`: evaluate topologies with the AC power flow; the environment's commands. */
import { Command } from 'commander';
import { runMain, configure, EXIT_CODES_HELP } from './common';
import { packageVersion } from '../io/manifest';
import { registerRun } from './powerflow-run';
import { registerEnvCommands } from './powerflow-env';

export function buildProgram(): Command {
  const program = configure(new Command('powerflow'))
    .description('AC power flow, reward and drawing of a distribution feeder; the Gym-like restoration environment')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP);
  registerRun(program);
  registerEnvCommands(program);
  return program;
}

export function main(argv: string[]): Promise<void> {
  return runMain('powerflow', buildProgram(), argv);
}
