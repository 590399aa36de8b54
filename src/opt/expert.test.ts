/**
 * The expert against independent oracles:
 *  - exhaustive enumeration of the radial configurations with the AC power flow (loss),
 *  - the known optimum of the nominal 33-bus case (open 7, 9, 14, 32, 37; ~139.5 kW),
 *  - the written .lp file solved alone by HiGHS,
 *  - restoration: load reachable from the substation is the most any reconfiguration can serve.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { loadSeries, nominalSnapshot, snapshot, Snapshot } from '../grid/series';
import { Network } from '../grid/network';
import { PowerFlow } from '../powerflow/solver';
import { Expert } from './expert';
import { loadHighs, solveLpText } from './highs';
import { reachableFromSubstations } from './formulation';
import { isRadialFromSubstations } from '../topology/graph';
import { DEFAULT_WEIGHTS } from '../powerflow/reward';

const DATA = path.join(__dirname, '..', '..', 'data', 'ieee33');

/** Oracle: every set of lines to open that leaves a spanning tree; the least AC loss among them. */
function enumerateBest(net: Network, snap: Snapshot): { lossKw: number; open: number[]; count: number } {
  const nl = net.lines.length;
  const nb = net.buses.length;
  const k = nl - (nb - net.substations.length);
  const pf = new PowerFlow(net);
  const ng = net.generators.length;
  const genOn = new Uint8Array(ng);
  net.generators.forEach((g, i) => { genOn[i] = g.kind === 'MT' ? 0 : 1; });
  const req = {
    loadPKw: snap.loadPKw, loadQKvar: snap.loadQKvar, genPKw: snap.genPKw, genQKvar: snap.genQKvar, genOn,
    lineOpen: new Uint8Array(nl), lineFaulted: new Uint8Array(nl), islanding: false,
  };
  const parent = new Int32Array(nb);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; };
  let best = { lossKw: Infinity, open: [] as number[], count: 0 };
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    req.lineOpen.fill(0);
    for (const i of idx) req.lineOpen[i] = 1;
    for (let i = 0; i < nb; i++) parent[i] = i;
    let tree = true;
    for (let l = 0; l < nl && tree; l++) {
      if (req.lineOpen[l]) continue;
      const a = find(net.lines[l].from);
      const b = find(net.lines[l].to);
      if (a === b) tree = false;
      else parent[a] = b;
    }
    if (tree) {
      best.count++;
      const r = pf.solve(req);
      if (r.converged && r.lossKw < best.lossKw) best = { lossKw: r.lossKw, open: idx.map((i) => net.lines[i].id), count: best.count };
    }
    let j = k - 1;
    while (j >= 0 && idx[j] === nl - k + j) j--;
    if (j < 0) break;
    idx[j]++;
    for (let m = j + 1; m < k; m++) idx[m] = idx[m - 1] + 1;
  }
  return best;
}

test('nominal 33-bus: the expert opens 7, 9, 14, 32, 37 (~139.5 kW), the enumeration agrees, the .lp file re-solves alone', async () => {
  const net = loadCase(DATA);
  const snap = nominalSnapshot(net);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdpc-opt-'));
  const ex = await Expert.create(net, { objective: 'loss', mt: 'off', gap: 1e-3, logDir: dir, timeLimitS: 600 });
  try {
    const r = ex.solve(snap, null, []);
    assert.equal(r.status, 'optimal');
    assert.equal(r.exact, true);
    assert.deepEqual(r.action.openLines, [7, 9, 14, 32, 37]);
    assert.ok(Math.abs(r.eval.lossKw - 139.5) < 0.2, `loss ${r.eval.lossKw}`);
    assert.ok(Math.abs(r.modelLossKw - r.eval.lossKw) / r.eval.lossKw < 1e-4, 'model loss equals AC loss');
    const oracle = enumerateBest(net, snap);
    assert.equal(oracle.count, 50751);
    assert.deepEqual(oracle.open, [7, 9, 14, 32, 37]);
    assert.ok(r.eval.lossKw <= oracle.lossKw * 1.001);
    // the certificate: an exact incumbent within the gap of HiGHS' bound
    assert.ok(r.bound <= r.objective + 1e-9 && r.gap >= 0 && r.gap <= 1e-3, `objective ${r.objective}, bound ${r.bound}, gap ${r.gap}`);
    assert.ok(r.maxViolation <= 1e-6, `max cone violation ${r.maxViolation}`);
    // the .lp file alone
    assert.ok(r.lpFile && fs.existsSync(r.lpFile) && r.logFile && fs.existsSync(r.logFile));
    assert.match(fs.readFileSync(r.logFile!, 'utf8'), /Solving report|round 1/);
    const h = await loadHighs();
    const alone = solveLpText(h, fs.readFileSync(r.lpFile!, 'utf8'), { timeLimitS: 600, relGap: 1e-3 });
    assert.equal(alone.status, 'optimal');
    assert.ok(Math.abs(alone.objective - r.objective) <= 1e-3 * Math.abs(r.objective) + 1e-6, `alone ${alone.objective} vs run ${r.objective}`);
  } finally {
    ex.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('exactness on sampled snapshots of the bundled data (MTs off, no faults): AC loss within 0.1 % of the enumerated best', async () => {
  const net = loadCase(DATA);
  const series = loadSeries(net, DATA)!;
  const ex = await Expert.create(net, { objective: 'loss', mt: 'off', gap: 1e-3, timeLimitS: 600 });
  try {
    for (const t of [7, 4321, 9876]) {
      const snap = snapshot(series, t);
      const r = ex.solve(snap, null, []);
      const oracle = enumerateBest(net, snap);
      assert.equal(r.fallback, false);
      assert.equal(r.status, 'optimal');
      assert.ok(r.eval.lossKw <= oracle.lossKw * 1.001, `step ${t}: expert ${r.eval.lossKw} kW (open ${r.action.openLines}) vs best ${oracle.lossKw} kW ` +
        `(open ${oracle.open})`);
    }
  } finally {
    ex.dispose();
  }
});

test('episode start: the exchange from the normal topology stops in a local optimum on the 24-hour case; from the sequential-opening topology it ' +
  'reaches the enumerated best', async () => {
  const dir = path.join(__dirname, '..', '..', 'data', 'ieee33-24h');
  const net = loadCase(dir);
  const snap = snapshot(loadSeries(net, dir)!, 0);
  const ex = await Expert.create(net, { objective: 'loss', mt: 'off' });
  try {
    const none = new Uint8Array(net.lines.length);
    const mesh = ex.search.meshedOpening(snap, none);
    assert.ok(mesh && isRadialFromSubstations(net, mesh), 'sequential opening gives a radial topology');
    const fromNormal = ex.search.branchExchange(snap, null, null, none, 'reconfig');
    const fromMesh = ex.search.branchExchange(snap, mesh, null, none, 'reconfig');
    const oracle = enumerateBest(net, snap);
    const lossOf = (open: Uint8Array): number => ex.evaluate(snap, ex.search.fallbackAction(snap, open, none), 'reconfig', null, none).lossKw;
    assert.ok(lossOf(fromMesh.open) <= oracle.lossKw * 1.001, `from sequential opening ${lossOf(fromMesh.open)} kW, best ${oracle.lossKw} kW`);
    assert.ok(fromNormal.cost > fromMesh.cost * 1.005, `from the normal topology ${fromNormal.cost}, from sequential opening ${fromMesh.cost}`);
    // the expert's step starts from the better one, and certifies it
    const r = ex.solve(snap, null, []);
    assert.equal(r.status, 'optimal');
    assert.deepEqual(r.action.openLines, oracle.open);
  } finally {
    ex.dispose();
  }
});

test('branch exchange: switching is counted against the previous topology, not against the start', async () => {
  const net = loadCase(DATA);
  const snap = nominalSnapshot(net);
  const ex = await Expert.create(net, { objective: 'loss', mt: 'off', weights: { ...DEFAULT_WEIGHTS, switchingCostPerOp: 0.5 } });
  try {
    const none = new Uint8Array(net.lines.length);
    const best = Uint8Array.from(net.lines, (l) => ([7, 9, 14, 32, 37].includes(l.id) ? 1 : 0));
    const normal = Uint8Array.from(net.lines, (l) => (l.normallyOpen ? 1 : 0));
    const fresh = ex.search.branchExchange(snap, best, null, none, 'reconfig');
    const fromNormal = ex.search.branchExchange(snap, best, normal, none, 'reconfig');
    assert.deepEqual([...fresh.open], [...best]);
    // from the normal topology (33-37 open) to the best one (7, 9, 14, 32, 37): 4 lines closed, 4 opened
    const stay = ex.evaluate(snap, ex.search.fallbackAction(snap, normal, none), 'reconfig', normal, none);
    const moved = ex.evaluate(snap, ex.search.fallbackAction(snap, best, none), 'reconfig', normal, none);
    assert.equal(moved.switchOps, 8);
    assert.ok(Math.abs(fresh.cost + ex.evaluate(snap, ex.search.fallbackAction(snap, best, none), 'reconfig', null, none).reward.total) < 1e-9);
    assert.ok(fromNormal.cost <= Math.min(-stay.reward.total, -moved.reward.total) + 1e-9, `cost ${fromNormal.cost}`);
    assert.ok(fromNormal.cost > fresh.cost, 'switching away from the previous topology costs something');
  } finally {
    ex.dispose();
  }
});

test('restoration: on N-2 faults that only MT islands can restore, the expert energizes islands and serves more than any reconfiguration', async () => {
  const net = loadCase(DATA);
  const snap = nominalSnapshot(net);
  const ex = await Expert.create(net, { mode: 'restore', objective: 'cost', timeLimitS: 300 });
  try {
    for (const pair of [[2, 18], [2, 20]]) {
      const faults = pair.map((id) => net.lineIndex.get(id)!);
      const mask = new Uint8Array(net.lines.length);
      for (const l of faults) mask[l] = 1;
      const reach = reachableFromSubstations(net, mask);
      let reconfigMax = 0;
      net.buses.forEach((b, i) => { if (reach[i]) reconfigMax += snap.loadPKw[i]; });
      const r = ex.solve(snap, null, faults);
      assert.equal(r.fallback, false, `faults ${pair}`);
      assert.ok(r.eval.islands.some((i) => i.sourceKind === 'MT'), `faults ${pair}: an MT island is energized`);
      assert.ok(r.action.gridForming.some((g) => g === 1));
      assert.ok(r.eval.converged);
      assert.ok(r.eval.servedKw > reconfigMax + 1, `faults ${pair}: served ${r.eval.servedKw} kW vs ${reconfigMax} kW reachable from the substation`);
    }
  } finally {
    ex.dispose();
  }
});

test('infeasible or failed steps never throw: the fallback keeps the previous topology and is marked', async () => {
  const net = loadCase(DATA);
  const snap = nominalSnapshot(net);
  // a time limit too short for any solution
  const ex = await Expert.create(net, { objective: 'cost', timeLimitS: 1e-6, seedCuts: false });
  try {
    const prev = new Uint8Array(net.lines.length);
    for (const id of [33, 34, 35, 36, 37]) prev[net.lineIndex.get(id)!] = 1;
    const r = ex.solve(snap, prev, [net.lineIndex.get(5)!]);
    if (r.fallback) {
      assert.deepEqual(r.action.openLines, [5, 33, 34, 35, 36, 37]);
      assert.ok(r.fallbackReason);
      assert.ok(r.eval.unservedKw > 0);
    } else {
      assert.ok(['optimal', 'time-limit'].includes(r.status));
    }
  } finally {
    ex.dispose();
  }
});
