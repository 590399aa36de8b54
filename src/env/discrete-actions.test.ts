/** Local-move and toggle action spaces, their masks, MT levels and the vector observation. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { loadSeries, withEventTable, Series } from '../grid/series';
import { Network } from '../grid/network';
import { RestorationEnv, DiscreteKind, EnvMode, FullObservation } from './restoration-env';
import { moveTable, applyMove, moveLabel, mtLevelKw } from './discrete-actions';
import { lineBlocks } from '../topology/blocks';
import { enumerateRadialConfigurations, findConfiguration } from '../topology/spanning-trees';
import { fundamentalLoops } from '../topology/graph';
import { whyNotContained } from './spaces';
import { Rng } from '../util/rng';
import { writeSixBusFeeder } from '../testing/feeders';

const DATA = path.join(__dirname, '..', '..', 'data', 'ieee33');
const net33 = loadCase(DATA);
const series33 = loadSeries(net33, DATA) as Series;
const repair33 = withEventTable(series33, net33, path.join(DATA, 'event-repair.csv'));

/**
 * Exchanges that lead from one radial configuration to another, found from the configuration
 * table alone (every `stride`-th configuration): close an open line x, open a closed line y, and
 * look the result up in the table.
 */
function exchangesFromTable(net: Network, stride = 1): Set<string> {
  const tb = enumerateRadialConfigurations(net);
  const k = tb.openCount;
  const pairs = new Set<string>();
  for (let c = 0; c < tb.count; c += stride) {
    const open = Array.from(tb.open.subarray(c * k, (c + 1) * k));
    for (const x of open) {
      for (let y = 0; y < net.lines.length; y++) {
        if (open.includes(y) || !net.lines[y].switchable) continue;
        const next = open.filter((o) => o !== x).concat(y).sort((p, q) => p - q);
        if (findConfiguration(tb, next) >= 0) pairs.add(`${Math.min(x, y)},${Math.max(x, y)}`);
      }
    }
  }
  return pairs;
}

test('move table of the 33-bus case: 630 exchanges (line 1 is a bridge) + 37 closes + keep, each exchange valid in some radial configuration', () => {
  const { blockOf } = lineBlocks(net33);
  const others = new Set(Array.from(blockOf).slice(1));
  assert.equal(others.size, 1, 'lines 2..37 lie in one block');
  assert.notEqual(blockOf[0], blockOf[1], 'line 1 (substation - bus 2) is in no loop');
  const t = moveTable(net33);
  assert.equal(t.exchanges, 630);
  assert.equal(t.count, 667);
  const mine = new Set<string>();
  for (let m = 0; m < t.exchanges; m++) mine.add(`${t.a[m]},${t.b[m]}`);
  assert.deepEqual([...mine].sort(), [...exchangesFromTable(net33, 7)].sort());
  assert.equal(moveLabel(net33, t, 0), 'exchange L2/L3');
  assert.equal(moveLabel(net33, t, 666), 'close L37');
  assert.equal(moveLabel(net33, t, 667), 'keep');
  // an exchange needs one line open and one closed; it swaps them
  const open = new Uint8Array(37);
  open[32] = 1;
  const out = new Uint8Array(37);
  const m = [...Array(t.exchanges).keys()].find((k) => t.a[k] === 6 && t.b[k] === 32)!;
  assert.equal(applyMove(t, m, open, out), true);
  assert.equal(out[6], 1);
  assert.equal(out[32], 0);
  open[6] = 1;
  assert.equal(applyMove(t, m, open, out), false);
});

test('a 6-bus feeder with two substations and a fixed line: blocks merge the substations, the fixed line is never moved', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moves-'));
  writeSixBusFeeder(dir);
  const net = loadCase(dir);
  const t = moveTable(net);
  // every line but 1 (1-2 is in loop 1-2-..-6-1 through the merged substations) is in one block
  const mine = new Set<string>();
  for (let m = 0; m < t.exchanges; m++) mine.add(`${t.a[m]},${t.b[m]}`);
  assert.deepEqual([...mine].sort(), [...exchangesFromTable(net)].sort());
  for (let m = 0; m < t.count; m++) assert.ok(t.a[m] !== 4 && t.b[m] !== 4, 'line 5 has no switch');
  assert.equal(t.count - t.exchanges, 6, 'one close per switchable line');
});

test('MT levels: off, then pMin..pMax evenly; 2 levels are off and pMax', () => {
  assert.deepEqual([0, 1, 2, 3].map((j) => mtLevelKw(100, 400, 4, j)), [0, 100, 250, 400]);
  assert.deepEqual([0, 1].map((j) => mtLevelKw(100, 400, 2, j)), [0, 400]);
});

/** Random walk; at each state every index of the mask is compared with what step does with it (on one of them). */
function maskIsAcceptance(mode: EnvMode, kind: DiscreteKind, steps: number, seed: number): { valid: number; rejected: number; meanValid: number } {
  const env = new RestorationEnv({ net: net33, series: repair33, mode, actions: kind, actionMask: true, start: 'random', horizon: 24 });
  const rng = new Rng(seed);
  let r = env.reset({ seed });
  let valid = 0;
  let rejected = 0;
  let sum = 0;
  for (let k = 0; k < steps; k++) {
    const mask = r.info.actionMask!;
    assert.equal(mask.length, env.discreteSize());
    assert.equal(mask[mask.length - 1], 1, 'keep is always valid');
    // the mask equals the environment's own check of every index
    assert.deepEqual(mask, env.discreteMask());
    const ok: number[] = [];
    const bad: number[] = [];
    mask.forEach((v, i) => (v ? ok : bad).push(i));
    sum += ok.length;
    const pickBad = bad.length > 0 && rng.next() < 0.3;
    const a = pickBad ? bad[rng.int(bad.length)] : ok[rng.int(ok.length)];
    const before = env.currentState()!.lineOpen.slice();
    const s = env.step({ [kind]: a });
    assert.equal(s.info.valid, !pickBad, `${kind} ${a} (${env.discreteLabel(a)}) at step ${s.info.step}: ${s.info.errors.join('; ')}`);
    if (pickBad) {
      rejected++;
      assert.ok(s.info.errors.length > 0);
      assert.ok(s.info.reward.invalid !== 0, 'a rejected action pays the penalty');
      // switches unchanged but for protection opening a new fault
      for (let l = 0; l < 37; l++) if (!s.info.errors.length || !env.currentState()!.lineFaulted[l]) assert.equal(env.currentState()!.lineOpen[l], before[l]);
    } else valid++;
    r = s.terminated || s.truncated ? env.reset() : s;
  }
  return { valid, rejected, meanValid: sum / steps };
}

test('move and toggle masks equal acceptance, reconfig and restore, under the 2-8 h repair event table', () => {
  const rm = maskIsAcceptance('reconfig', 'move', 300, 1);
  assert.ok(rm.rejected > 40 && rm.valid > 150, JSON.stringify(rm));
  assert.ok(rm.meanValid > 20 && rm.meanValid < 120, `a few dozen valid moves, found ${rm.meanValid}`);
  maskIsAcceptance('restore', 'move', 150, 2);
  maskIsAcceptance('reconfig', 'toggle', 150, 3);
  maskIsAcceptance('restore', 'toggle', 150, 4);
});

test('reconfig move mask at the base case: every exchange that closes a tie and opens a line of its loop (59 + keep)', () => {
  const env = new RestorationEnv({ net: net33, series: series33, faults: { kind: 'none' }, actions: 'move', actionMask: true });
  const r = env.reset({ seed: 0 });
  const mask = r.info.actionMask!;
  const valid = mask.reduce((a, b) => a + b, 0) - 1;
  // independent count: the five fundamental loops of ties 33..37 in the base tree, less the ties themselves
  const out = new Uint8Array(37);
  let expected = 0;
  for (const tie of [32, 33, 34, 35, 36]) {
    out.fill(0);
    for (const o of [32, 33, 34, 35, 36]) if (o !== tie) out[o] = 1;
    expected += fundamentalLoops(net33, out)[0].length - 1;
  }
  assert.equal(valid, expected);
  assert.equal(valid, 59);
});

test('MT control: levels in the action, fixed at pMin, off throughout', () => {
  const net = net33;
  const mts = net.generators.map((g, i) => (g.kind === 'MT' ? i : -1)).filter((i) => i >= 0);
  const env = new RestorationEnv({ net, series: series33, faults: { kind: 'none' }, actions: 'move', mt: 'action', mtLevels: 4 });
  env.reset({ seed: 0 });
  const keep = env.discreteSize() - 1;
  let s = env.step({ move: keep, mtLevel: [0, 1, 3] });
  const full = s.observation as FullObservation;
  assert.equal(s.info.valid, true);
  assert.equal(full.genPKw[mts[0]], 0);
  assert.equal(full.genPKw[mts[1]], net.generators[mts[1]].pMinKw);
  assert.equal(full.genPKw[mts[2]], net.generators[mts[2]].pMaxKw);
  s = env.step({ move: keep, mtLevel: [4, 4, 2] });
  const f2 = s.observation as FullObservation;
  assert.equal(f2.genPKw[mts[0]], 0, 'level 4 = keep');
  assert.equal(f2.genPKw[mts[2]], (net.generators[mts[2]].pMinKw + net.generators[mts[2]].pMaxKw) / 2);
  assert.throws(() => env.step({ move: keep, mtLevel: [5, 0, 0] }), /mtLevel\[0\]: expected an integer in 0..4 \(4 = keep\), found 5/);

  const fixed = new RestorationEnv({ net, series: series33, faults: { kind: 'none' }, mt: 'fixed' });
  const r = fixed.reset({ seed: 0 }).observation as FullObservation;
  for (const g of mts) assert.equal(r.genPKw[g], net.generators[g].pMinKw);
  assert.throws(() => fixed.step({ mtPKw: [0, 0, 0] }), /mtPKw: the MTs are not in the action \(mt: fixed\)/);
  const off = new RestorationEnv({ net, series: series33, faults: { kind: 'none' }, mt: 'off' });
  const o = off.reset({ seed: 0 }).observation as FullObservation;
  for (const g of mts) assert.equal(o.genPKw[g], 0);
  const so = off.step({ config: off.discreteSize() - 1 });
  assert.equal(so.info.reward.mt, 0, 'no MT cost with the MTs off');
  assert.throws(() => new RestorationEnv({ net, series: series33, mt: 'on' as never }), /mt: expected one of action, fixed, off, found "on"/);
});

test('vector observation: the full observation\'s values by name, inside finite bounds with low < high', () => {
  const opts = { net: net33, series: repair33, mode: 'restore' as const, start: 300, horizon: 24, noiseSd: 0.05, seed: 9 };
  const vec = new RestorationEnv({ ...opts, observation: 'vector' });
  const full = new RestorationEnv({ ...opts, observation: 'full' });
  const layout = vec.vector;
  const nb = 33;
  const ng = net33.generators.length;
  assert.equal(layout.size, 2 * 37 + 2 * nb + 2 * ng + nb + 3 + nb + 3);
  assert.equal(layout.size, 226);
  for (let k = 0; k < layout.size; k++) {
    assert.ok(Number.isFinite(layout.low[k]) && Number.isFinite(layout.high[k]) && layout.low[k] < layout.high[k], layout.names[k]);
  }
  let rv = vec.reset({ seed: 9 });
  let rf = full.reset({ seed: 9 });
  const rng = new Rng(4);
  for (let k = 0; k <= 24; k++) {
    const v = rv.observation as Float64Array;
    const f = rf.observation as FullObservation;
    assert.equal(whyNotContained(vec.observationSpace, v), null);
    const at = (name: string): number => v[layout.names.indexOf(name)];
    net33.lines.forEach((l, i) => {
      assert.equal(at(`open_L${l.id}`), f.switchOpen[i]);
      assert.equal(at(`faulted_L${l.id}`), f.faulted[i]);
    });
    net33.buses.forEach((b, i) => {
      const clip = (x: number, name: string): number => Math.min(layout.high[layout.names.indexOf(name)], Math.max(layout.low[layout.names.indexOf(name)], x));
      assert.equal(at(`loadP_B${b.id}`), clip(f.loadPKw[i], `loadP_B${b.id}`));
      assert.equal(at(`v_B${b.id}`), f.vPu[i]);
      assert.equal(at(`pickup_B${b.id}`), f.pickup[i]);
    });
    net33.generators.forEach((g, i) => assert.equal(at(`genP_G${g.id}`), f.genPKw[i]));
    assert.equal(at('hour'), f.hour[0]);
    assert.equal(at('progress'), (f.step - 300) / 24);
    if (k === 24) break;
    const a = { open: [33, 34, 35, 36, 37].filter(() => rng.next() < 0.8) };
    rv = vec.step(a) as never;
    rf = full.step(a) as never;
  }
});

test('vector observation with forecast: step t+1\'s loads, PV/WT and price, the perfect forecast the expert uses', () => {
  const env = new RestorationEnv({ net: net33, series: series33, faults: { kind: 'none' }, observation: 'vector', forecast: true, start: 100, horizon: 3 });
  const names = env.vector.names;
  const pv = net33.generators.filter((g) => g.kind !== 'MT').length;
  assert.equal(env.vector.size, 226 + 2 * 33 + pv + 1);
  let r = env.reset({ seed: 0 });
  for (let t = 100; t < 103; t++) {
    const v = r.observation as Float64Array;
    const at = (n: string): number => v[names.indexOf(n)];
    net33.buses.forEach((b, i) => {
      assert.equal(at(`next_loadP_B${b.id}`), series33.loadPKw[(t + 1) * 33 + i]);
      assert.equal(at(`loadP_B${b.id}`), series33.loadPKw[t * 33 + i], 'the current step beside it');
    });
    net33.generators.forEach((g, i) => {
      if (g.kind !== 'MT') assert.equal(at(`next_genP_G${g.id}`), series33.genPKw[(t + 1) * net33.generators.length + i]);
    });
    assert.equal(at('next_price'), series33.gridPricePerKwh ? series33.gridPricePerKwh[t + 1] : 0);
    if (t < 102) r = env.step({ config: 50751 }) as never;
  }
  assert.throws(() => new RestorationEnv({ net: net33, series: series33, observation: 'full', forecast: true }),
    /forecast: only the vector observation carries a forecast/);
});
