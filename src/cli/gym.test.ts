/** The Gymnasium module (scripts/python/case33ts_gym.py): its Python tests, check_env included. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.join(__dirname, '..', '..');
const probe = spawnSync('python3', ['-c', 'import gymnasium, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : 'gymnasium and numpy are not installed (pip install gymnasium numpy); the stdlib wrapper is tested in ' +
  'powerflow-env.test';

test('case33ts_gym: check_env on every registered id and action space, masks equal acceptance, vector env autoreset', { skip }, () => {
  const r = spawnSync('python3', ['-m', 'unittest', '-v', path.join('scripts', 'python', 'test_case33ts_gym.py')],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Ran 3 tests/);
  assert.match(r.stderr, /\nOK/);
});
