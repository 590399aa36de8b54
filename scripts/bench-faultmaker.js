#!/usr/bin/env node
/*
 * Benchmark of the faultmaker targets (issue #4), whole process (node start-up included):
 *   enumerate --k 2 on the 33-bus case   <= 0.3 s
 *   enumerate --k 3                       <= 3 s
 *   scene, 100,000 steps                  <= 2 s
 * Each command runs several times (default 7) into a temporary folder; the median, min and max
 * wall-clock times are printed with the load average (other processes skew single runs).
 *
 *   npm run build && node scripts/bench-faultmaker.js [--runs N] [--json]
 * Exit code 1 when a median misses its target.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench-faultmaker: --runs expects a positive integer\n');
  process.exit(2);
}
const asJson = args.includes('--json');

const bin = path.join(__dirname, '..', 'bin', 'faultmaker.js');
if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'cli', 'faultmaker.js'))) {
  process.stderr.write('bench-faultmaker: build first (npm run build)\n');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'case33ts-bench-fm-'));

const cases = [
  // baseline: an empty node process, to tell start-up from work
  { name: 'node -e 0 (baseline)', argv: ['-e', '0'], targetS: null },
  { name: 'enumerate --k 2', args: ['enumerate', '--k', '2', '--out-dir', tmp], targetS: 0.3 },
  { name: 'enumerate --k 3', args: ['enumerate', '--k', '3', '--out-dir', tmp], targetS: 3 },
  {
    name: 'scene --steps 100000',
    args: ['scene', '--steps', '100000', '--p-n1', '0.1', '--p-n2', '0.01', '--repair-hours', '1:4', '--seed', '1', '--out', path.join(tmp, 'event.csv')],
    targetS: 2,
  },
];

const { median } = require('./bench-lib');

const results = [];
const loadBefore = os.loadavg()[0];
try {
  for (const c of cases) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, c.argv ?? [bin, ...c.args], { encoding: 'utf8' });
      const t = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r.status !== 0) throw new Error(`${c.name} failed (exit ${r.status}): ${r.stderr}`);
      times.push(t);
    }
    const med = median(times);
    results.push({ name: c.name, runs, medianS: +med.toFixed(3), minS: +Math.min(...times).toFixed(3), maxS: +Math.max(...times).toFixed(3),
      targetS: c.targetS, ok: c.targetS === null || med <= c.targetS });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const info = { node: process.version, cpus: os.cpus().length, loadAvg1mBefore: +loadBefore.toFixed(2), loadAvg1mAfter: +os.loadavg()[0].toFixed(2) };

if (asJson) {
  process.stdout.write(JSON.stringify({ ...info, results }, null, 2) + '\n');
} else {
  process.stdout.write(`faultmaker benchmark, whole process, ${runs} runs each (node ${info.node}, ${info.cpus} CPUs, load ${info.loadAvg1mBefore} -> ` +
    `${info.loadAvg1mAfter})\n`);
  for (const r of results) {
    process.stdout.write(`  ${r.name.padEnd(22)} median ${r.medianS.toFixed(3)} s  (min ${r.minS.toFixed(3)}, max ${r.maxS.toFixed(3)})  ` +
      `${r.targetS === null ? '' : `target <= ${r.targetS} s  ${r.ok ? 'ok' : 'MISSED'}`}\n`);
  }
}
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
