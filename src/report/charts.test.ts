import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineChart, niceTicks, tickLabel, timeline } from './charts';
import { num } from './html';

test('niceTicks: round steps of 1, 2 or 5 x 10^k covering the range', () => {
  assert.deepEqual(niceTicks(0, 720, 6, true), [0, 100, 200, 300, 400, 500, 600, 700]);
  assert.deepEqual(niceTicks(0.951, 0.999, 4), [0.96, 0.97, 0.98, 0.99]);
  assert.deepEqual(niceTicks(-8800, 0, 5), [-8000, -6000, -4000, -2000, 0]);
  assert.deepEqual(niceTicks(0, 3, 5, true), [0, 1, 2, 3]);
  // a flat range is widened, never empty
  assert.ok(niceTicks(5, 5).length >= 2);
  assert.equal(tickLabel(0.96, 0.01), '0.96');
  assert.equal(tickLabel(-4000, 2000), '-4000');
  assert.equal(tickLabel(20000, 10000), '20k');
});

test('lineChart: one bar per non-zero value, points inside the plot, markers as lines or top ticks', () => {
  const x = [10, 11, 12, 13, 14];
  const svg = lineChart({
    title: 't', yLabel: 'kW', x, series: [{ label: 'ops', color: '#f00', values: [0, 2, 0, 5, 1], kind: 'bar' }], markers: [{ x: 12, color: '#d00' }],
  });
  const bars = /<path d="([^"]+)" fill="#f00"/.exec(svg)![1];
  assert.equal(bars.split('M').length - 1, 3);
  assert.match(svg, /stroke="#d00"[^>]*stroke-dasharray/);
  const line = lineChart({ title: 't', yLabel: 'pu', x, series: [{ label: 'v', color: '#00f', values: [0.97, 0.96, NaN, 0.99, 0.98] }] });
  const d = /<path d="([^"]+)" fill="none" stroke="#00f"/.exec(line)![1];
  // the NaN breaks the line in two
  assert.equal(d.split('M').length - 1, 2);
  const pts = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(pts.length, 4);
  for (const [px, py] of pts) assert.ok(px >= 58 && px <= 508 && py >= 26 && py <= 26 + 168, `${px},${py}`);
  // lower value is lower on the page (larger y)
  assert.ok(pts[1][1] > pts[0][1]);
  const many = lineChart({
    title: 't', yLabel: 'kW', x: Array.from({ length: 100 }, (_, i) => i),
    series: [{ label: 'a', color: '#000', values: new Array(100).fill(1) }],
    markers: Array.from({ length: 30 }, (_, i) => ({ x: i * 3, color: '#d00' })),
  });
  assert.equal((many.match(/stroke="#d00"/g) ?? []).length, 30);
  assert.doesNotMatch(many, /stroke="#d00"[^>]*stroke-dasharray/);
});

test('timeline: a bar per run of steps in force; report number formats', () => {
  const svg = timeline('f', 0, 9, [{ label: 'L6', color: '#c00', spans: [{ from: 2, to: 5 }, { from: 7, to: 8 }] }]);
  assert.equal((svg.match(/<rect [^>]*fill="#c00"/g) ?? []).length, 2);
  assert.equal(num(-4187.2398), '−4,187.24');
  assert.equal(num(-0.001, 2), '0.00');
  assert.equal(num(null), '–');
});
