#!/usr/bin/env node
/*
 * Generates the synthetic long load series data/ieee33/load.csv (the original's load.csv is lost).
 *
 *   node scripts/gen-load.js [--days 536] [--seed 20090714] [--out data/ieee33/load.csv]
 *
 * Model, per day d and hour h (one row per hour, one "P+Qj" kW cell per bus, like the original):
 *   P(bus, d, h) = Pnominal(bus) * shape(h) * level(d) * (1 + e(d, h))
 *   Q(bus, d, h) = Qnominal(bus) * shape(h) * level(d) * (1 + e(d, h))   (each bus keeps its power factor)
 *   shape(h)  the CER daily shape: the 24-hour profile of data/ieee33-24h/load.csv divided by the nominal load
 *   level(d)  seasonal swing 1 + 0.12 cos(2 pi (d - 185) / 365) (day 0 = 14 July 2009, the CER trial start,
 *             peak in mid-January), times 1.04 on weekends, times an AR(1) day-to-day factor (phi 0.7, sd 0.05)
 *   e(d, h)   hourly noise ~ N(0, 0.03)
 * Seeded: the same seed gives the same file, byte for byte. Requires the compiled library (npm ci).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { loadCase } = require('../dist/grid/load-case');
const { loadSeries } = require('../dist/grid/series');
const { Rng } = require('../dist/util/rng');
const { formatComplex } = require('../dist/grid/complex-text');
const { writeFileAtomic } = require('../dist/io/atomic');

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const days = Number(arg('--days', 536));
const seed = Number(arg('--seed', 20090714));
const out = arg('--out', path.join(__dirname, '..', 'data', 'ieee33', 'load.csv'));
const dataDir = path.join(__dirname, '..', 'data');

const net = loadCase(path.join(dataDir, 'ieee33'));
const dayNet = loadCase(path.join(dataDir, 'ieee33-24h'));
const daySeries = loadSeries(dayNet, path.join(dataDir, 'ieee33-24h'));
// daily shape: total P of each hour over total nominal P
const nb = dayNet.buses.length;
const nominalKw = dayNet.buses.reduce((s, b) => s + b.pKw, 0);
const shape = [];
for (let h = 0; h < daySeries.steps; h++) {
  let p = 0;
  for (let b = 0; b < nb; b++) p += daySeries.loadPKw[h * nb + b];
  shape.push(p / nominalKw);
}

const rng = new Rng(seed);
const lines = [];
let ar = 0;
for (let d = 0; d < days; d++) {
  ar = 0.7 * ar + Math.sqrt(1 - 0.49) * rng.normal(0, 0.05);
  const weekday = (2 + d) % 7; // 14 July 2009 was a Tuesday (0 = Sunday)
  const weekend = weekday === 0 || weekday === 6 ? 1.04 : 1;
  const level = (1 + 0.12 * Math.cos((2 * Math.PI * (d - 185)) / 365)) * weekend * (1 + ar);
  for (let h = 0; h < 24; h++) {
    const f = shape[h % shape.length] * level * (1 + rng.normal(0, 0.03));
    lines.push(net.buses.map((b) => formatComplex(b.pKw * f, b.qKvar * f, 3)).join(','));
  }
}
writeFileAtomic(out, lines.join('\n') + '\n');
console.error(`wrote ${out}: ${lines.length} steps x ${net.buses.length} buses (seed ${seed})`);
