/** Shared by the tests (not a test file itself): temporary cases and running the compiled CLIs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

/** The package root (dist/testing -> ..). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const DATA_33 = path.join(ROOT, 'data', 'ieee33');
export const DATA_24H = path.join(ROOT, 'data', 'ieee33-24h');

export function tmpDir(prefix = 'case33ts-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CaseFiles {
  buses: string;
  lines: string;
  generators?: string;
  [other: string]: string | undefined;
}

/** Write a case directory from CSV texts (keys are file names without .csv). */
export function writeCase(files: CaseFiles, dir = tmpDir()): string {
  for (const [name, text] of Object.entries(files)) {
    if (text !== undefined) fs.writeFileSync(path.join(dir, `${name}.csv`), text);
  }
  return dir;
}

/** Copy a bundled case to a temporary directory, optionally replacing some files. */
export function copyCase(src: string, replace: Record<string, string | null> = {}): string {
  const dir = tmpDir();
  for (const f of fs.readdirSync(src)) {
    if (f.endsWith('.csv')) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  }
  for (const [name, text] of Object.entries(replace)) {
    const p = path.join(dir, name);
    if (text === null) fs.rmSync(p, { force: true });
    else fs.writeFileSync(p, text);
  }
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run bin/<tool>.js with arguments; NO_COLOR set so output is plain. */
export function runCli(tool: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', `${tool}.js`), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** All file names under a directory, recursively (for "nothing was written" checks). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p).map((f) => path.join(e.name, f)));
    else out.push(e.name);
  }
  return out.sort();
}
