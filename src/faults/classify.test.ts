import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { Network } from '../grid/network';
import { FaultClassifier, parseClassList } from './classify';
import { countByClass, enumerateScenarios } from './enumerate';
import { writeTinyFeeder } from './fixture';

const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');

/**
 * Independent brute force, sharing nothing with classify.ts / topology: buses joined to a
 * faulted non-switchable line by non-switchable lines are dead (one union-find); a second
 * union-find over the lines that are not faulted and touch no dead bus; then each bus's set is
 * fed by a substation, else by a grid-forming generator, else nothing. Subsets come from bit masks, not from the
 * combination generator under test.
 */
function bruteForce(net: Network, k: number): Map<string, { cls: string; island: number[]; lost: number[] }> {
  const nl = net.lines.length;
  const nb = net.buses.length;
  const out = new Map<string, { cls: string; island: number[]; lost: number[] }>();
  const subsets: number[][] = [];
  const rec = (from: number, acc: number[]) => {
    if (acc.length === k) {
      subsets.push(acc.slice());
      return;
    }
    for (let l = from; l < nl; l++) rec(l + 1, [...acc, l]);
  };
  rec(0, []);
  for (const faulted of subsets) {
    // buses welded to a faulted line without a switch: union over non-switchable lines
    const zp = Array.from({ length: nb }, (_, i) => i);
    const zfind = (x: number): number => (zp[x] === x ? x : (zp[x] = zfind(zp[x])));
    net.lines.forEach((line) => {
      if (!line.switchable) zp[zfind(line.from)] = zfind(line.to);
    });
    const deadRoots = new Set(faulted.filter((l) => !net.lines[l].switchable).map((l) => zfind(net.lines[l].from)));
    const dead = (b: number) => deadRoots.has(zfind(b));
    const parent = Array.from({ length: nb }, (_, i) => i);
    const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
    net.lines.forEach((line, li) => {
      if (faulted.includes(li) || dead(line.from) || dead(line.to)) return;
      parent[find(line.from)] = find(line.to);
    });
    const grid = new Set(net.buses.flatMap((b, i) => (b.substation && !dead(i) ? [find(i)] : [])));
    const mt = new Set(net.generators.filter((g) => g.kind === 'MT' && g.gridForming && !dead(g.bus)).map((g) => find(g.bus)));
    const island: number[] = [];
    const lost: number[] = [];
    for (let b = 0; b < nb; b++) {
      if (dead(b)) {
        lost.push(net.buses[b].id);
        continue;
      }
      const r = find(b);
      if (grid.has(r)) continue;
      if (mt.has(r)) island.push(net.buses[b].id);
      else lost.push(net.buses[b].id);
    }
    const cls = lost.length ? 'lost' : island.length ? 'island' : 'tie';
    out.set(faulted.map((l) => net.lines[l].id).join('-'), { cls, island, lost });
  }
  return out;
}

function checkAgainstBruteForce(net: Network, k: number): void {
  const expected = bruteForce(net, k);
  const got = enumerateScenarios(net, { k });
  assert.equal(got.length, expected.size, `N-${k} scenario count`);
  for (const s of got) {
    const key = s.lines.map((l) => net.lines[l].id).join('-');
    const e = expected.get(key);
    assert.ok(e, `scenario ${key} not in the brute force`);
    assert.equal(s.cls, e.cls, `class of ${key}`);
    assert.deepEqual(s.islandBuses.map((b) => net.buses[b].id), e.island, `island buses of ${key}`);
    assert.deepEqual(s.lostBuses.map((b) => net.buses[b].id), e.lost, `lost buses of ${key}`);
  }
  const bf = { tie: 0, island: 0, lost: 0 } as Record<string, number>;
  for (const e of expected.values()) bf[e.cls]++;
  const c = countByClass(got);
  assert.deepEqual({ tie: c.tie, island: c.island, lost: c.lost }, bf);
}

test('IEEE 33-bus N-1 and N-2: every scenario matches the brute force', () => {
  const net = loadCase(IEEE33);
  checkAgainstBruteForce(net, 1);
  checkAgainstBruteForce(net, 2);
});

test('IEEE 33-bus counts (pinned after the brute-force check above)', () => {
  const net = loadCase(IEEE33);
  // N-1: only line 1 (substation - bus 2) is a bridge; without it the whole feeder hangs on
  // the MTs at buses 4, 8, 22 -> island. Every other line lies on a loop closed by a tie.
  const n1 = enumerateScenarios(net, { k: 1 });
  assert.deepEqual(countByClass(n1), { tie: 36, island: 1, lost: 0, total: 37 });
  assert.deepEqual(n1.filter((s) => s.cls === 'island').map((s) => net.lines[s.lines[0]].id), [1]);
  // N-2: C(37,2) = 666; the original's random sampling found 458 of the 573 tie cases
  assert.deepEqual(countByClass(enumerateScenarios(net, { k: 2 })), { tie: 573, island: 42, lost: 51, total: 666 });
});

test('IEEE 33-bus N-2 examples checked by hand', () => {
  const net = loadCase(IEEE33);
  const c = new FaultClassifier(net);
  const li = (...ids: number[]) => ids.map((id) => net.lineIndex.get(id)!);
  const ids = (buses: number[]) => buses.map((b) => net.buses[b].id);
  // 17 (17-18) and 36 (tie 18-33): bus 18 hangs on nothing, no MT there
  let r = c.classify(li(17, 36));
  assert.equal(r.cls, 'lost');
  assert.deepEqual(ids(r.lostBuses), [18]);
  // 2 (2-3) and 33 (tie 8-21): bus 3.. can still be reached over 25-29 (line 37) -> tie
  assert.equal(c.classify(li(2, 33)).cls, 'tie');
  // 1 and 2: buses 2..33 stay connected to each other (over the ties) and to MTs 4, 8, 22 -> island
  r = c.classify(li(1, 2));
  assert.equal(r.cls, 'island');
  assert.equal(r.islandBuses.length, 32);
  // 7 (7-8) and 8 (8-9): bus 8 keeps tie 33; with 33 faulted too it is alone with its MT
  r = c.classify(li(7, 8));
  assert.equal(r.cls, 'tie', 'bus 8 is still fed over tie 33 (8-21)');
  r = c.classify(li(7, 8, 33));
  assert.equal(r.cls, 'island');
  assert.deepEqual(ids(r.islandBuses), [8]);
});

function tinyDir(t: string, opts?: { secondSubstation?: boolean; fixedLines?: number[] }): string {
  return writeTinyFeeder(fs.mkdtempSync(path.join(os.tmpdir(), `case33ts-${t}-`)), opts);
}

test('tiny feeder: counts verified by eye', () => {
  const dir = tinyDir('tiny');
  try {
    const net = loadCase(dir);
    const show = (k: number) =>
      Object.fromEntries(
        enumerateScenarios(net, { k }).map((s) => [
          s.lines.map((l) => net.lines[l].id).join('+'),
          `${s.cls}${s.lostBuses.length ? ' ' + s.lostBuses.map((b) => net.buses[b].id).join(',') : ''}`,
        ]),
      );
    // N-1: L1 cuts buses 2-6 from the substation, MT at 4 -> island; L6 leaves bus 6 (PV only)
    // -> lost; L2..L5 are on the loop 2-3-4-5 -> tie
    assert.deepEqual(show(1), { '1': 'island', '2': 'tie', '3': 'tie', '4': 'tie', '5': 'tie', '6': 'lost 6' });
    // N-2: two lines out of the loop always cut something off the substation; no tie case
    assert.deepEqual(show(2), {
      '1+2': 'island', // 2-5-4-3 and 5-6 hang on the MT
      '1+3': 'island',
      '1+4': 'island',
      '1+5': 'island',
      '1+6': 'lost 6',
      '2+3': 'lost 3', // bus 3 alone
      '2+4': 'island', // 3,4,5,6 on the MT
      '2+5': 'island', // 3,4 on the MT
      '2+6': 'lost 6',
      '3+4': 'island', // 4,5,6 on the MT
      '3+5': 'island', // 4 alone with its MT
      '3+6': 'lost 6',
      '4+5': 'lost 5,6', // 5-6 has only a PV
      '4+6': 'lost 6',
      '5+6': 'lost 6',
    });
    assert.deepEqual(countByClass(enumerateScenarios(net, { k: 1 })), { tie: 4, island: 1, lost: 1, total: 6 });
    assert.deepEqual(countByClass(enumerateScenarios(net, { k: 2 })), { tie: 0, island: 8, lost: 7, total: 15 });
    // and N-3 agrees with the brute force too
    checkAgainstBruteForce(net, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tiny feeder with a second substation at bus 6: supply from either substation counts', () => {
  const dir = tinyDir('tiny2', { secondSubstation: true });
  try {
    const net = loadCase(dir);
    // L6 now only splits the feeder between the two substations; L1 leaves 2-6 on substation 6
    assert.deepEqual(countByClass(enumerateScenarios(net, { k: 1 })), { tie: 6, island: 0, lost: 0, total: 6 });
    checkAgainstBruteForce(net, 2);
    checkAgainstBruteForce(net, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tiny feeder with line 4 (2-5) without a switch: a fault on it takes buses 2 and 5 down', () => {
  const dir = tinyDir('tiny3', { fixedLines: [4] });
  try {
    const net = loadCase(dir);
    const c = new FaultClassifier(net);
    const ids = (buses: number[]) => buses.map((b) => net.buses[b].id);
    // L4 faulted: 2 and 5 stay on the fault; 3-4 island on the MT; 6 hangs off dead bus 5
    const r = c.classify([net.lineIndex.get(4)!]);
    assert.equal(r.cls, 'lost');
    assert.deepEqual(ids(r.lostBuses), [2, 5, 6]);
    assert.deepEqual(ids(r.islandBuses), [3, 4]);
    // a fault elsewhere: L4 is just a closed line
    assert.equal(c.classify([net.lineIndex.get(2)!]).cls, 'tie');
    assert.deepEqual(countByClass(enumerateScenarios(net, { k: 1 })), { tie: 3, island: 1, lost: 2, total: 6 });
    checkAgainstBruteForce(net, 2);
    checkAgainstBruteForce(net, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tiny feeder with lines 1 and 4 without switches: the fault zone spreads along them and swallows the substation', () => {
  const dir = tinyDir('tiny4', { fixedLines: [1, 4] });
  try {
    const net = loadCase(dir);
    const r = new FaultClassifier(net).classify([net.lineIndex.get(4)!]);
    assert.deepEqual(r.lostBuses.map((b) => net.buses[b].id), [1, 2, 5, 6]);
    assert.deepEqual(r.islandBuses.map((b) => net.buses[b].id), [3, 4]);
    checkAgainstBruteForce(net, 1);
    checkAgainstBruteForce(net, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('classifier leaves no state behind between scenarios', () => {
  const net = loadCase(IEEE33);
  const c = new FaultClassifier(net);
  const first = c.classify([0]);
  c.classify([5, 6, 7]);
  assert.deepEqual(c.classify([0]), first);
  assert.equal(c.classify([]).cls, 'tie');
  assert.throws(() => c.classify([37]), RangeError);
});

test('parseClassList', () => {
  assert.deepEqual(parseClassList('tie, Island,tie'), { classes: ['tie', 'island'] });
  assert.deepEqual(parseClassList('tie,foo'), { unknown: 'foo' });
  assert.deepEqual(parseClassList(''), { classes: [] });
});
