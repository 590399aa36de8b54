import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPool } from './worker-pool';

/** A worker that appends "pid job" to a file per job, sleeps a job-dependent time, and exits 3 on job "fail". */
function workerScript(dir: string): string {
  const file = path.join(dir, 'worker.js');
  fs.writeFileSync(file, `
const fs = require('node:fs');
const { serveQueue } = require(${JSON.stringify(path.join(__dirname, 'worker-pool.js'))});
serveQueue(async (job) => {
  if (job === 'fail') process.exit(3);
  await new Promise((r) => setTimeout(r, Number(job.split(':')[1] ?? 0)));
  fs.appendFileSync(process.argv[2], process.pid + ' ' + job + '\\n');
});
`);
  return file;
}

test('worker pool: every job runs exactly once, spread over the workers, with start/finish reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
  try {
    const log = path.join(dir, 'done.txt');
    // one long job: the other worker takes the rest meanwhile
    const jobs = ['a:400', 'b:0', 'c:0', 'd:0', 'e:0'];
    const started: string[] = [];
    const finished: string[] = [];
    const pool = startPool({ command: process.execPath, args: [workerScript(dir), log], workers: 2, jobs,
      onStart: (_w, j) => started.push(j), onFinish: (_w, j) => finished.push(j) });
    assert.deepEqual(await pool.done, [0, 0]);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.deepEqual(lines.map(([, j]) => j).sort(), jobs);
    assert.equal(new Set(lines.map(([pid]) => pid)).size, 2);
    const byPid = new Map<string, string[]>();
    for (const [pid, j] of lines) byPid.set(pid, [...(byPid.get(pid) ?? []), j]);
    // the worker holding the long job did nothing else
    assert.ok([...byPid.values()].some((js) => js.length === 1 && js[0] === 'a:400'), JSON.stringify([...byPid.values()]));
    assert.deepEqual(started.sort(), jobs);
    assert.deepEqual(finished.sort(), jobs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('worker pool: a failing worker stops the hand-out; its code and stderr are reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
  try {
    const log = path.join(dir, 'done.txt');
    const failures: [number, number][] = [];
    const pool = startPool({ command: process.execPath, args: [workerScript(dir), log], workers: 1, jobs: ['a:0', 'fail', 'b:0', 'c:0'],
      onFailure: (w, code) => failures.push([w, code]) });
    assert.deepEqual(await pool.done, [3]);
    assert.deepEqual(failures, [[0, 3]]);
    // only the job before the failure ran: nothing was handed out after it
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[1]), ['a:0']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
