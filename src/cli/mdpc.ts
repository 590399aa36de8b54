/** `mdpc`: the optimizing expert (MILP solved with HiGHS) and MDP-chain generation. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { runMain, configure, checkOutputDir, checkOutputFile, InputError, EXIT_CODES_HELP } from './common';
import { packageVersion } from '../io/manifest';
import { registerSolve } from './mdpc-solve';
import { registerRun } from './mdpc-run';
import { registerExport } from './mdpc-export';
import { registerReport } from './mdpc-report';
import { registerDaemon, runInDaemon, wantsDaemon } from './mdpc-daemon';

export function buildProgram(): Command {
  const program = configure(new Command('mdpc'))
    .description('Optimizing expert for distribution network reconfiguration and restoration (MILP, HiGHS), and expert MDP chains')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP);
  registerSolve(program);
  registerRun(program);
  registerExport(program);
  registerReport(program);
  registerDaemon(program, runHere);
  checkPathsFirst(program);
  return program;
}

const isDir = (p: string): boolean => fs.existsSync(p) && fs.statSync(p).isDirectory();

/**
 * The paths of `merge` and `clean` (registered in mdpc-run.ts) checked before their actions run:
 * a shard that is a directory, an output under a plain file or with too long a name is exit 2.
 * Options their actions reject anyway (no --out, not .csv, a bad run name) are left to them.
 */
function checkPathsFirst(program: Command): void {
  const sub = (name: string): Command | undefined => program.commands.find((c) => c.name() === name);
  sub('merge')?.hook('preAction', (_p, cmd) => {
    const o = cmd.opts() as { run?: string; shards?: string; outDir: string; out?: string };
    const files = (cmd.processedArgs[0] as string[] | undefined) ?? [];
    let inputs = files;
    if (files.length > 0 && o.out !== undefined && /\.csv$/i.test(o.out)) {
      for (const f of [o.out, o.out.replace(/\.csv$/i, '.manifest.json')]) checkOutputFile(f, '--out');
    } else if (files.length === 0 && o.run !== undefined && /^[A-Za-z0-9._-]+$/.test(o.run)) {
      checkOutputDir(o.outDir, '--out-dir');
      checkOutputFile(path.join(o.outDir, `${o.run}.manifest.json`), '--run');
      const n = /^\d+$/.test(o.shards ?? '') ? Number(o.shards) : 0;
      inputs = n <= 100000 ? Array.from({ length: n }, (_, i) => path.join(o.outDir, `${o.run}.shard-${i}-of-${n}.csv`)) : [];
    }
    for (const f of inputs) if (isDir(f)) throw new InputError('EISDIR', 'expected a chain file, found a directory', { file: f });
  });
  sub('clean')?.hook('preAction', (_p, cmd) => {
    const o = cmd.opts() as { logDir: string; dryRun?: boolean };
    // clean removes folders in it: a writable directory, unless it only lists them
    if (o.dryRun) {
      if (fs.existsSync(o.logDir) && !isDir(o.logDir)) checkOutputDir(o.logDir, '--log-dir');
    } else checkOutputDir(o.logDir, '--log-dir');
  });
}

/** Run one mdpc command in this process; its exit code (the daemon runs requests this way). */
async function runHere(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  await runMain('mdpc', buildProgram(), argv);
  return Number(process.exitCode ?? 0);
}

export async function main(argv: string[]): Promise<void> {
  // a one-shot solve runs in the warm daemon when one is running (see mdpc-daemon.ts)
  if (wantsDaemon(argv)) {
    const code = await runInDaemon(argv);
    if (code !== null) {
      process.exitCode = code;
      return;
    }
  }
  return runMain('mdpc', buildProgram(), argv);
}
