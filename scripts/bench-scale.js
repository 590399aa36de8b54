#!/usr/bin/env node
/**
 * Scale benchmark (issue "production batch runs"):
 *  1. a 100,000-step data set (33-bus network; load, pv, wt, price, event) loads in <= 2 s and
 *     <= 300 MB peak memory (measured in a fresh child process: wall time of loadSeries, max RSS);
 *  2. the power flow stays near-linear in the number of buses: radial solve time on synthetic
 *     feeders of 250 .. 4000 buses (median us per solve, and us per bus);
 *  3. on a synthetic 1000-bus feeder: whole-process times of `powerflow run` and
 *     `faultmaker enumerate --k 1` (and the environment, when built).
 * Usage: npm run build && node scripts/bench-scale.js [--json]
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.join(__dirname, '..');
const { syntheticFeeder } = require(path.join(root, 'dist/grid/synthetic'));
const { loadCase } = require(path.join(root, 'dist/grid/load-case'));
const { nominalSnapshot } = require(path.join(root, 'dist/grid/series'));
const { PowerFlow } = require(path.join(root, 'dist/powerflow/solver'));
const { buildRequest } = require('./bench-lib');
const { normallyOpenLines } = require(path.join(root, 'dist/grid/network'));

const { median } = require('./bench-lib');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'case33ts-scale-'));
const result = {};

// 1. 100,000-step data set
{
  const STEPS = 100000;
  const dir = path.join(tmp, 'steps100k');
  fs.mkdirSync(dir);
  const src = path.join(root, 'data', 'ieee33');
  for (const f of ['buses.csv', 'lines.csv', 'generators.csv']) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  // repeat the bundled 12864 rows to 100,000 (streams: never holds the output in memory)
  for (const f of ['load.csv', 'pv.csv', 'wt.csv', 'price.csv', 'event.csv']) {
    const rows = fs.readFileSync(path.join(src, f), 'utf8').trimEnd().split('\n');
    const fd = fs.openSync(path.join(dir, f), 'w');
    let chunk = [];
    for (let t = 0; t < STEPS; t++) {
      chunk.push(rows[t % rows.length]);
      if (chunk.length === 5000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    fs.closeSync(fd);
  }
  const probe = `
    const { loadCase } = require(${JSON.stringify(path.join(root, 'dist/grid/load-case'))});
    const { loadSeries } = require(${JSON.stringify(path.join(root, 'dist/grid/series'))});
    const t0 = process.hrtime.bigint();
    const net = loadCase(${JSON.stringify(dir)});
    const s = loadSeries(net, ${JSON.stringify(dir)});
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(JSON.stringify({ steps: s.steps, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));`;
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const res = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    runs.push(JSON.parse(res.stdout));
  }
  const bytes = ['load.csv', 'pv.csv', 'wt.csv', 'price.csv', 'event.csv'].reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  result.series100k = {
    steps: runs[0].steps,
    fileMb: +(bytes / 1048576).toFixed(1),
    loadMs: +median(runs.map((r) => r.ms)).toFixed(0),
    peakRssMb: +median(runs.map((r) => r.maxRssMb)).toFixed(0),
    targets: { loadMs: 2000, peakRssMb: 300 },
  };
}

// 2. power flow vs feeder size
{
  const sizes = [33, 250, 500, 1000, 2000, 4000];
  result.powerflowScaling = sizes.map((n) => {
    const dir = path.join(tmp, `f${n}`);
    fs.mkdirSync(dir);
    for (const [f, text] of Object.entries(syntheticFeeder({ buses: n, seed: 1 }))) fs.writeFileSync(path.join(dir, f), text);
    const net = loadCase(n === 33 ? path.join(root, 'data', 'ieee33') : dir);
    const pf = new PowerFlow(net);
    const req = buildRequest(net, nominalSnapshot(net), { open: normallyOpenLines(net) });
    const reps = Math.max(20, Math.round(200000 / n));
    for (let i = 0; i < reps; i++) pf.solve(req);
    const times = [];
    for (let k = 0; k < 7; k++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) pf.solve(req);
      times.push(Number(process.hrtime.bigint() - t0) / 1e3 / reps);
    }
    const r = pf.solve(req);
    const us = median(times);
    return { buses: n, usPerSolve: +us.toFixed(1), nsPerBus: +((us * 1000) / n).toFixed(0), converged: r.converged, iterations: r.iterations };
  });
}

// 3. CLIs on a 1000-bus feeder
{
  const dir = path.join(tmp, 'feeder1000');
  fs.mkdirSync(dir);
  for (const [f, text] of Object.entries(syntheticFeeder({ buses: 1000, seed: 1, steps: 24 }))) fs.writeFileSync(path.join(dir, f), text);
  const time = (tool, args) => {
    const runs = [];
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      const res = spawnSync(process.execPath, [path.join(root, 'bin', `${tool}.js`), ...args], { encoding: 'utf8', cwd: tmp });
      if (res.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${res.stderr}`);
      runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return +median(runs).toFixed(0);
  };
  // the environment on the same feeder: reconfiguration steps keeping the normal topology
  const { RestorationEnv } = require(path.join(root, 'dist/env/restoration-env'));
  const { loadSeries } = require(path.join(root, 'dist/grid/series'));
  const net1000 = loadCase(dir);
  const env = new RestorationEnv({ net: net1000, series: loadSeries(net1000, dir), mode: 'reconfig', horizon: 23, faults: { kind: 'none' }, seed: 1 });
  const openIds = normallyOpenLines(net1000).map((i) => net1000.lines[i].id);
  const rates = [];
  for (let r = 0; r < 5; r++) {
    env.reset({ seed: r });
    const t0 = process.hrtime.bigint();
    let steps = 0;
    while (steps < 400) {
      const out = env.step({ open: openIds });
      steps++;
      if (out.terminated || out.truncated) env.reset({});
    }
    rates.push(steps / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  result.feeder1000 = {
    envStepsPerSecond: Math.round(median(rates)),
    powerflowRunMs: time('powerflow', ['run', '--data', dir, '--step', '18', '--json']),
    powerflowRunMeshedMs: time('powerflow', ['run', '--data', dir, '--open', 'none', '--json']),
    faultmakerK1Ms: time('faultmaker', ['enumerate', '--k', '1', '--data', dir, '--out-dir', path.join(tmp, 'fm')]),
  };
}
fs.rmSync(tmp, { recursive: true, force: true });

const s = result.series100k;
result.pass = s.loadMs <= 2000 && s.peakRssMb <= 300;
if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(result) + '\n');
else {
  console.log(`node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg()[0].toFixed(2)}`);
  console.log(`100,000-step series (${s.fileMb} MB of CSV): load ${s.loadMs} ms (target <= 2000, ${(s.loadMs / 2000).toFixed(2)} of it), peak RSS ` +
    `${s.peakRssMb} MB (target <= 300, ${(s.peakRssMb / 300).toFixed(2)} of it)`);
  console.log('power flow (radial, normally open ties) vs feeder size:');
  for (const r of result.powerflowScaling) console.log(`  ${String(r.buses).padStart(5)} buses  ${String(r.usPerSolve).padStart(9)} us/solve  ` +
    `${String(r.nsPerBus).padStart(5)} ns/bus  ${r.iterations} iterations${r.converged ? '' : ' NOT CONVERGED'}`);
  const f = result.feeder1000;
  console.log(`1000-bus feeder: powerflow run ${f.powerflowRunMs} ms, meshed (all closed) ${f.powerflowRunMeshedMs} ms, faultmaker enumerate --k 1 ` +
    `${f.faultmakerK1Ms} ms (whole processes, median of 5); environment ${f.envStepsPerSecond} steps/s (library, reconfig mode)`);
}
process.exitCode = result.pass ? 0 : 1;
