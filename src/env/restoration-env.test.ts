import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { loadSeries, Series } from '../grid/series';
import { Rng } from '../util/rng';
import { Action, ActionError, EnvOptions, FullObservation, RestorationEnv } from './restoration-env';
import { contains, sample, whyNotContained } from './spaces';

const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');
const net = loadCase(IEEE33);
const series = loadSeries(net, IEEE33) as Series;
const li = (id: number): number => net.lineIndex.get(id)!;
const TIES = [33, 34, 35, 36, 37];

function makeEnv(o: Partial<EnvOptions> = {}): RestorationEnv {
  return new RestorationEnv({ net, series, faults: { kind: 'none' }, horizon: 24, ...o });
}

function json(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x));
}

/** A mixed, seeded action sequence: table configurations, open lists, switch vectors, MT set-points. */
function actions(env: RestorationEnv, n: number, seed: number): Action[] {
  const rng = new Rng(seed);
  const cfgN = env.radialTable().count;
  const out: Action[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const mt = sample(env.actionSpace, rng) as { mtPKw: number[]; mtQKvar: number[] };
    if (kind === 0) out.push(rng.int(cfgN));
    else if (kind === 1) out.push({ config: rng.int(cfgN), mtPKw: mt.mtPKw, mtQKvar: mt.mtQKvar });
    else if (kind === 2) out.push({ open: TIES, mtPKw: mt.mtPKw });
    else out.push(sample(env.actionSpace, rng) as Action);
  }
  return out;
}

function trajectory(seed: number, o: Partial<EnvOptions>): string {
  const env = makeEnv(o);
  const parts: string[] = [json(env.reset({ seed }))];
  for (const a of actions(env, 30, 99)) {
    const r = env.step(a);
    parts.push(json(r));
    if (r.terminated || r.truncated) parts.push(json(env.reset({})));
  }
  return parts.join('\n');
}

test('determinism: same seed and actions give byte-identical trajectories (noise, random start, event faults)', () => {
  const o: Partial<EnvOptions> = { observation: 'full', noiseSd: 0.05, start: 'random', horizon: 8, faults: { kind: 'series' }, actionMask: true };
  const a = trajectory(7, o);
  const b = trajectory(7, o);
  assert.equal(a, b);
  assert.notEqual(trajectory(8, o), a);
  const c = trajectory(7, { ...o, observation: 'case33py' });
  assert.equal(c, trajectory(7, { ...o, observation: 'case33py' }));
});

test('spaces match the observations and actions actually produced (both encodings)', () => {
  for (const observation of ['full', 'case33py'] as const) {
    const env = makeEnv({ observation, faults: { kind: 'series' }, start: 9, noiseSd: 0.1 });
    const r0 = env.reset({ seed: 3 });
    assert.equal(whyNotContained(env.observationSpace, r0.observation), null);
    const cfgSpace = env.configActionSpace();
    const rng = new Rng(5);
    for (let i = 0; i < 40; i++) {
      const a = i % 2 ? sample(env.actionSpace, rng) : sample(cfgSpace, rng);
      assert.ok(contains(i % 2 ? env.actionSpace : cfgSpace, a));
      const r = env.step(a as Action);
      assert.equal(whyNotContained(env.observationSpace, r.observation), null, `step ${i}`);
      const tr = env.lastTransition()!;
      assert.equal(whyNotContained(env.actionSpace,
        { switches: Array.from(tr.a.lineOpen), mtPKw: Array.from(tr.a.mtPKw), mtQKvar: Array.from(tr.a.mtQKvar), pickup: Array.from(tr.a.pickup),
        gridForming: Array.from(tr.a.gridForming) }), null);
      if (r.terminated || r.truncated) env.reset({});
    }
  }
  const e = makeEnv({ observation: 'case33py' });
  assert.deepEqual((e.observationSpace as { shape: number[] }).shape, [40]);
});

test('invalid action: unknown line -> rejected with an error and the penalty, switches unchanged', () => {
  const env = makeEnv();
  const r0 = env.reset({ seed: 1 });
  const before = Array.from((r0.observation as FullObservation).switchOpen);
  const r = env.step({ open: [99, 33, 34, 35, 36], mtPKw: [3000, 500, 1500] });
  assert.equal(r.info.valid, false);
  assert.deepEqual(Array.from(env.lastTransition()!.a.mtPKw), [750, 125, 375], 'set-points of a rejected action are not applied');
  assert.match(r.info.errors.join(';'), /unknown line 99/);
  assert.equal(r.info.reward.invalid, 100);
  assert.ok(r.reward <= -100);
  assert.deepEqual(Array.from((r.observation as FullObservation).switchOpen), before);
  assert.equal(r.terminated, false);
  const rc = env.step({ config: 10 ** 6 });
  assert.equal(rc.info.valid, false);
  assert.match(rc.info.errors[0], /configuration 1000000 outside 0..50751 \(50751 = keep\)/);
});

test('invalid action: meshed or non-radial topology in reconfig mode -> rejected; accepted in restore mode', () => {
  const env = makeEnv();
  env.reset({ seed: 1 });
  const meshed = env.step({ open: [33, 34, 35, 36] });
  assert.equal(meshed.info.valid, false);
  assert.match(meshed.info.errors[0], /not radial/);
  assert.equal(meshed.info.reward.invalid, 100);
  const cut = env.step({ open: [1, 33, 34, 35, 36, 37] });
  assert.equal(cut.info.valid, false);
  assert.equal(cut.terminated, false, 'the previous topology stayed in force');
  const restore = makeEnv({ mode: 'restore' });
  restore.reset({ seed: 1 });
  const m = restore.step({ open: [33, 34, 35, 36] });
  assert.equal(m.info.valid, true);
  assert.equal(m.info.pfStatus, 'converged');
  assert.equal(m.info.reward.invalid, 0);
});

test('closing a faulted line: opened by protection (clipped, no penalty); the mask marks configurations that isolate it', () => {
  const env = makeEnv({ faults: { kind: 'scenarios', scenarios: [[li(7)]] }, actionMask: true });
  const r0 = env.reset({ seed: 1 });
  assert.equal((r0.observation as FullObservation).faulted[li(7)], 1);
  const r = env.step({ open: TIES });
  assert.equal(r.info.valid, true);
  assert.equal(r.info.reward.invalid, 0);
  assert.match(r.info.clipped.join(';'), /line 7 is faulted at step 1: opened/);
  assert.equal((r.observation as FullObservation).switchOpen[li(7)], 1);
  assert.equal(r.terminated, false, 'lost supply is paid through the reward, it does not end the episode');
  assert.equal(r.info.terminationReason, null);
  assert.ok(r.info.unservedKw > 0);
  assert.ok(Math.abs(r.info.reward.blackout - 10 * r.info.unservedKw) < 1e-9);
  // the original's rule: any dark bus ends the episode
  const orig = makeEnv({ faults: { kind: 'scenarios', scenarios: [[li(7)]] }, termination: 'any-loss' });
  orig.reset({ seed: 1 });
  const ro = orig.step({ open: TIES });
  assert.equal(ro.terminated, true);
  assert.equal(ro.info.terminationReason, 'supply-lost');
  // a restoration through tie 33 (8-21)
  env.reset({ seed: 1 });
  const ok = env.step({ open: [7, 34, 35, 36, 37] });
  assert.equal(ok.terminated, false);
  assert.equal(ok.info.unservedKw, 0);
  const table = env.radialTable();
  const idx = ok.info.config!;
  assert.ok(idx >= 0);
  assert.equal(ok.info.actionMask![idx], 1);
  let valid = 0;
  for (let c = 0; c < table.count; c++) {
    let has = false;
    for (let j = 0; j < table.openCount; j++) if (table.open[c * table.openCount + j] === li(7)) has = true;
    assert.equal(ok.info.actionMask![c], has ? 1 : 0);
    valid += ok.info.actionMask![c];
  }
  assert.ok(valid > 0 && valid < table.count);
  // two faults: both open; the same array again for the same faults (its identity tells a change)
  const two = new Uint8Array(env.net.lines.length);
  two[li(7)] = 1;
  two[li(33)] = 1;
  const m2 = env.maskFor(two);
  let valid2 = 0;
  for (let c = 0; c < table.count; c++) {
    const row = Array.from(table.open.subarray(c * table.openCount, (c + 1) * table.openCount));
    assert.equal(m2[c], row.includes(li(7)) && row.includes(li(33)) ? 1 : 0);
    valid2 += m2[c];
  }
  assert.ok(valid2 > 0 && valid2 < valid);
  assert.equal(env.maskFor(two.slice()), m2);
});

test('MT set-points outside their limits are clipped (no penalty); P <= 0 switches the MT off', () => {
  const env = makeEnv();
  env.reset({ seed: 1 });
  const r = env.step({ open: TIES, mtPKw: [5000, 50, -3], mtQKvar: [2000, -5, 10] });
  assert.equal(r.info.valid, true);
  assert.equal(r.info.reward.invalid, 0);
  const tr = env.lastTransition()!;
  assert.deepEqual(Array.from(tr.a.mtPKw), [3000, 125, 0]);
  assert.deepEqual(Array.from(tr.a.mtQKvar), [1500, 0, 0]);
  assert.equal(r.info.clipped.length, 6); // three P and three Q values changed
  const obs = r.observation as FullObservation;
  assert.equal(obs.genPKw[2], 0, 'MT 3 is off');
});

test('malformed actions throw ActionError and change nothing', () => {
  const env = makeEnv();
  env.reset({ seed: 1 });
  const bad: unknown[] = ['x', null, [1, 2], { switches: [1, 2] }, { open: [33], config: 1 }, { foo: 1 }, { mtPKw: [1] }, { config: 1.5 }, { open: ['a'] },
    { switches: new Array(37).fill(2) }];
  for (const a of bad) assert.throws(() => env.step(a as Action), ActionError, JSON.stringify(a));
  assert.equal(env.currentStep, 0);
  const r = env.step({ open: TIES });
  assert.equal(r.info.step, 1);
  assert.throws(() => makeEnv().step(0), /before reset/);
});

test('termination rules and truncation at the horizon', () => {
  // the substation line faulted: reconfig mode loses everything
  const sc = { kind: 'scenarios' as const, scenarios: [[li(1)]] };
  const rec = makeEnv({ faults: sc });
  rec.reset({ seed: 1 });
  // radial as far as the fault allows (nothing can reach buses 2..33): valid, everything unserved
  const r1 = rec.step({ open: [1, 34, 35, 36, 37], mtPKw: [1000, 300, 800] });
  assert.equal(r1.info.valid, true);
  assert.equal(r1.terminated, false);
  assert.ok(Math.abs(r1.info.unservedKw - r1.info.loadKw) < 1e-9);
  // with the fault on line 7, buses 8.. can be reached through the ties: leaving them cut off is not radial
  const rec7 = makeEnv({ faults: { kind: 'scenarios', scenarios: [[li(7)]] } });
  rec7.reset({ seed: 1 });
  const r1b = rec7.step({ open: [7, 33, 34, 35, 36, 37] });
  assert.equal(r1b.info.valid, false);
  assert.match(r1b.info.errors[0], /a bus cut off that switching could supply/);
  // restore mode: MTs energize the feeder as islands; nothing is reachable from the substation, so no termination
  const res = makeEnv({ faults: sc, mode: 'restore' });
  res.reset({ seed: 1 });
  const r2 = res.step({ open: [1, 33, 34, 35, 36, 37], mtPKw: [1000, 300, 800], mtQKvar: [300, 100, 200] });
  assert.equal(r2.info.valid, true);
  assert.equal(r2.terminated, false);
  assert.equal(r2.info.unservedKw, 0);
  assert.equal(r2.info.pfStatus, 'converged');
  // restore mode, fault on line 7 left unrestored: buses reachable through ties are dark ->
  // terminated only with the 'supply-lost' rule; 'default' and 'powerflow' go on (blackout cost)
  for (const [termination, ends] of [['supply-lost', true], ['default', false], ['powerflow', false]] as const) {
    const res7 = makeEnv({ faults: { kind: 'scenarios', scenarios: [[li(7)]] }, mode: 'restore', termination });
    res7.reset({ seed: 1 });
    const r3 = res7.step({ open: TIES, mtPKw: [0, 0, 0] });
    assert.equal(r3.terminated, ends, termination);
    assert.equal(r3.info.terminationReason, ends ? 'supply-lost' : null);
  }
  // truncation
  const env = makeEnv({ horizon: 3, start: 5 });
  env.reset({ seed: 1 });
  const flags = [0, 1, 2].map(() => env.step({ open: TIES }).truncated);
  assert.deepEqual(flags, [false, false, true]);
  assert.equal(env.currentStep, 8);
  // reset option errors
  assert.throws(() => env.reset({ options: { start: series.steps } }), ActionError);
  assert.throws(() => env.reset({ options: { scenario: 0 } }), /no scenario list/);
});

test('transitions: S(t) at t, A(t) as commanded, S(t+1) at t+1 with the switching it caused', () => {
  const env = makeEnv({ weights: { switchingCostPerOp: 2 } });
  env.reset({ seed: 1, options: { start: 100 } });
  const r = env.step({ open: [7, 34, 35, 36, 37] });
  const tr = env.lastTransition()!;
  assert.equal(tr.s.step, 100);
  assert.equal(tr.s1.step, 101);
  assert.equal(r.info.switchOps, 2);
  assert.equal(r.info.reward.switching, 4);
  assert.deepEqual([...tr.a.lineOpen].map((v, i) => (v ? net.lines[i].id : 0)).filter(Boolean), [7, 34, 35, 36, 37]);
  assert.equal(tr.s.lineOpen[li(33)], 1);
  assert.equal(tr.s1.lineOpen[li(33)], 0);
  assert.equal(tr.r.total, r.reward);
});
