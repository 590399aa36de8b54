#!/usr/bin/env node
/**
 * One-shot `mdpc solve` in a fresh process against the same solve run by a warm `mdpc daemon`.
 *
 *   npm run build && node scripts/bench-daemon.js [--repeat N] [-- solve options]
 *
 * Runs alternate (fresh, daemon, fresh, ...) so that the machine's load hits both alike. Prints the
 * median wall time and CPU time of each (the fresh solve's CPU is its process's; the daemon's is
 * what its process used for the request) and the HiGHS work, which must be equal. Default solve:
 * the demo's (`--load nominal --objective loss --mt off`).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'mdpc.js');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash >= 0 ? argv.slice(0, dash) : argv;
const solveArgs = dash >= 0 ? argv.slice(dash + 1) : ['--load', 'nominal', '--objective', 'loss', '--mt', 'off'];
const rep = own.indexOf('--repeat');
const repeat = rep >= 0 ? Number(own[rep + 1]) : 5;
if (!Number.isInteger(repeat) || repeat < 1) {
  process.stderr.write('bench-daemon: --repeat expects a positive integer\n');
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-daemon-'));
const env = { ...process.env, CASE33TS_DAEMON_SOCKET: path.join(dir, 'd.sock') };
const TICK_S = 0.01; // Linux clock ticks (USER_HZ = 100)

/** CPU seconds (user + system) of a process, or of this process's waited-for children. */
function cpuSeconds(pid, children) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // fields[11..14] = utime, stime, cutime, cstime (stat fields 14-17)
  const k = children ? 13 : 11;
  return (Number(fields[k]) + Number(fields[k + 1])) * TICK_S;
}

function mdpc(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: dir });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`mdpc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wallS, out: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main() {
  mdpc(['daemon', 'start', '--idle-timeout', '600']);
  const pid = JSON.parse(mdpc(['daemon', 'status', '--json']).out).pid; // answers once warmed up
  const fresh = { wall: [], cpu: [] };
  const warm = { wall: [], cpu: [] };
  let works = new Set();
  try {
    for (let i = 0; i < repeat; i++) {
      const c0 = cpuSeconds(process.pid, true);
      const a = mdpc(['solve', ...solveArgs, '--json', '--no-log', '--no-daemon']);
      fresh.wall.push(a.wallS);
      fresh.cpu.push(cpuSeconds(process.pid, true) - c0);
      const d0 = cpuSeconds(pid, false);
      const c1 = cpuSeconds(process.pid, true);
      const b = mdpc(['solve', ...solveArgs, '--json', '--no-log']);
      warm.wall.push(b.wallS);
      warm.cpu.push(cpuSeconds(pid, false) - d0 + cpuSeconds(process.pid, true) - c1);
      for (const o of [a, b]) works.add(JSON.stringify(JSON.parse(o.out).work));
      process.stdout.write(`round ${i + 1}: fresh ${a.wallS.toFixed(2)} s, daemon ${b.wallS.toFixed(2)} s (load ${os.loadavg()[0].toFixed(1)})\n`);
    }
  } finally {
    mdpc(['daemon', 'stop']);
  }
  const f = (x) => x.toFixed(2);
  process.stdout.write(`\nmdpc solve ${solveArgs.join(' ')} (${repeat} rounds, medians)\n`);
  process.stdout.write(`fresh process : wall ${f(median(fresh.wall))} s, CPU ${f(median(fresh.cpu))} s\n`);
  process.stdout.write(`warm daemon   : wall ${f(median(warm.wall))} s, CPU ${f(median(warm.cpu))} s (client + daemon)\n`);
  process.stdout.write(`ratio         : wall ${f(median(fresh.wall) / median(warm.wall))}x, CPU ${f(median(fresh.cpu) / median(warm.cpu))}x\n`);
  process.stdout.write(`HiGHS work    : ${[...works].join(' | ')}${works.size === 1 ? ' (identical)' : ' (DIFFERENT)'}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  if (works.size !== 1) process.exit(1);
}

main();
