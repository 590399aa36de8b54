/**
 * Exhaustive N-k enumeration: every combination of k faulted lines out of the candidate lines
 * (all lines of the case but the excluded ones), each classified (see classify.ts).
 * Combinations come in lexicographic order of line index, i.e. of the order of lines.csv.
 */
import { Network } from '../grid/network';
import { Classification, FaultClass, FaultClassifier, FAULT_CLASSES } from './classify';

export interface Scenario extends Classification {
  /** 0-based indices of the faulted lines, ascending */
  lines: number[];
}

export interface EnumerateOptions {
  /** number of lines faulted together (>= 1) */
  k: number;
  /** 0-based indices of lines never faulted */
  exclude?: Iterable<number>;
}

/** Refuse enumerations larger than this (memory); --exclude narrows the candidates. */
export const MAX_SCENARIOS = 1_000_000;

/** Binomial coefficient C(n, k) as a float (exact below 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Candidate line indices: every line of the case except the excluded ones, in order. */
export function candidateLines(net: Network, exclude: Iterable<number> = []): number[] {
  const ex = new Set(exclude);
  const out: number[] = [];
  for (let i = 0; i < net.lines.length; i++) if (!ex.has(i)) out.push(i);
  return out;
}

/**
 * Call `visit` with every k-subset of `items` in lexicographic order. The array passed is
 * reused between calls: copy it to keep it.
 */
export function forEachCombination(items: readonly number[], k: number, visit: (combo: number[]) => void): void {
  const n = items.length;
  if (!Number.isInteger(k) || k < 1 || k > n) return;
  const idx = new Int32Array(k);
  for (let i = 0; i < k; i++) idx[i] = i;
  const combo = new Array<number>(k);
  for (;;) {
    for (let i = 0; i < k; i++) combo[i] = items[idx[i]];
    visit(combo);
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/** Every N-k scenario of the network, classified. */
export function enumerateScenarios(net: Network, opts: EnumerateOptions, classifier = new FaultClassifier(net)): Scenario[] {
  const { k } = opts;
  const cands = candidateLines(net, opts.exclude);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  if (k > cands.length) throw new RangeError(`k = ${k} exceeds the ${cands.length} candidate lines`);
  const total = binomial(cands.length, k);
  if (total > MAX_SCENARIOS) throw new RangeError(`C(${cands.length}, ${k}) = ${total} scenarios exceeds the limit of ${MAX_SCENARIOS}`);
  const out: Scenario[] = [];
  forEachCombination(cands, k, (combo) => {
    const c = classifier.classify(combo);
    out.push({ lines: combo.slice(), cls: c.cls, islandBuses: c.islandBuses, lostBuses: c.lostBuses });
  });
  return out;
}

export type ClassCounts = Record<FaultClass, number> & { total: number };

export function countByClass(scenarios: readonly { cls: FaultClass }[]): ClassCounts {
  const c = { tie: 0, island: 0, lost: 0, total: scenarios.length } as ClassCounts;
  for (const s of scenarios) c[s.cls]++;
  return c;
}

export function filterByClass<T extends { cls: FaultClass }>(scenarios: readonly T[], classes: readonly FaultClass[]): T[] {
  if (classes.length === FAULT_CLASSES.length) return scenarios.slice();
  const keep = new Set(classes);
  return scenarios.filter((s) => keep.has(s.cls));
}
