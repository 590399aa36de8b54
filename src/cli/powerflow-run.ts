/** `powerflow run`: placeholder until written. */
import { Command } from 'commander';
export function registerRun(_program: Command): void {}
