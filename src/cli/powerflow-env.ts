/** Environment commands of `powerflow` (actions, replay, serve): see the environment issue. */
import { Command } from 'commander';

export function registerEnvCommands(_program: Command): void {
  // filled in by the environment work
}
