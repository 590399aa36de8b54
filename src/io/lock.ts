/**
 * Output locks: two runs writing the same output must not interleave. A lock is a file
 * `<output>.lock` created exclusively (O_EXCL) and holding the owner's pid, host and command.
 * A lock whose owner is dead (same host, pid gone) is stale: it is taken over with a message.
 * Locks are released when the run ends, normally or by SIGINT / SIGTERM (see ./signals).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LockedError } from './errors';
import { onCleanup } from './signals';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string[];
}

export function lockFileFor(target: string): string {
  return `${target}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof j.pid === 'number' ? (j as LockInfo) : null;
  } catch {
    return null;
  }
}

/**
 * Take the lock on `target` (a file or directory that will be written). Returns a release
 * function. Throws LockedError when a live process holds it. `notify` receives a one-line
 * message when a stale lock is taken over.
 */
export function acquireLock(target: string, notify: (msg: string) => void = () => {}): () => void {
  const file = lockFileFor(target);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify(me) + '\n');
      fs.closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        const cur = readLock(file);
        if (cur && cur.pid === me.pid && cur.host === me.host) fs.rmSync(file, { force: true });
        remove();
      };
      const remove = onCleanup(release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readLock(file);
    if (owner && owner.host === me.host && owner.pid !== me.pid && !alive(owner.pid)) {
      notify(`taking over the stale lock ${file} of process ${owner.pid}, which no longer runs`);
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!owner) {
      // being written right now, or garbage: a garbage lock older than a minute is stale
      const age = Date.now() - fs.statSync(file).mtimeMs;
      if (age > 60_000) {
        notify(`taking over the unreadable lock ${file}`);
        fs.rmSync(file, { force: true });
        continue;
      }
    }
    const who = owner ? `process ${owner.pid} on ${owner.host} since ${owner.startedAt}` : 'another process';
    throw new LockedError(`${target} is being written by ${who} (lock file ${file}); wait for it, or remove the lock if that process is gone`);
  }
  throw new LockedError(`cannot take the lock ${file}`);
}
