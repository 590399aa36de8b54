import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LinearModel } from './lp-model';
import { loadHighs, lpIterationsOf, solveLpText, SyncedMip } from './highs';
import { loadCase } from '../grid/load-case';
import { nominalSnapshot } from '../grid/series';
import { DEFAULT_WEIGHTS } from '../powerflow/reward';
import { TIGHT, buildFormulation, applyStep, plainEditor } from './formulation';

function small(): LinearModel {
  const m = new LinearModel();
  const x = m.addCol('x', 0, 1);
  const y = m.addCol('y', -2, 4, 0, 'integer');
  const z = m.addCol('z', -Infinity, Infinity);
  m.colCost[x] = 1; m.colCost[y] = -0.4; m.colCost[z] = 0;
  m.addRow('c1', [x, y], [1, 1], 1.5, Infinity);
  m.addRow('c2', [x, y, z], [-0.4, 1, 1], -Infinity, 3);
  m.addRow('c3', [z, x], [1, -1], -1, 1);
  m.objOffset = 2;
  return m;
}

/** n columns (every other one integer) and n covering rows of three columns each: a small MILP that takes some branching */
function sparseMip(n: number): { m: LinearModel; cols: number[] } {
  const m = new LinearModel();
  const cols = Array.from({ length: n }, (_, j) => m.addCol(`x${j}`, 0, 10, 1 + (j % 7), j % 2 ? 'integer' : 'continuous'));
  for (let r = 0; r < n; r++) m.addRow(`r${r}`, [cols[r], cols[(r * 7 + 3) % n], cols[(r * 13 + 5) % n]], [1, 2, 1], 1.5 + (r % 5), Infinity);
  return { m, cols };
}

test('LP text: strict signs, ranged rows split, integer bounds explicit, constant as a fixed column', () => {
  const t = small().toLpText(['hello']);
  assert.doesNotMatch(t, /\+ -/);
  assert.match(t, /- 0\.4 x/);
  assert.match(t, /c3_lo: .*>= -1/);
  assert.match(t, /c3_hi: .*<= 1/);
  assert.match(t, /-2 <= y <= 4/);
  assert.match(t, /z free/);
  assert.match(t, /obj_constant = 1/);
  assert.match(t, /General\n y/);
});

test('LP text solved by HiGHS gives the objective of the model', async () => {
  const h = await loadHighs();
  const r = solveLpText(h, small().toLpText(), { timeLimitS: 10, relGap: 0 });
  assert.equal(r.status, 'optimal');
  // y integer in [-2,4], x in [0,1]: x + y >= 1.5, -0.4x + y + z <= 3, |z - x| <= 1; minimize 2 + x - 0.4 y
  assert.ok(Math.abs(r.objective - (2 + 0 - 0.4 * 4)) < 1e-9, String(r.objective));
});

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

test('the expert model as LP text parses in glpsol and cbc', (t) => {
  const net = loadCase(path.join(__dirname, '..', '..', 'data', 'ieee33'));
  const F = buildFormulation(net, { mode: 'restore', voltage: 'soft', objective: 'cost', branch: 'soc', pickup: 'binary', curtailable: false, mt: 'on',
    tightening: TIGHT, weights: DEFAULT_WEIGHTS });
  applyStep(F, plainEditor(F.lp), { snap: nominalSnapshot(net), faulted: new Uint8Array(net.lines.length), prevOpen: null });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdpc-lp-'));
  const file = path.join(dir, 'm.lp');
  fs.writeFileSync(file, F.lp.toLpText(['test']));
  try {
    if (!which('glpsol')) t.diagnostic('glpsol not installed (apt-get install glpk-utils): GLPK check skipped');
    else {
      const g = spawnSync('glpsol', ['--lp', file, '--check'], { encoding: 'utf8' });
      assert.equal(g.status, 0, g.stdout + g.stderr);
    }
    if (!which('cbc')) t.diagnostic('cbc not installed (apt-get install coinor-cbc): CBC check skipped');
    else {
      // read, solve the root LP, stop: the model was parsed when CBC reports its continuous objective
      const c = spawnSync('cbc', [file, '-maxN', '0', '-sec', '5', '-solve', '-quit'], { encoding: 'utf8', timeout: 60000 });
      assert.match(c.stdout, /Continuous objective value/, c.stdout + c.stderr);
      assert.doesNotMatch(c.stdout, /errors on input|Unable to open/i);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a persistent model solved many times keeps its full time limit every time (HiGHS run clock zeroed per run)', async () => {
  const h = await loadHighs();
  const n = 60;
  const { m, cols } = sparseMip(n);
  const mip = new SyncedMip(h, m);
  try {
    // MILP runs accumulate HiGHS run time well past the limit used below (HiGHS' clock would
    // otherwise count them: the LP would stop at once with "Time limit reached")
    let spentMs = 0;
    let k = 0;
    while (spentMs < 300) {
      mip.setColBounds(cols[k % n], 0, 10 - (k % 3));
      spentMs += mip.run({ timeLimitS: 60, relGap: 1e-9 }).timeMs;
      k++;
    }
    const r = mip.runRelaxation({ timeLimitS: 0.15, relGap: 1e-9 });
    assert.equal(r.status, 'optimal', `after ${k} MILP runs (${spentMs.toFixed(0)} ms) an LP with a 0.15 s limit gave ${r.solverStatus}`);
  } finally {
    mip.dispose();
  }
});

test("solver work: HiGHS' MIP and LP iteration reports are read and summed per model", async () => {
  // the two report formats HiGHS writes (MIP solving report, LP summary)
  assert.equal(lpIterationsOf('Solving report\n  Nodes             23\n  LP iterations     8328\n                    6182 (strong br.)\n'), 8328);
  assert.equal(lpIterationsOf('Model status        : Optimal\nSimplex   iterations: 20\nObjective value     :  2.9e+01\n'), 20);
  assert.ok(Number.isNaN(lpIterationsOf('no report here\n')));
  const h = await loadHighs();
  const { m } = sparseMip(40);
  const mip = new SyncedMip(h, m);
  try {
    // the LP first, from no basis, as the model read alone below
    const b = mip.runRelaxation({ timeLimitS: 60, relGap: 1e-9 });
    const a = mip.run({ timeLimitS: 60, relGap: 1e-9 });
    assert.equal(a.status, 'optimal');
    assert.ok(a.nodes >= 1 && a.lpIterations > 0, `MILP: ${a.nodes} nodes, ${a.lpIterations} LP iterations`);
    assert.equal(b.nodes, 0);
    assert.deepEqual(mip.work, { mipSolves: 1, lpSolves: 1, nodes: a.nodes, lpIterations: a.lpIterations + b.lpIterations });
    // the LP's count against HiGHS' own counter on the same model read from its LP text
    const alone = h.createModel({ format: 'lp', data: m.toLpText() });
    try {
      alone.clearIntegrality();
      alone.options.set({ output_flag: false });
      alone.run();
      assert.equal(b.lpIterations, Number(alone.info.get('simplex_iteration_count')));
      assert.ok(Math.abs(b.objective - alone.getObjectiveValue()) < 1e-9);
    } finally {
      alone.dispose();
    }
  } finally {
    mip.dispose();
  }
});

test('stopAtBound interrupts a MILP once its bound reaches the value; onSolution sees every improving point, each feasible', async () => {
  const h = await loadHighs();
  // integer covering rows with odd coefficients: a MILP that branches (hundreds of nodes)
  const n = 30;
  const m = new LinearModel();
  const cols = Array.from({ length: n }, (_, j) => m.addCol(`x${j}`, 0, 10, 3 + ((j * 5) % 11), 'integer'));
  for (let r = 0; r < n; r++) m.addRow(`r${r}`, [cols[r], cols[(r * 7 + 3) % n], cols[(r * 13 + 5) % n]], [3, 5, 7], 4.5 + ((r * 3) % 11) * 1.7, Infinity);
  const mip = new SyncedMip(h, m);
  try {
    const points: { x: Float64Array; objective: number }[] = [];
    const onSolution = (x: Float64Array, objective: number): void => { points.push({ x, objective }); };
    // a bound above the optimum is never reached: the solve runs to the end, not interrupted
    const full = mip.run({ timeLimitS: 120, relGap: 1e-9, presolve: false, stopAtBound: 1e6, onSolution });
    assert.equal(full.status, 'optimal');
    assert.equal(full.interrupted, false);
    assert.ok(full.nodes > 10, `the MILP branches (${full.nodes} nodes)`);
    assert.ok(points.length >= 1);
    assert.ok(Math.abs(points.reduce((a, p) => Math.min(a, p.objective), Infinity) - full.objective) < 1e-6, 'the last improving point is the optimum');
    for (const p of points) {
      assert.equal(p.x.length, m.numCols);
      assert.ok(Math.abs(m.objectiveAt(p.x) - p.objective) < 1e-6 * Math.max(1, Math.abs(p.objective)), `point objective ${p.objective} vs ` +
        `${m.objectiveAt(p.x)}`);
      for (let r2 = 0; r2 < m.numRows; r2++) assert.ok(m.rowActivity(r2, p.x) >= m.rowLower[r2] - 1e-6, `row ${r2}`);
    }
    // a bound below the optimum that the root reaches: interrupted at once, its bound at least that value
    const low = 0.9 * full.objective;
    const r = mip.run({ timeLimitS: 120, relGap: 1e-9, presolve: false, stopAtBound: low });
    assert.equal(r.interrupted, true);
    assert.equal(r.solverStatus, 'Interrupted');
    assert.equal(r.status, 'time-limit');
    assert.ok(r.bound >= low - 1e-9 && r.bound <= full.objective + 1e-9, `bound ${r.bound} in [${low}, ${full.objective}]`);
    assert.ok(r.nodes < full.nodes, `${r.nodes} nodes against ${full.nodes} for the full solve`);
  } finally {
    mip.dispose();
  }
});
