/**
 * What the three CLIs share: error-to-exit-code mapping, option parsers that throw UsageError,
 * the default data directory, loading a case with its series.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError, UsageError, exitCodeFor, EXIT_BAD_INPUT, EXIT_LOCKED } from '../io/errors';
import { Network } from '../grid/network';
import { loadCase } from '../grid/load-case';
import { Series, loadSeries } from '../grid/series';
import { acquireLock } from '../io/lock';

/** data/ieee33 of the installed package, whatever the working directory. */
export const DEFAULT_DATA_DIR = path.join(__dirname, '..', '..', 'data', 'ieee33');

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  runtime failure (a bug, an I/O failure, a solver crash)
  2  bad input or usage (the message names the file, row and column, or the option)
  ${EXIT_LOCKED}  another run holds the lock on the output`;

/** Run a CLI main: map errors to one line on stderr and an exit code; never a stack trace. */
export async function runMain(tool: string, program: Command, argv: string[]): Promise<void> {
  quietOnClosedPipe();
  // every subcommand's --help lists the exit codes too
  const walk = (c: Command): void => {
    for (const sub of c.commands) {
      sub.addHelpText('after', EXIT_CODES_HELP);
      walk(sub);
    }
  };
  walk(program);
  program.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are "errors" with exit code 0 in commander
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    const code = exitCodeFor(e);
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${tool}: ${code === 1 ? 'error: ' : ''}${msg}\n`);
    if (code === 1 && process.env.CASE33_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = code;
  }
}

/** `tool ... --json | head`: a reader that stops early is normal in a pipeline, not a crash. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Apply the shared settings to a command and its subcommands. */
export function configure(cmd: Command): Command {
  cmd.exitOverride();
  // commander's own errors (unknown option, missing value): one line, named by the tool
  cmd.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (str, write) => write(`${fullName(cmd)}: ${str.trim().replace(/^error: /, '')} (see --help)\n`),
  });
  return cmd;
}

export interface CaseContext {
  dir: string;
  net: Network;
  series: Series | null;
}

export function loadContext(dir: string | undefined, withSeries: boolean): CaseContext {
  const d = dir ?? DEFAULT_DATA_DIR;
  if (!fs.existsSync(d)) throw new UsageError(`data directory "${d}" does not exist`, '--data');
  const net = loadCase(d);
  const series = withSeries ? loadSeries(net, d) : null;
  return { dir: d, net, series };
}

export function dataFiles(ctx: CaseContext): string[] {
  return [...ctx.net.files, ...(ctx.series?.files ?? [])];
}

export function parseIntStrict(text: string, option: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new UsageError(`expected an integer, found "${text}"`, option);
  const v = Number(text);
  if (v < min || v > max) throw new UsageError(`expected an integer in ${min}..${max}, found ${v}`, option);
  return v;
}

export function parseFloatStrict(text: string, option: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) throw new UsageError(`expected a number, found "${text}"`, option);
  return Number(text);
}

/** "33,34,35" or repeated options -> line indices; every id must be a line of the case. */
export function parseLineIds(net: Network, values: string[] | string | undefined, option: string): number[] {
  return parseIds(values, option, 'line', net.lineIndex);
}

/** Bus ids (comma-separated, repeatable) as 0-based bus indices; duplicates collapse. */
export function parseBusIds(net: Network, values: string[] | string | undefined, option: string): number[] {
  return parseIds(values, option, 'bus', net.busIndex);
}

/** Ids of one kind as 0-based indices; an empty list or an empty item ("7,,9") is a usage error. */
function parseIds(values: string[] | string | undefined, option: string, kind: string, index: Map<number, number>): number[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  const out: number[] = [];
  const ids = [...index.keys()];
  if (list.length === 0 && values !== undefined) throw new UsageError(`expected ${kind} ids, found an empty list`, option);
  for (const v of list) {
    for (const part of v.split(',')) {
      const s = part.trim();
      const like = kind === 'line' ? '33,34' : '8,9';
      if (s === '') throw new UsageError(`expected ${kind} ids like ${like}, found an empty item in "${v}"`, option);
      if (!/^\d+$/.test(s)) throw new UsageError(`expected ${kind} ids like ${like}, found "${s}"`, option);
      const i = index.get(Number(s));
      if (i === undefined) throw new UsageError(`unknown ${kind} ${s}: the case has ${kind === 'bus' ? 'buses' : kind + 's'} ${ids[0]}..${ids[ids.length - 1]}`, option);
      if (!out.includes(i)) out.push(i);
    }
  }
  return out;
}

/** A value from a fixed set, else a UsageError naming the option. */
export function oneOf(v: string, allowed: readonly string[], option: string): string {
  if (!allowed.includes(v)) throw new UsageError(`expected one of ${allowed.join(', ')}, found "${v}"`, option);
  return v;
}

/**
 * Whether files could be created in `dir` (which may not exist yet): its nearest existing
 * ancestor is a writable directory. Creates nothing, so a usage error leaves no trace.
 */
export function canWriteInto(dir: string): boolean {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  try {
    if (!fs.statSync(probe).isDirectory()) return false;
    fs.accessSync(probe, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** commander collector for repeatable options */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export { InputError, UsageError };

/**
 * Hold the lock on an output (file or prefix) while `write` runs: two runs writing the same
 * output cannot interleave. A live owner -> LockedError (exit 3); a dead owner's lock is taken over.
 */
export function withOutputLock<T>(tool: string, target: string, write: () => T): T {
  const release = acquireLock(target, (msg) => process.stderr.write(`${tool}: ${msg}\n`));
  try {
    return write();
  } finally {
    release();
  }
}
