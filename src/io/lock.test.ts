import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { acquireLock, lockFileFor } from './lock';
import { LockedError } from './errors';
import { listFiles, runCli, tmpDir } from '../testing/helpers';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(target: string, pid: number): void {
  fs.writeFileSync(lockFileFor(target), JSON.stringify({ pid, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', command: ['x'] }));
}

test('a held lock refuses a second writer; release frees it', () => {
  const target = path.join(tmpDir(), 'out.csv');
  const release = acquireLock(target);
  assert.ok(fs.existsSync(lockFileFor(target)));
  assert.throws(() => acquireLock(target), (e: unknown) => e instanceof LockedError && /out\.csv is being written by process \d+/.test((e as Error).message));
  release();
  assert.equal(fs.existsSync(lockFileFor(target)), false);
  acquireLock(target)();
});

test('a stale lock of a dead process is taken over, with a message', () => {
  const target = path.join(tmpDir(), 'out.csv');
  const pid = deadPid();
  writeLock(target, pid);
  const msgs: string[] = [];
  const release = acquireLock(target, (m) => msgs.push(m));
  assert.equal(msgs.length, 1);
  assert.match(msgs[0], new RegExp(`stale lock .*of process ${pid}, which no longer runs`));
  assert.equal(JSON.parse(fs.readFileSync(lockFileFor(target), 'utf8')).pid, process.pid);
  release();
});

test('CLI: a live lock on the output gives exit 3 and writes nothing; a stale one is taken over', async () => {
  const dir = tmpDir();
  const prefix = path.join(dir, 'r');
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    writeLock(prefix, sleeper.pid!);
    const r = runCli('powerflow', ['run', '--csv', prefix]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`powerflow: .*r is being written by process ${sleeper.pid}`));
    assert.deepEqual(listFiles(dir), ['r.lock']);
  } finally {
    sleeper.kill();
  }
  writeLock(prefix, deadPid());
  const r = runCli('powerflow', ['run', '--csv', prefix]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /taking over the stale lock/);
  assert.deepEqual(listFiles(dir), ['r-buses.csv', 'r-lines.csv', 'r.manifest.json']);
});

test('SIGTERM releases the lock and exits 143', async () => {
  const dir = tmpDir();
  const target = path.join(dir, 'x');
  const script = `const {acquireLock}=require(${JSON.stringify(path.join(__dirname, 'lock.js'))});` +
    `acquireLock(${JSON.stringify(target)});console.log('locked');setTimeout(()=>{},20000);`;
  const child = spawn(process.execPath, ['-e', script]);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  assert.ok(fs.existsSync(lockFileFor(target)));
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 143);
  assert.equal(fs.existsSync(lockFileFor(target)), false);
});
