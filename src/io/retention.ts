/**
 * Log retention for nightly jobs: log/<run>/ folders (one per run: .lp models and solver logs)
 * would grow without bound. pruneRunDirs keeps the newest `keepRuns` folders and/or those younger
 * than `keepDays`, and never touches a folder whose run holds a live lock.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RetentionPolicy {
  /** keep at most this many run folders (newest first) */
  keepRuns?: number;
  /** remove folders whose newest file is older than this many days */
  keepDays?: number;
}

export interface PruneResult {
  removed: string[];
  kept: string[];
  freedBytes: number;
}

function newestMtimeMs(dir: string): number {
  let newest = fs.statSync(dir).mtimeMs;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtimeMs(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? sizeOf(p) : fs.statSync(p).size;
  }
  return total;
}

/** `isLocked(name)` says whether a run is in progress (its folder is then kept whatever its age). */
export function pruneRunDirs(logDir: string, policy: RetentionPolicy, isLocked: (run: string) => boolean = () => false, nowMs = Date.now(),
  dryRun = false): PruneResult {
  if (!fs.existsSync(logDir)) return { removed: [], kept: [], freedBytes: 0 };
  const runs = fs.readdirSync(logDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, dir: path.join(logDir, e.name), mtime: newestMtimeMs(path.join(logDir, e.name)) }))
    .sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  const removed: string[] = [];
  const kept: string[] = [];
  let freedBytes = 0;
  runs.forEach((r, rank) => {
    const tooMany = policy.keepRuns !== undefined && rank >= policy.keepRuns;
    const tooOld = policy.keepDays !== undefined && nowMs - r.mtime > policy.keepDays * 86400e3;
    if ((tooMany || tooOld) && !isLocked(r.name)) {
      freedBytes += sizeOf(r.dir);
      if (!dryRun) fs.rmSync(r.dir, { recursive: true, force: true });
      removed.push(r.name);
    } else {
      kept.push(r.name);
    }
  });
  return { removed, kept, freedBytes };
}
