import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { readEventTable } from '../grid/series';
import { enumerateScenarios, filterByClass } from './enumerate';
import { checkSceneOptions, generateScene, sceneCsv, sceneStats, SceneOptions } from './scene';

const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');
const net = loadCase(IEEE33);
const pools = [1, 2].map((k) => filterByClass(enumerateScenarios(net, { k }), ['tie', 'island']));
const base: SceneOptions = { steps: 2000, onset: [0.1, 0.01], repairMin: 1, repairMax: 1, seed: 42 };

test('scene: same seed -> identical table, another seed -> another table', () => {
  const a = sceneCsv(37, pools, generateScene(pools, base));
  const b = sceneCsv(37, pools, generateScene(pools, base));
  const c = sceneCsv(37, pools, generateScene(pools, { ...base, seed: 43 }));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('scene: the table loads as an event series, every faulted row is a scenario of the pools', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'case33ts-scene-'));
  try {
    const scene = generateScene(pools, { ...base, repairMin: 2, repairMax: 6 });
    const file = path.join(dir, 'event.csv');
    fs.writeFileSync(file, sceneCsv(37, pools, scene));
    const table = readEventTable(file, net);
    assert.equal(table.length, 2000 * 37);
    const allowed = new Set(pools.flat().map((s) => s.lines.join(',')));
    let faulted = 0;
    for (let t = 0; t < 2000; t++) {
      const lines: number[] = [];
      for (let l = 0; l < 37; l++) if (table[t * 37 + l]) lines.push(l);
      if (lines.length === 0) continue;
      faulted++;
      assert.ok(allowed.has(lines.join(',')), `step ${t}: ${lines} is not an allowed scenario`);
      assert.deepEqual(lines, [...pools[scene.kOf[t] - 1][scene.pick[t]].lines]);
    }
    const st = sceneStats(pools, scene);
    assert.equal(st.healthySteps + faulted, 2000);
    assert.equal(st.faultedStepsByK.n1 + st.faultedStepsByK.n2, faulted);
    assert.equal(st.faultedStepsByClass.tie + st.faultedStepsByClass.island + st.faultedStepsByClass.lost, faulted);
    assert.equal(st.faultedStepsByClass.lost, 0);
    assert.ok(st.meanRepairSteps >= 2 && st.meanRepairSteps <= 6);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('scene: a fault lasts its repair time and nothing else begins meanwhile', () => {
  const scene = generateScene(pools, { ...base, onset: [1], repairMin: 3, repairMax: 3, steps: 30 });
  assert.equal(scene.events.length, 10);
  scene.events.forEach((e, i) => {
    assert.equal(e.start, 3 * i);
    assert.equal(e.steps, 3);
    for (let t = e.start; t < e.start + 3; t++) assert.equal(scene.pick[t], e.scenario);
  });
  // cut at the end of the table
  const cut = generateScene(pools, { ...base, onset: [1], repairMin: 4, repairMax: 4, steps: 10 });
  assert.deepEqual(cut.events.map((e) => e.steps), [4, 4, 2]);
  // variable repair: runs cover the table, durations within range
  const v = generateScene(pools, { ...base, onset: [0.3, 0.1], repairMin: 2, repairMax: 5, steps: 5000 });
  for (let i = 0; i < v.events.length; i++) {
    const e = v.events[i];
    assert.ok(e.repair >= 2 && e.repair <= 5);
    if (i > 0) assert.ok(e.start >= v.events[i - 1].start + v.events[i - 1].steps);
  }
  assert.deepEqual(new Set(v.events.map((e) => e.repair)), new Set([2, 3, 4, 5]));
});

test('scene: repair 1:1 makes hours independent with the given rates', () => {
  const s = sceneStats(pools, generateScene(pools, { ...base, steps: 200000 }));
  // binomial standard deviations: N-1 ~ 134, N-2 ~ 44; allow 5 sigma
  assert.ok(Math.abs(s.faultedStepsByK.n1 - 20000) < 700, `N-1 steps ${s.faultedStepsByK.n1}`);
  assert.ok(Math.abs(s.faultedStepsByK.n2 - 2000) < 230, `N-2 steps ${s.faultedStepsByK.n2}`);
  assert.equal(s.events, s.faultedStepsByK.n1 + s.faultedStepsByK.n2);
  const none = generateScene(pools, { ...base, onset: [0, 0] });
  assert.equal(none.events.length, 0);
  assert.ok(sceneCsv(37, pools, none).split('\n').slice(0, -1).every((r) => r === Array(37).fill('0').join(',')));
});

test('scene: bad options are refused', () => {
  assert.match(checkSceneOptions(pools, { ...base, steps: 0 })!, /steps/);
  assert.match(checkSceneOptions(pools, { ...base, onset: [1.2] })!, /\[0, 1\]/);
  assert.match(checkSceneOptions(pools, { ...base, onset: [-0.1] })!, /\[0, 1\]/);
  assert.match(checkSceneOptions(pools, { ...base, onset: [0.6, 0.5] })!, /sum/);
  assert.match(checkSceneOptions(pools, { ...base, onset: [0, 0, 0.1] })!, /no N-3 scenario/);
  assert.match(checkSceneOptions(pools, { ...base, repairMin: 0 })!, /repair/);
  assert.match(checkSceneOptions(pools, { ...base, repairMin: 3, repairMax: 2 })!, /repair/);
  assert.equal(checkSceneOptions(pools, { ...base, onset: [0.7, 0.3] }), null);
  assert.throws(() => generateScene(pools, { ...base, steps: -1 }), RangeError);
});
