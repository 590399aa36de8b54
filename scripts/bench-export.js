#!/usr/bin/env node
/**
 * `mdpc export` speed and size: a full-schema chain of --steps transitions (episodes of 24) is
 * made by `powerflow replay` of the normal topology on the bundled 33-bus case (the same columns
 * as an `mdpc run` chain, without the solver's hours), then exported --repeats times; medians of
 * the read (CSV to arrays) and write (arrays to file) times, and the sizes. With --minari, the
 * Minari format too (needs h5wasm: npm install h5wasm@0.10.3, or NODE_PATH to a folder holding it).
 * Needs `npm run build` first.
 *
 *   node scripts/bench-export.js [--steps 240] [--repeats 3] [--minari] [--json]
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const STEPS = Number(arg('--steps', '240'));
const REPEATS = Number(arg('--repeats', '3'));
const MINARI = process.argv.includes('--minari');
const JSON_OUT = process.argv.includes('--json');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-export-'));
const run = (tool, args) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', `${tool}.js`), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

try {
  const acts = path.join(dir, 'acts.csv');
  fs.writeFileSync(acts, 'open\n' + '33 34 35 36 37\n'.repeat(STEPS));
  const chain = path.join(dir, 'chain.csv');
  run('powerflow', ['replay', '--actions', acts, '--start', '0', '--episode', '24', '--out', chain]);
  const result = { steps: STEPS, chainBytes: fs.statSync(chain).size, formats: {} };
  for (const format of MINARI ? ['npz', 'minari'] : ['npz']) {
    const runs = [];
    for (let k = 0; k < REPEATS; k++) runs.push(JSON.parse(run('mdpc', ['export', '--chain', chain, '--format', format, '--force', '--quiet'])));
    result.formats[format] = {
      bytes: runs[0].bytes,
      episodes: runs[0].episodes,
      readMsMedian: median(runs.map((r) => r.readMs)),
      writeMsMedian: median(runs.map((r) => r.writeMs)),
      totalMsMedian: median(runs.map((r) => r.readMs + r.writeMs)),
    };
  }
  if (JSON_OUT) process.stdout.write(JSON.stringify(result) + '\n');
  else {
    process.stdout.write(`chain: ${STEPS} transitions, ${(result.chainBytes / 1048576).toFixed(2)} MB of CSV\n`);
    for (const [f, r] of Object.entries(result.formats)) {
      process.stdout.write(`${f.padEnd(6)} ${(r.bytes / 1048576).toFixed(2)} MB, ${r.episodes} episodes: read ${r.readMsMedian} ms, write ` +
        `${r.writeMsMedian} ms (medians of ${REPEATS})\n`);
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
