/**
 * Restoration as one MDP (slow, end to end): the expert acts inside the environment.
 *  - a chain row's R(t+1), unserved load and MT outputs are the expert's own AC evaluation of
 *    the action it took (4-fault case and N-2 island scenarios at nominal load), no MT above its
 *    pMax, the shed buses in A(t);
 *  - no clairvoyance: a fault that begins at t+1 leaves A(t) unchanged, the next step reacts;
 *  - an episode driven by the event table, with an agent that restores, runs to its horizon;
 *  - --objective reward is at least the best radial configuration's reward (exhaustive
 *    enumeration, MTs off) to within the gap.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { Network } from '../grid/network';
import { Series, loadSeries, snapshot, Snapshot } from '../grid/series';
import { mtIndices } from '../grid/action';
import { RestorationEnv, FaultSource, Termination } from '../env/restoration-env';
import { ActionEvaluator } from '../powerflow/evaluate';
import { DEFAULT_WEIGHTS } from '../powerflow/reward';
import { enumerateRadialConfigurations } from '../topology/spanning-trees';
import { chainSchema, ChainWriter, Transition } from '../mdp';
import { Expert } from './expert';
import { runEpisode, StepRecord } from './chain-run';
import { Mode } from './formulation';
import { DATA_33, DATA_24H, tmpDir } from '../testing/helpers';

/** A series of `steps` rows at the case's nominal load (no PV/WT, no prices, no events). */
function nominalSeries(net: Network, steps: number): Series {
  const nb = net.buses.length;
  const ng = net.generators.length;
  const s: Series = {
    steps, busCount: nb, genCount: ng, lineCount: net.lines.length,
    loadPKw: new Float64Array(steps * nb), loadQKvar: new Float64Array(steps * nb),
    genPKw: new Float64Array(steps * ng), genQKvar: new Float64Array(steps * ng),
    gridPricePerKwh: null, mtPricePerKwh: null, faulted: null, available: null, files: [],
  };
  for (let t = 0; t < steps; t++) net.buses.forEach((b, i) => { s.loadPKw[t * nb + i] = b.pKw; s.loadQKvar[t * nb + i] = b.qKvar; });
  return s;
}

/** Run one expert episode through the environment; the rows' transitions and step records. */
async function chain(net: Network, series: Series, mode: Mode, faults: FaultSource, start: number, length: number, timeLimitS: number,
  termination: Termination = 'default'): Promise<{ env: RestorationEnv; expert: Expert; rows: { tr: Transition; rec: StepRecord }[] }> {
  const env = new RestorationEnv({ net, series, mode, faults, observation: 'full', horizon: length, termination });
  const expert = await Expert.create(net, { mode, timeLimitS });
  const schema = chainSchema('full', net);
  const file = path.join(tmpDir('chain-'), 'c.csv');
  const w = ChainWriter.open(file, schema);
  const rows: { tr: Transition; rec: StepRecord }[] = [];
  try {
    await runEpisode({ net, series, mode, expert, schema, env, runDir: null }, { index: 0, start, length }, (tr, rec) => {
      w.append(tr);
      rows.push({ tr, rec });
    });
  } finally {
    w.close();
  }
  // the rows were written: one per step, as wide as the header
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.length, length + 1);
  for (const l of lines) assert.equal(l.split(',').length, schema.columns.length);
  return { env, expert, rows };
}

test('chain rows are the AC evaluation of the action taken: 4-fault case and N-2 island scenarios at nominal load', async () => {
  const net = loadCase(DATA_33);
  const series = nominalSeries(net, 4);
  const mts = mtIndices(net);
  const evaluator = new ActionEvaluator(net);
  for (const ids of [[7, 33, 35, 36], [2, 18]]) {
    const li = ids.map((id) => net.lineIndex.get(id)!);
    // a limit far above the solve (about 1-10 s): on a loaded machine a tight one ends in a fallback
    const { expert, rows } = await chain(net, series, 'restore', { kind: 'scenarios', scenarios: [li] }, 0, 2, 120);
    try {
      for (const { tr, rec } of rows) {
        assert.equal(rec.fallback, false, `faults ${ids}, step ${rec.step}`);
        // the expert's own evaluation of A(t), on step t+1's data from S(t)'s topology
        const ev = expert.evaluate(snapshot(series, tr.s.step + 1), tr.a, 'restore', tr.s.lineOpen, tr.s1.lineFaulted);
        assert.ok(Math.abs(tr.r.total - ev.reward.total) < 1e-6, `faults ${ids}: row ${tr.r.total} vs expert ${ev.reward.total}`);
        assert.ok(Math.abs(tr.unservedKw - ev.unservedKw) < 1e-6);
        mts.forEach((g, k) => {
          assert.ok(Math.abs(tr.s1.genPKw[g] - ev.mtPKw[k]) < 1e-6, `MT ${net.generators[g].id}: S(t+1) ${tr.s1.genPKw[g]} vs ${ev.mtPKw[k]}`);
          assert.ok(tr.s1.genPKw[g] <= net.generators[g].pMaxKw + 0.01, `MT ${net.generators[g].id} at ${tr.s1.genPKw[g]} kW above its pMax`);
        });
        assert.deepEqual(ev.tripped, [], 'no MT trips under the expert');
        // and independently: the same action through a fresh evaluator
        const again = evaluator.evaluate(snapshot(series, tr.s.step + 1), tr.a,
          { faulted: tr.s1.lineFaulted, prevOpen: tr.s.lineOpen, islanding: true, weights: DEFAULT_WEIGHTS });
        assert.ok(Math.abs(again.reward.total - tr.r.total) < 1e-6);
        assert.ok(tr.a.gridForming.some((f) => f === 1), 'an MT forms an island');
        if (ids.length === 4) {
          // the island of MT 2 (bus 8) cannot carry buses 8..18 (about 880 kW) on 500 kW: load is shed in A(t)
          const shed = net.buses.filter((_, i) => tr.a.pickup[i] < 1).map((b) => b.id);
          assert.ok(shed.length > 0, 'shed buses appear in A(t)');
          const shedKw = shed.reduce((a, id) => a + net.buses[net.busIndex.get(id)!].pKw, 0);
          assert.ok(tr.unservedKw >= shedKw - 1e-6);
        }
      }
    } finally {
      expert.dispose();
    }
  }
});

test('no clairvoyance: a fault that begins at t+1 leaves A(t) unchanged; the next step reacts to it', async () => {
  const net = loadCase(DATA_24H);
  const base = loadSeries(net, DATA_24H)!;
  const nl = net.lines.length;
  const l7 = net.lineIndex.get(7)!;
  const faulted = new Uint8Array(base.steps * nl);
  for (let t = 2; t < base.steps; t++) faulted[t * nl + l7] = 1; // line 7 faulted from step 2 on
  const withFault: Series = { ...base, faulted };
  const healthy: Series = { ...base, faulted: new Uint8Array(base.steps * nl) };
  const a = await chain(net, healthy, 'reconfig', { kind: 'series' }, 0, 3, 60);
  const b = await chain(net, withFault, 'reconfig', { kind: 'series' }, 0, 3, 60);
  a.expert.dispose();
  b.expert.dispose();
  for (const t of [0, 1]) {
    assert.equal(b.rows[t].tr.s.lineFaulted[l7], 0);
    assert.deepEqual([...b.rows[t].tr.a.lineOpen], [...a.rows[t].tr.a.lineOpen], `A(${t}) decided from a healthy S(${t})`);
    assert.deepEqual([...b.rows[t].tr.a.mtPKw], [...a.rows[t].tr.a.mtPKw]);
  }
  // the onset at step 2 shows in R(2) and S(2): line 7 opened by protection, buses beyond it dark
  const onset = b.rows[1];
  assert.equal(onset.tr.s1.lineFaulted[l7], 1);
  assert.equal(onset.tr.s1.lineOpen[l7], 1);
  assert.ok(onset.tr.unservedKw > 0 && onset.tr.r.blackout > 0);
  assert.equal(onset.tr.terminated, false, 'the onset does not end the episode');
  // A(2) sees the fault and restores: everything served at step 3
  const react = b.rows[2];
  assert.equal(react.tr.s.lineFaulted[l7], 1);
  assert.equal(react.tr.a.lineOpen[l7], 1);
  assert.ok(react.tr.unservedKw < 1e-6, `unserved ${react.tr.unservedKw} kW after the restoring action`);
  assert.ok(react.tr.valid);
});

test('an episode driven by the event table with an agent that restores after each fault runs to its horizon', () => {
  const net = loadCase(DATA_33);
  const series = loadSeries(net, DATA_33)!;
  const nl = net.lines.length;
  const horizon = 48;
  // the first window of the table with at least three fault onsets
  const onsets = (t: number): number => {
    let n = 0;
    for (let s = t + 1; s <= t + horizon; s++) {
      let on = false;
      for (let l = 0; l < nl; l++) if (series.faulted![s * nl + l] && !series.faulted![(s - 1) * nl + l]) on = true;
      if (on) n++;
    }
    return n;
  };
  let start = 0;
  while (onsets(start) < 3) start++;
  const env = new RestorationEnv({ net, series, mode: 'reconfig', faults: { kind: 'series' }, observation: 'full', horizon, actionMask: true });
  const table = enumerateRadialConfigurations(net);
  let { info } = env.reset({ seed: 1, options: { start } });
  let darkSteps = 0;
  for (let k = 0; k < horizon; k++) {
    // restore: the first configuration that keeps the observed faults open (all buses supplied)
    const c = info.actionMask!.indexOf(1);
    assert.ok(c >= 0 && c < table.count);
    const r = env.step(c);
    assert.equal(r.terminated, false, `step ${r.info.step}: ${r.info.terminationReason}`);
    assert.equal(r.truncated, k === horizon - 1);
    const tr = env.lastTransition()!;
    const same = tr.s.lineFaulted.every((v, l) => v === tr.s1.lineFaulted[l]);
    if (same) assert.ok(r.info.unservedKw < 1e-9, `step ${r.info.step}: faults known in S(t), everything restored`);
    if (r.info.unservedKw > 0) darkSteps++;
    info = r.info;
  }
  assert.ok(darkSteps >= 1, 'some onset left buses dark for a step (paid through the reward)');
});

test('--objective reward: at least the reward of the best radial configuration (exhaustive, MTs off) to within the gap', async () => {
  const net = loadCase(DATA_33);
  const series = loadSeries(net, DATA_33)!;
  const table = enumerateRadialConfigurations(net);
  const evaluator = new ActionEvaluator(net);
  const M = mtIndices(net).length;
  const none = new Uint8Array(net.lines.length);
  const bestReward = (snap: Snapshot): number => {
    let best = -Infinity;
    const a = { lineOpen: new Uint8Array(net.lines.length), mtPKw: new Float64Array(M), mtQKvar: new Float64Array(M),
      pickup: new Float64Array(net.buses.length).fill(1), gridForming: new Uint8Array(M) };
    for (let c = 0; c < table.count; c++) {
      a.lineOpen.fill(0);
      for (let j = 0; j < table.openCount; j++) a.lineOpen[table.open[c * table.openCount + j]] = 1;
      const ev = evaluator.evaluate(snap, a, { faulted: none, prevOpen: null, islanding: false, weights: DEFAULT_WEIGHTS });
      if (ev.converged && ev.reward.total > best) best = ev.reward.total;
    }
    return best;
  };
  const gap = 0.01;
  const ex = await Expert.create(net, { objective: 'reward', mt: 'off', gap, timeLimitS: 120 });
  try {
    for (const t of [100, 5000]) {
      const snap = { ...snapshot(series, t), faulted: [] };
      const r = ex.solve(snap, null, []);
      assert.equal(r.fallback, false);
      const best = bestReward(snap);
      assert.ok(r.eval.reward.total >= best - gap * Math.abs(best) - 1e-9, `step ${t}: expert reward ${r.eval.reward.total} (open ` +
        `${r.action.openLines}) vs best ${best}`);
      // the model's objective is minus the reward it predicts
      assert.ok(Math.abs(r.objective + r.eval.reward.total) <= gap * Math.abs(r.objective) + 1e-3, `objective ${r.objective} vs AC reward ` +
        `${r.eval.reward.total}`);
    }
  } finally {
    ex.dispose();
  }
});
