/** The layering of README "Contributing": no library module imports a higher layer or the CLI. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', 'src');
const RANK: Record<string, number> = {
  util: 0, io: 0, grid: 1, topology: 2, powerflow: 3, faults: 3, mdp: 4, env: 5, opt: 6, plot: 6, report: 7, cli: 8, testing: 9,
};

test('imports go down the layers: util/io < grid < topology < powerflow, faults < mdp < env < opt, plot < report < cli', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const dir of fs.readdirSync(SRC)) {
    const full = path.join(SRC, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    assert.ok(dir in RANK, `src/${dir} has no layer in this test (and in the README)`);
    for (const f of fs.readdirSync(full)) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const text = fs.readFileSync(path.join(full, f), 'utf8');
      for (const m of text.matchAll(/from '\.\.\/([a-z]+)\//g)) {
        checked++;
        const to = m[1];
        if (to === dir) continue;
        if (!(RANK[to] < RANK[dir])) wrong.push(`src/${dir}/${f} imports src/${to}`);
      }
    }
  }
  assert.ok(checked > 100, `found ${checked} cross-directory imports`);
  assert.deepEqual(wrong, []);
});
