/**
 * Event tables over time ("scenes"): which lines are faulted at each step, drawn with a seed.
 *
 * The process, one step at a time (a step is one row of the data set, an hour in the bundled
 * series):
 *  - in a healthy step, a fault of k lines begins with probability onset[k-1] (one uniform draw
 *    picks "none" or one k); its scenario is drawn uniformly from pools[k-1] (the enumerated
 *    N-k scenarios of the allowed classes) and its repair time uniformly from the integers
 *    repairMin..repairMax (steps);
 *  - the faulted lines stay faulted for that many steps, starting with the step of the onset;
 *    no other fault begins meanwhile (so every faulted row is exactly one scenario of an
 *    allowed class); the step after the repair is healthy again and draws anew.
 * With repairMin = repairMax = 1 every step is an independent draw, as in the original
 * (about 89 % normal, 10 % N-1, 1 % N-2 with onset [0.1, 0.01]). A fault still under repair at
 * the last step is cut off by the end of the table.
 * Everything random comes from one Rng(seed): same pools, options and seed give the same table.
 */
import { Rng } from '../util/rng';
import { FaultClass, FAULT_CLASSES } from './classify';
import { faultRow } from './format';

/** What a scene draws from: a scenario is its faulted lines (0-based) and its class. */
export interface PoolScenario {
  lines: readonly number[];
  cls: FaultClass;
}

export interface SceneOptions {
  /** number of rows (steps) */
  steps: number;
  /** onset[k-1]: probability that a fault of k lines begins in a healthy step */
  onset: readonly number[];
  /** repair time range in steps, integers, 1 <= repairMin <= repairMax */
  repairMin: number;
  repairMax: number;
  seed: number;
}

export interface SceneEvent {
  /** 0-based step of the onset */
  start: number;
  /** steps faulted inside the table (the drawn repair time, cut at the end) */
  steps: number;
  /** drawn repair time in steps */
  repair: number;
  k: number;
  /** index into pools[k-1] */
  scenario: number;
}

export interface Scene {
  steps: number;
  /** per step: number of faulted lines (0 = healthy) */
  kOf: Uint8Array;
  /** per step: index into pools[kOf-1], -1 when healthy */
  pick: Int32Array;
  events: SceneEvent[];
}

const SUM_TOLERANCE = 1e-9;

/** Checks the options against the pools; returns a message naming the field, or null. */
export function checkSceneOptions(pools: readonly (readonly PoolScenario[])[], o: SceneOptions): string | null {
  if (!Number.isInteger(o.steps) || o.steps < 1) return `steps must be an integer >= 1, got ${o.steps}`;
  let sum = 0;
  for (let i = 0; i < o.onset.length; i++) {
    const p = o.onset[i];
    if (!(p >= 0 && p <= 1)) return `onset probability of N-${i + 1} must be in [0, 1], got ${p}`;
    if (p > 0 && !(pools[i] && pools[i].length > 0)) return `onset probability of N-${i + 1} is ${p} but there is no N-${i + 1} scenario to draw from`;
    sum += p;
  }
  if (sum > 1 + SUM_TOLERANCE) return `onset probabilities must sum to at most 1, got ${sum}`;
  if (!Number.isInteger(o.repairMin) || !Number.isInteger(o.repairMax) || o.repairMin < 1 || o.repairMax < o.repairMin) {
    return `repair range must be integers 1 <= min <= max, got ${o.repairMin}:${o.repairMax}`;
  }
  if (!Number.isInteger(o.seed)) return `seed must be an integer, got ${o.seed}`;
  return null;
}

export function generateScene(pools: readonly (readonly PoolScenario[])[], o: SceneOptions): Scene {
  const problem = checkSceneOptions(pools, o);
  if (problem) throw new RangeError(problem);
  const rng = new Rng(o.seed);
  const kOf = new Uint8Array(o.steps);
  const pick = new Int32Array(o.steps).fill(-1);
  const events: SceneEvent[] = [];
  const span = o.repairMax - o.repairMin + 1;
  let t = 0;
  while (t < o.steps) {
    const u = rng.next();
    let k = 0;
    let acc = 0;
    for (let i = 0; i < o.onset.length; i++) {
      acc += o.onset[i];
      if (u < acc) {
        k = i + 1;
        break;
      }
    }
    if (k === 0) {
      t++;
      continue;
    }
    const scenario = rng.int(pools[k - 1].length);
    const repair = o.repairMin + rng.int(span);
    const end = Math.min(o.steps, t + repair);
    for (let s = t; s < end; s++) {
      kOf[s] = k;
      pick[s] = scenario;
    }
    events.push({ start: t, steps: end - t, repair, k, scenario });
    t = end;
  }
  return { steps: o.steps, kOf, pick, events };
}

/**
 * The event table as CSV text in the format of data/<case>/event.csv: no header, one row per
 * step, one 0/1 cell per line in lines.csv order (1 = faulted).
 */
export function sceneCsv(lineCount: number, pools: readonly (readonly PoolScenario[])[], scene: Scene): string {
  const healthy = faultRow(lineCount, []);
  const memo = pools.map(() => new Map<number, string>());
  const rows = new Array<string>(scene.steps + 1);
  for (let t = 0; t < scene.steps; t++) {
    const k = scene.kOf[t];
    if (k === 0) {
      rows[t] = healthy;
      continue;
    }
    const m = memo[k - 1];
    let r = m.get(scene.pick[t]);
    if (r === undefined) {
      r = faultRow(lineCount, pools[k - 1][scene.pick[t]].lines);
      m.set(scene.pick[t], r);
    }
    rows[t] = r;
  }
  rows[scene.steps] = '';
  return rows.join('\n');
}

export interface SceneStats {
  steps: number;
  healthySteps: number;
  /** faulted steps by number of faulted lines ("n1", "n2", ...) */
  faultedStepsByK: Record<string, number>;
  faultedStepsByClass: Record<FaultClass, number>;
  /** fault onsets */
  events: number;
  eventsByK: Record<string, number>;
  eventsByClass: Record<FaultClass, number>;
  /** mean drawn repair time, steps (0 when no event) */
  meanRepairSteps: number;
}

export function sceneStats(pools: readonly (readonly PoolScenario[])[], scene: Scene, maxK = pools.length): SceneStats {
  const zeroClasses = () => Object.fromEntries(FAULT_CLASSES.map((c) => [c, 0])) as Record<FaultClass, number>;
  const zeroK = () => Object.fromEntries(Array.from({ length: maxK }, (_, i) => [`n${i + 1}`, 0])) as Record<string, number>;
  const st: SceneStats = {
    steps: scene.steps,
    healthySteps: 0,
    faultedStepsByK: zeroK(),
    faultedStepsByClass: zeroClasses(),
    events: scene.events.length,
    eventsByK: zeroK(),
    eventsByClass: zeroClasses(),
    meanRepairSteps: 0,
  };
  let repairSum = 0;
  for (const e of scene.events) {
    const cls = pools[e.k - 1][e.scenario].cls;
    st.eventsByK[`n${e.k}`]++;
    st.eventsByClass[cls]++;
    st.faultedStepsByK[`n${e.k}`] += e.steps;
    st.faultedStepsByClass[cls] += e.steps;
    repairSum += e.repair;
  }
  st.healthySteps = scene.steps - scene.events.reduce((a, e) => a + e.steps, 0);
  st.meanRepairSteps = scene.events.length ? repairSum / scene.events.length : 0;
  return st;
}
