#!/usr/bin/env node
/*
 * Time the feeder map (layout, routing, label placement, SVG text) on a synthetic feeder.
 *
 *   npm run build && nice -n 10 node scripts/bench-plot.js --buses 1000 --repeat 5
 */
'use strict';
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { syntheticFeeder } = require('../dist/grid/synthetic');
const { loadCase } = require('../dist/grid/load-case');
const { nominalSnapshot } = require('../dist/grid/series');
const { defaultGridForming, mtIndices } = require('../dist/grid/action');
const { ActionEvaluator } = require('../dist/powerflow/evaluate');
const { DEFAULT_WEIGHTS } = require('../dist/powerflow/reward');
const { renderFeederSvg } = require('../dist/plot/feeder-svg');
const arg = (n, d) => { const i = process.argv.indexOf(n); return i >= 0 ? Number(process.argv[i + 1]) : d; };
const buses = arg('--buses', 1000), repeat = arg('--repeat', 5);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plot-'));
for (const [f, t] of Object.entries(syntheticFeeder({ buses, steps: 0, seed: 1 }))) fs.writeFileSync(path.join(dir, f), t);
const net = loadCase(dir);
const mts = mtIndices(net);
const a = { lineOpen: new Uint8Array(net.lines.length), mtPKw: new Float64Array(mts.length), mtQKvar: new Float64Array(mts.length),
  pickup: new Float64Array(net.buses.length).fill(1), gridForming: defaultGridForming(net) };
net.lines.forEach((l, i) => { if (l.normallyOpen) a.lineOpen[i] = 1; });
const ev = new ActionEvaluator(net);
const pf = ev.evaluate(nominalSnapshot(net), a,
  { faulted: new Uint8Array(net.lines.length), prevOpen: null, islanding: true, weights: { ...DEFAULT_WEIGHTS } }).pf;
const times = [];
let size = 0;
for (let k = 0; k < repeat; k++) {
  const t0 = process.hrtime.bigint();
  size = renderFeederSvg(net, pf, { title: 'bench', flows: k % 2 === 1 }).length;
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((x, y) => x - y);
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ buses, repeat, medianMs: +times[Math.floor(times.length / 2)].toFixed(1), maxMs: +times[times.length - 1].toFixed(1),
  svgBytes: size }) + '\n');
