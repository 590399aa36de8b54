import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Matrix, LuDecomposition } from 'ml-matrix';
import { loadCase } from '../grid/load-case';
import { Network } from '../grid/network';
import { isRadialFromSubstations } from './graph';
import { countRadialConfigurations, enumerateRadialConfigurations, findConfiguration } from './spanning-trees';

const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');

/** A small synthetic network: buses 1..n, lines as [from, to] bus ids, substations as bus ids. */
function makeNet(n: number, lines: [number, number][], subs: number[], fixed: number[] = []): Network {
  const buses = Array.from({ length: n }, (_,
    i) => ({ id: i + 1, baseKv: 12.66, pKw: 10, qKvar: 5, vMinPu: 0.95, vMaxPu: 1.05, substation: subs.includes(i + 1) }));
  return {
    name: 'synthetic',
    baseKva: 1000,
    buses,
    lines: lines.map(([a, b], i) => ({ id: i + 1, from: a - 1, to: b - 1, rOhm: 0.1, xOhm: 0.1, ampacityA: 400, switchable: !fixed.includes(i + 1),
      normallyOpen: false })),
    generators: [],
    substations: subs.map((s) => s - 1),
    busIndex: new Map(buses.map((b, i) => [b.id, i])),
    lineIndex: new Map(lines.map((_, i) => [i + 1, i])),
    files: [],
  };
}

/** Matrix-tree theorem written independently here: reduced Laplacian of the plain graph, all substations merged by hand. */
function laplacianDeterminant(n: number, lines: [number, number][]): number {
  const L = Matrix.zeros(n - 1, n - 1);
  for (const [a0, b0] of lines) {
    const a = a0 - 2;
    const b = b0 - 2; // bus 1 is the reference (removed row/column)
    if (a === b) continue;
    if (a >= 0) L.set(a, a, L.get(a, a) + 1);
    if (b >= 0) L.set(b, b, L.get(b, b) + 1);
    if (a >= 0 && b >= 0) {
      L.set(a, b, L.get(a, b) - 1);
      L.set(b, a, L.get(b, a) - 1);
    }
  }
  return Math.round(new LuDecomposition(L).determinant);
}

test('IEEE 33-bus: the number of radial configurations is the matrix-tree determinant (50751)', () => {
  const net = loadCase(IEEE33);
  const lines = net.lines.map((l) => [l.from + 1, l.to + 1] as [number, number]);
  const det = laplacianDeterminant(net.buses.length, lines);
  assert.equal(det, 50751);
  assert.equal(countRadialConfigurations(net), det);
  const table = enumerateRadialConfigurations(net);
  assert.equal(table.count, det);
  assert.equal(table.openCount, net.lines.length - (net.buses.length - 1));
});

test('IEEE 33-bus: every enumerated configuration is radial from the substation, all distinct, lexicographic', () => {
  const net = loadCase(IEEE33);
  const table = enumerateRadialConfigurations(net);
  const k = table.openCount;
  const mask = new Uint8Array(net.lines.length);
  let prev = '';
  for (let c = 0; c < table.count; c++) {
    mask.fill(0);
    const row = Array.from(table.open.subarray(c * k, (c + 1) * k));
    for (const l of row) mask[l] = 1;
    assert.ok(isRadialFromSubstations(net, mask), `configuration ${c} (${row}) is not radial`);
    const key = row.map((l) => String(l).padStart(3, '0')).join(',');
    assert.ok(key > prev, `configuration ${c} out of order`);
    prev = key;
  }
  // the normal configuration (ties 33..37 open) is in the table and found by binary search
  const normal = net.lines.map((l, i) => (l.normallyOpen ? i : -1)).filter((i) => i >= 0);
  const idx = findConfiguration(table, normal);
  assert.ok(idx >= 0);
  assert.deepEqual(Array.from(table.open.subarray(idx * k, (idx + 1) * k)), normal);
  assert.equal(findConfiguration(table, [0, 1, 2, 3, 4]), -1);
});

test('synthetic graphs: complete graph K4 has 16 spanning trees; two substations merge; fixed lines are contracted', () => {
  const k4: [number, number][] = [[1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]];
  const net = makeNet(4, k4, [1]);
  assert.equal(countRadialConfigurations(net), 16);
  assert.equal(enumerateRadialConfigurations(net).count, 16);
  // two substations (1 and 4): each bus fed by exactly one of them = spanning trees of the merged graph
  const two = makeNet(4, k4, [1, 4]);
  const merged: [number, number][] = k4.map(([a, b]) => [a === 4 ? 1 : a, b === 4 ? 1 : b]);
  const det = laplacianDeterminant(3, merged.map(([a, b]) => [a, b] as [number, number]));
  assert.equal(countRadialConfigurations(two), det);
  const t2 = enumerateRadialConfigurations(two);
  assert.equal(t2.count, det);
  const mask = new Uint8Array(6);
  for (let c = 0; c < t2.count; c++) {
    mask.fill(0);
    for (let j = 0; j < t2.openCount; j++) mask[t2.open[c * t2.openCount + j]] = 1;
    assert.ok(isRadialFromSubstations(two, mask));
    assert.equal(mask[2], 1, 'the line between the two substations is always open');
  }
  // line 4 (2-3) cannot be switched: trees must contain it -> spanning trees of K4 with edge 2-3 contracted = 8
  const fixed = makeNet(4, k4, [1], [4]);
  assert.equal(countRadialConfigurations(fixed), 8);
  const tf = enumerateRadialConfigurations(fixed);
  assert.equal(tf.count, 8);
  for (let c = 0; c < tf.count; c++) for (let j = 0; j < tf.openCount; j++) assert.notEqual(tf.open[c * tf.openCount + j], 3);
  // a loop of non-switchable lines: no radial configuration
  assert.equal(countRadialConfigurations(makeNet(3, [[1, 2], [2, 3], [3, 1]], [1], [1, 2, 3])), 0);
});

test('the enumeration refuses cases above its limit', () => {
  const net = loadCase(IEEE33);
  assert.throws(() => enumerateRadialConfigurations(net, 1000), RangeError);
});
