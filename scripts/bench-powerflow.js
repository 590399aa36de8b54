#!/usr/bin/env node
/**
 * Benchmark of the core library and `powerflow run` (issue targets in brackets):
 *   33-bus AC power flow, radial      median per solve  [<= 30 us]
 *   33-bus AC power flow, meshed      median per solve  [<= 300 us]
 *   `powerflow run --json` process    median wall time  [<= 0.5 s]
 *   loading the bundled 12864-step series (load, pv, wt, price, event)
 * Usage: npm run build && node scripts/bench-powerflow.js [--json]
 * Medians of several repetitions; the machine is shared, so look at the medians, not single runs.
 */
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.join(__dirname, '..');
const { loadCase } = require(path.join(root, 'dist/grid/load-case'));
const { loadSeries, nominalSnapshot } = require(path.join(root, 'dist/grid/series'));
const { PowerFlow } = require(path.join(root, 'dist/powerflow/solver'));
const { buildRequest } = require('./bench-lib');

const { median } = require('./bench-lib');
const data = path.join(root, 'data', 'ieee33');
const net = loadCase(data);
const ties = [33, 34, 35, 36, 37].map((id) => net.lineIndex.get(id));

function perSolveUs(open, n, reps) {
  const pf = new PowerFlow(net);
  const req = buildRequest(net, nominalSnapshot(net), { open });
  for (let i = 0; i < n; i++) pf.solve(req); // warm-up (JIT)
  const times = [];
  let check = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) check += pf.solve(req).lossKw;
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  if (!(check > 0)) throw new Error('power flow failed');
  return { medianUs: median(times), minUs: Math.min(...times), maxUs: Math.max(...times) };
}

const radial = perSolveUs(ties, 5000, 9);
const meshed = perSolveUs([], 1000, 9);

const proc = [];
for (let r = 0; r < 7; r++) {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [path.join(root, 'bin/powerflow.js'), 'run', '--load', 'nominal', '--open', '33,34,35,36,37', '--json'],
    { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  proc.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const loads = [];
for (let r = 0; r < 5; r++) {
  const t0 = process.hrtime.bigint();
  const s = loadSeries(net, data);
  loads.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (s.steps !== 12864) throw new Error('series');
}

const PANDAPOWER_MS = 7;
const result = {
  radialUsPerSolve: +radial.medianUs.toFixed(2),
  meshedUsPerSolve: +meshed.medianUs.toFixed(2),
  runProcessMs: +median(proc).toFixed(1),
  seriesLoadMs: +median(loads).toFixed(1),
  speedupVsPandapowerRadial: Math.round((PANDAPOWER_MS * 1000) / radial.medianUs),
  targets: { radialUs: 30, meshedUs: 300, runProcessMs: 500 },
};
result.pass = result.radialUsPerSolve <= 30 && result.meshedUsPerSolve <= 300 && result.runProcessMs <= 500;
if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const row = (name, v, unit, target) => console.log(`${name.padEnd(34)} ${String(v).padStart(9)} ${unit.padEnd(3)} ${target}`);
  console.log(`node ${process.version}, ${require('node:os').cpus().length} cpus, load ${require('node:os').loadavg()[0].toFixed(2)}`);
  row('power flow, radial (median)', result.radialUsPerSolve, 'us', `target <= 30 us (${(result.radialUsPerSolve / 30).toFixed(2)} of it)`);
  row('power flow, meshed (median)', result.meshedUsPerSolve, 'us', `target <= 300 us (${(result.meshedUsPerSolve / 300).toFixed(2)} of it)`);
  row('powerflow run --json process', result.runProcessMs, 'ms', `target <= 500 ms (${(result.runProcessMs / 500).toFixed(2)} of it)`);
  row('load 12864-step series', result.seriesLoadMs, 'ms', '');
  console.log(`radial solve is ${result.speedupVsPandapowerRadial}x faster than pandapower's ~7 ms; ${result.pass ? 'all targets met' : 'TARGET MISSED'}`);
}
process.exitCode = result.pass ? 0 : 1;
