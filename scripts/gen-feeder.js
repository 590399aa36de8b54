#!/usr/bin/env node
/*
 * Write a synthetic radial feeder with tie lines, DER and a daily series, for scale tests.
 *
 *   npm run build && node scripts/gen-feeder.js --buses 1000 --steps 24 --seed 1 --out out/feeder1000
 *   npx powerflow run --data out/feeder1000 --step 18 --plot out/feeder1000.svg
 *   npx faultmaker enumerate --k 1 --data out/feeder1000
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { syntheticFeeder } = require('../dist/grid/synthetic');
const { writeFileAtomic } = require('../dist/io/atomic');

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
if (process.argv.includes('--help')) {
  process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\n?/, '').replace(/^ \* ?/gm, ''));
  process.exit(0);
}
const buses = Number(arg('--buses', 1000));
const steps = Number(arg('--steps', 24));
const seed = Number(arg('--seed', 1));
const out = arg('--out', path.join('out', `feeder${buses}`));
if (!Number.isInteger(buses) || buses < 4 || !Number.isInteger(steps) || steps < 0 || !Number.isInteger(seed)) {
  process.stderr.write('gen-feeder: expected --buses >= 4, --steps >= 0 and --seed as integers\n');
  process.exit(2);
}
const files = syntheticFeeder({ buses, steps, seed });
for (const [name, text] of Object.entries(files)) writeFileAtomic(path.join(out, name), text);
process.stderr.write(`gen-feeder: wrote ${Object.keys(files).length} files for a ${buses}-bus feeder to ${out}\n`);
