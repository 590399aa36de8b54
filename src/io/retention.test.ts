import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pruneRunDirs } from './retention';
import { tmpDir } from '../testing/helpers';

function makeRuns(): { dir: string; now: number } {
  const dir = tmpDir();
  const now = Date.parse('2026-11-25T12:00:00Z');
  // run-k was last written k days ago
  for (let k = 0; k < 6; k++) {
    const d = path.join(dir, `run-${k}`);
    fs.mkdirSync(d);
    const f = path.join(d, 'step_1.lp');
    fs.writeFileSync(f, 'x'.repeat(100));
    const t = (now - k * 86400e3) / 1000;
    fs.utimesSync(f, t, t);
    fs.utimesSync(d, t, t);
  }
  fs.writeFileSync(path.join(dir, 'not-a-run.txt'), 'kept');
  return { dir, now };
}

test('retention by count keeps the newest runs', () => {
  const { dir, now } = makeRuns();
  const r = pruneRunDirs(dir, { keepRuns: 2 }, () => false, now);
  assert.deepEqual(r.kept, ['run-0', 'run-1']);
  assert.deepEqual(r.removed.sort(), ['run-2', 'run-3', 'run-4', 'run-5']);
  assert.equal(r.freedBytes, 400);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['not-a-run.txt', 'run-0', 'run-1']);
});

test('retention by age, never removing a locked run; dry run removes nothing', () => {
  const { dir, now } = makeRuns();
  const dry = pruneRunDirs(dir, { keepDays: 2.5 }, () => false, now, true);
  assert.deepEqual(dry.removed.sort(), ['run-3', 'run-4', 'run-5']);
  assert.equal(fs.readdirSync(dir).length, 7);
  const r = pruneRunDirs(dir, { keepDays: 2.5 }, (run) => run === 'run-4', now);
  assert.deepEqual(r.removed.sort(), ['run-3', 'run-5']);
  assert.ok(fs.existsSync(path.join(dir, 'run-4')));
});
