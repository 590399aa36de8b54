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
import { tempNameFor } from '../io/atomic';

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
      unknownBeforeRequired(sub);
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

/**
 * commander checks required options before unknown ones, so a misspelt `--k2` was reported as
 * "required option '--k <k>' not specified": check the required ones after it, in a preAction hook.
 */
function unknownBeforeRequired(cmd: Command): void {
  const required = cmd.options.filter((o) => o.mandatory);
  if (required.length === 0) return;
  for (const o of required) o.mandatory = false;
  cmd.hook('preAction', () => {
    const missing = required.find((o) => cmd.getOptionValue(o.attributeName()) === undefined);
    if (missing) cmd.error(`required option '${missing.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue', exitCode: EXIT_BAD_INPUT });
  });
}

/** `tool ... --json | head`: a reader that stops early is normal in a pipeline, not a crash. */
let quietPipe = false;
function quietOnClosedPipe(): void {
  if (quietPipe) return;
  quietPipe = true;
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
    // a suggestion ("(Did you mean --seed?)") joins the line: one line, always
    outputError: (str, write) => write(`${fullName(cmd)}: ${str.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (see --help)\n`),
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
      if (i === undefined) throw new UsageError(`unknown ${kind} ${s}: the case has ${kind === 'bus' ? 'buses' : kind + 's'} ` +
        `${ids[0]}..${ids[ids.length - 1]}`, option);
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

/** oneOf as a commander option parser (the value checked as commander reads it). */
export function choice(option: string, values: readonly string[]): (v: string) => string {
  return (v: string) => oneOf(v, values, option);
}

/** Longest name of one path component on the usual file systems (ext4, xfs, APFS, NTFS), in bytes. */
export const MAX_NAME_BYTES = 255;
/** Longest whole path (Linux PATH_MAX less the terminating NUL), in bytes. */
export const MAX_PATH_BYTES = 4095;

/**
 * Check, creating nothing, that the file `file` can be written later (atomically, under a
 * temporary name in its folder): see checkOutputDir; and `file` is not a directory.
 */
export function checkOutputFile(file: string, option: string): void {
  if (/[\\/]$/.test(file) || isDir(file)) throw new UsageError(`"${file}" is a directory, expected a file name`, option);
  const abs = path.resolve(file);
  const base = path.basename(abs);
  // the longest name written there is the temporary one of the atomic write
  const reserve = Buffer.byteLength(path.basename(tempNameFor(abs))) - Buffer.byteLength(base);
  const bytes = Buffer.byteLength(base);
  if (bytes + reserve > MAX_NAME_BYTES) {
    throw new UsageError(`expected a file name of at most ${MAX_NAME_BYTES - reserve} bytes (${MAX_NAME_BYTES} with the temporary suffix of an atomic ` +
      `write), found "${clipName(base)}" of ${bytes} bytes`, option);
  }
  checkOutputDir(path.dirname(file), option, reserve);
}

/**
 * Check, creating nothing, that the directory `dir` exists or can be created: every component
 * is at most MAX_NAME_BYTES (less `reserveBytes`), the path at most MAX_PATH_BYTES, no existing
 * component is a plain file, and the deepest existing one is a writable directory.
 * A UsageError naming the option otherwise, so that bad output paths fail before any work.
 */
export function checkOutputDir(dir: string, option: string, reserveBytes = 0): void {
  const abs = path.resolve(dir);
  if (Buffer.byteLength(abs) + reserveBytes > MAX_PATH_BYTES) throw new UsageError(`expected a path of at most ${MAX_PATH_BYTES} bytes, found one of ` +
    `${Buffer.byteLength(abs)} bytes`, option);
  for (const name of abs.split(path.sep)) {
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw new UsageError(`expected names of at most ${MAX_NAME_BYTES} bytes in the path, found ` +
      `"${clipName(name)}" of ${Buffer.byteLength(name)} bytes`, option);
  }
  const shown = (p: string): string => (path.isAbsolute(dir) ? p : path.relative(process.cwd(), p) || '.');
  let probe = abs;
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  if (!isDir(probe)) throw new UsageError(`"${shown(probe)}" is a file, not a directory`, option);
  try {
    fs.accessSync(probe, fs.constants.W_OK);
  } catch {
    throw new UsageError(`cannot write into "${shown(probe)}" (no write permission)`, option);
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function clipName(name: string): string {
  return name.length > 48 ? `${name.slice(0, 24)}…${name.slice(-20)}` : name;
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
