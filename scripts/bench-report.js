#!/usr/bin/env node
/*
 * Time `mdpc report` on a long chain: a 720-step restore-mode chain is made once with
 * `powerflow replay` over the bundled 33-bus series (its own fault events: dozens of onsets),
 * from a synthesized action file (a few radial configurations in turn, MTs dispatched), then the
 * report is built --repeat times (a map at every fault onset, as by default): in this process (read, summarize, draw the maps, write the HTML
 * text) and as the whole command (a new node process writing the three files).
 *
 *   npm run build && nice -n 10 node scripts/bench-report.js --steps 720 --repeat 5
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { median } = require('./bench-lib');
const { buildReport } = require('../dist/cli/mdpc-report');

const arg = (n, d) => { const i = process.argv.indexOf(n); return i >= 0 ? Number(process.argv[i + 1]) : d; };
const steps = arg('--steps', 720), repeat = arg('--repeat', 5), start = arg('--start', 0);
const root = path.join(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));

// actions: radial configurations of the 33-bus feeder in turn, 6 steps each, MTs on in some
const configs = ['33 34 35 36 37', '7 9 14 32 37', '7 10 14 28 36', '11 14 28 33 35'];
const rows = ['open,pMtKw_G1,pMtKw_G2,pMtKw_G3,qMtKvar_G1,qMtKvar_G2,qMtKvar_G3'];
for (let k = 0; k < steps; k++) {
  const c = configs[Math.floor(k / 6) % configs.length];
  const mt = Math.floor(k / 12) % 2 ? [900, 300, 500, 200, 100, 100] : [0, 0, 0, 0, 0, 0];
  rows.push([c, ...mt].join(','));
}
fs.writeFileSync(path.join(dir, 'actions.csv'), rows.join('\n') + '\n');
const chain = path.join(dir, 'chain.csv');
const t0 = Date.now();
const rp = spawnSync(process.execPath, [path.join(root, 'bin/powerflow.js'), 'replay', '--actions', path.join(dir, 'actions.csv'), '--start', String(start), '--episode', '24', '--mode', 'restore', '--out', chain], { encoding: 'utf8' });
if (rp.status !== 0) { process.stderr.write(rp.stderr); process.exit(1); }
const replayMs = Date.now() - t0;

const opts = { chain, outDir: path.join('out', 'res_MDPC'), onsetMaps: 'all', at: [String(start + 1)], quiet: true };
const inProcess = [];
let built = null;
for (let k = 0; k < repeat; k++) {
  const a = process.hrtime.bigint();
  built = buildReport(opts);
  inProcess.push(Number(process.hrtime.bigint() - a) / 1e6);
}
const command = [];
for (let k = 0; k < repeat; k++) {
  const a = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/mdpc.js'), 'report', '--chain', chain, '--at', String(start + 1), '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) { process.stderr.write(r.stderr); process.exit(1); }
  command.push(Number(process.hrtime.bigint() - a) / 1e6);
}
const htmlBytes = fs.statSync(path.join(dir, 'chain.report.html')).size;
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({
  steps, repeat, replayMs,
  faultOnsets: built.report.totals.faultOnsets, maps: built.maps.length, switchOps: built.report.totals.switchOps,
  medianBuildMs: +median(inProcess).toFixed(1), maxBuildMs: +Math.max(...inProcess).toFixed(1),
  medianCommandMs: +median(command).toFixed(1), maxCommandMs: +Math.max(...command).toFixed(1), htmlBytes,
}) + '\n');
