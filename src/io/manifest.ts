/** A small JSON manifest beside every output: command, options, data file hashes, version. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256File, writeFileAtomic } from './atomic';

export interface Manifest {
  tool: string;
  version: string;
  command: string[];
  options: Record<string, unknown>;
  dataFiles: { file: string; sha256: string }[];
  createdAt: string;
  [extra: string]: unknown;
}

let versionCache: string | undefined;
export function packageVersion(): string {
  if (versionCache) return versionCache;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    versionCache = String(pkg.version);
  } catch {
    versionCache = 'unknown';
  }
  return versionCache;
}

export function buildManifest(tool: string, options: Record<string, unknown>, dataFiles: string[], extra: Record<string, unknown> = {}): Manifest {
  return {
    tool,
    version: packageVersion(),
    command: [tool, ...process.argv.slice(2)],
    options,
    dataFiles: dataFiles.map((f) => ({ file: path.relative(process.cwd(), path.resolve(f)) || f, sha256: sha256File(f) })),
    createdAt: new Date().toISOString(),
    ...extra,
  };
}

export function writeManifest(file: string, m: Manifest): void {
  writeFileAtomic(file, JSON.stringify(m, null, 2) + '\n');
}
