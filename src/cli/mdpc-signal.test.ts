/**
 * Slow end-to-end: `mdpc run` under signals and a second run on a live output. The solves here
 * are long on purpose (reward objective on the 33-bus case, about 10-20 s a step), so that the
 * signal and the second run land while HiGHS is working.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { DATA_33, ROOT, runCli, tmpDir } from '../testing/helpers';

const SLOW = ['run', '--data', DATA_33, '--episode', '1', '--objective', 'reward', '--mt', 'off', '--no-lp', '--quiet', '--time-limit', '300'];
const MDPC = path.join(ROOT, 'bin/mdpc.js');

function waitFor(cond: () => boolean, child: ChildProcess, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (cond()) { clearInterval(poll); resolve(); }
      else if (child.exitCode !== null) { clearInterval(poll); reject(new Error(`the run ended before ${what}`)); }
    }, 20);
  });
}
const rowsOf = (f: string): number => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').length - 2 : -1);
const exitOf = (c: ChildProcess): Promise<number | null> => new Promise((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.on('exit',
  (code) => resolve(code))));

test('a second run on a live output is exit 3 (never "remove it"), the first finishes; SIGTERM mid-solve stops within 2 s, --resume gives the same rows',
  async () => {
  const dir = tmpDir();
  const out = path.join(dir, 'out/res_MDPC');

  // the reference (step 1 alone), and while it solves, two more runs of the same name
  const ref = spawn(process.execPath, [MDPC, ...SLOW, '--start', '1', '--steps', '1', '--run', 'ref'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let refErr = '';
  ref.stderr!.on('data', (d) => (refErr += d));
  await waitFor(() => rowsOf(path.join(out, 'ref.csv.partial')) === 0, ref, 'its header');
  for (const extra of [[], ['--resume']]) {
    const second = runCli('mdpc', [...SLOW, '--start', '1', '--steps', '1', '--run', 'ref', ...extra], { cwd: dir });
    assert.equal(second.code, 3, second.stderr);
    assert.match(second.stderr, /^mdpc: .*ref is being written by process \d+ on .* \(lock file .*ref\.lock\)/);
    assert.doesNotMatch(second.stderr, /partial/);
    assert.equal(second.stderr.trim().split('\n').length, 1);
  }
  assert.equal(await exitOf(ref), 0, refErr);
  const refRows = fs.readFileSync(path.join(out, 'ref.csv'), 'utf8').split('\n');
  assert.equal(refRows.length, 3, 'header, the row, end');
  assert.equal(fs.existsSync(path.join(out, 'ref.lock')), false);

  // SIGTERM while step 1 is being solved
  const k = spawn(process.execPath, [MDPC, ...SLOW, '--start', '0', '--steps', '2', '--run', 'k'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let kErr = '';
  k.stderr!.on('data', (d) => (kErr += d));
  const partial = path.join(out, 'k.csv.partial');
  await waitFor(() => rowsOf(partial) === 1, k, 'its first row');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(k.exitCode, null, 'still solving step 1');
  const t0 = Date.now();
  k.kill('SIGTERM');
  const code = await exitOf(k);
  const latencyMs = Date.now() - t0;
  assert.equal(code, 143, kErr);
  assert.ok(latencyMs < 2000, `stopped ${latencyMs} ms after SIGTERM`);
  assert.match(kErr, /interrupted by SIGTERM/);
  assert.equal(rowsOf(partial), 1, 'the complete row is kept, nothing half-written');
  assert.ok(fs.readFileSync(partial, 'utf8').endsWith('\n'));
  assert.equal(fs.existsSync(path.join(out, 'k.lock')), false, 'the lock is released');
  const firstRow = fs.readFileSync(partial, 'utf8').split('\n')[1];

  const res = runCli('mdpc', [...SLOW, '--start', '0', '--steps', '2', '--run', 'k', '--resume'], { cwd: dir });
  assert.equal(res.code, 0, res.stderr);
  const rows = fs.readFileSync(path.join(out, 'k.csv'), 'utf8').split('\n');
  assert.equal(rows.length, 4);
  assert.equal(rows[0], refRows[0]);
  assert.equal(rows[1], firstRow, 'the row made before the signal');
  // the same row but for its episode number (the first column): step 1 is episode 1 of run k, episode 0 of ref
  const noEpisode = (r: string): string => r.slice(r.indexOf(',') + 1);
  assert.equal(rows[2].split(',')[0], '1');
  assert.equal(noEpisode(rows[2]), noEpisode(refRows[1]), 'the step solved again after --resume is the uninterrupted one');
  const m = JSON.parse(fs.readFileSync(path.join(out, 'k.manifest.json'), 'utf8'));
  assert.deepEqual(m.steps.map((s: { step: number }) => s.step), [0, 1]);
});
