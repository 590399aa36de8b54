import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { binomial, candidateLines, countByClass, enumerateScenarios, filterByClass, forEachCombination } from './enumerate';
import { scenarioRecords, scenarioTableCsv } from './format';

const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');

test('binomial', () => {
  assert.equal(binomial(37, 1), 37);
  assert.equal(binomial(37, 2), 666);
  assert.equal(binomial(37, 3), 7770);
  assert.equal(binomial(5, 0), 1);
  assert.equal(binomial(3, 4), 0);
});

test('forEachCombination: all k-subsets, lexicographic, each once', () => {
  const seen: string[] = [];
  forEachCombination([10, 20, 30, 40], 2, (c) => seen.push(c.join('-')));
  assert.deepEqual(seen, ['10-20', '10-30', '10-40', '20-30', '20-40', '30-40']);
  const all = new Set<string>();
  let n = 0;
  forEachCombination([...Array(9).keys()], 4, (c) => {
    n++;
    all.add(c.join(','));
    for (let i = 1; i < c.length; i++) assert.ok(c[i - 1] < c[i]);
  });
  assert.equal(n, 126);
  assert.equal(all.size, 126);
  let none = 0;
  forEachCombination([1, 2], 3, () => none++);
  forEachCombination([1, 2], 0, () => none++);
  assert.equal(none, 0);
});

test('enumerate: N-3 on the 33-bus case is exhaustive, --exclude removes lines', () => {
  const net = loadCase(IEEE33);
  const n3 = enumerateScenarios(net, { k: 3 });
  assert.equal(n3.length, 7770);
  assert.equal(new Set(n3.map((s) => s.lines.join(','))).size, 7770);
  const ties = [33, 34, 35, 36, 37].map((id) => net.lineIndex.get(id)!);
  assert.equal(candidateLines(net, ties).length, 32);
  const n2 = enumerateScenarios(net, { k: 2, exclude: ties });
  assert.equal(n2.length, binomial(32, 2));
  assert.ok(n2.every((s) => s.lines.every((l) => !ties.includes(l))));
  // the same scenarios classify the same whether or not other lines are excluded
  const full = new Map(enumerateScenarios(net, { k: 2 }).map((s) => [s.lines.join(','), s.cls]));
  for (const s of n2) assert.equal(s.cls, full.get(s.lines.join(',')));
  assert.throws(() => enumerateScenarios(net, { k: 0 }), RangeError);
  assert.throws(() => enumerateScenarios(net, { k: 33, exclude: ties }), RangeError);
});

test('filterByClass and the output formats', () => {
  const net = loadCase(IEEE33);
  const n1 = enumerateScenarios(net, { k: 1 });
  const island = filterByClass(n1, ['island']);
  assert.equal(island.length, 1);
  assert.equal(filterByClass(n1, ['tie', 'island', 'lost']).length, 37);
  assert.deepEqual(countByClass(filterByClass(n1, ['lost'])), { tie: 0, island: 0, lost: 0, total: 0 });
  const csv = scenarioTableCsv(net, n1).trimEnd().split('\n');
  assert.equal(csv.length, 38);
  assert.equal(csv[0], net.lines.map((l) => l.id).join(','));
  // row i has a single 1 in column i (N-1, lines in order)
  for (let i = 1; i <= 37; i++) {
    const cells = csv[i].split(',');
    assert.equal(cells.length, 37);
    assert.equal(cells.indexOf('1'), i - 1);
    assert.equal(cells.filter((c) => c === '1').length, 1);
  }
  const rec = scenarioRecords(net, island);
  assert.deepEqual(rec[0].lines, [1]);
  assert.equal(rec[0].class, 'island');
  assert.deepEqual(rec[0].islandBuses, Array.from({ length: 32 }, (_, i) => i + 2));
  assert.deepEqual(rec[0].lostBuses, []);
});
