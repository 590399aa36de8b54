#!/usr/bin/env node
/**
 * Benchmark of the optimizing expert (`npm run build` first).
 *
 *   node scripts/bench-mdpc.js                 # model-tightening ladder on the nominal case + the 24-step days
 *   node scripts/bench-mdpc.js --ladder        # only the ladder
 *   node scripts/bench-mdpc.js --day           # only the days (data/ieee33-24h, reconfiguration): topology-only
 *                                              # decisions (MTs off) with the cost and the loss objective, then
 *                                              # with the MTs dispatched too (cost objective)
 *   node scripts/bench-mdpc.js --day --mt off  # only the topology-only days (--mt on: only the MT day)
 *   node scripts/bench-mdpc.js --day --steps 6    # only the first 6 steps of each day
 *   node scripts/bench-mdpc.js --day --mt on --gaps 0.001,0.003,0.01   # the MT day at three gaps
 *   node scripts/bench-mdpc.js --day --mt off --repeat 3   # each day 3 times: the median total, and all totals
 *   node scripts/bench-mdpc.js --workers       # mdpc run --workers 1 vs 2 on the day (episodes of --episode 3 steps)
 *   node scripts/bench-mdpc.js --time-limit 60 --json out/bench-mdpc.json
 *   node scripts/bench-mdpc.js --restore       # every N-2 scenario of class island and lost (faultmaker
 *                                              # enumerate --k 2 --class island,lost), restoration, default
 *                                              # objective, at nominal load and at the series' lightest and
 *                                              # heaviest step; one fresh expert per scenario (as mdpc solve)
 *   node scripts/bench-mdpc.js --restore --levels nominal --limit 20   # nominal only, the first 20 scenarios
 *   node scripts/bench-mdpc.js --restore --levels light,heavy --every 4  # every 4th scenario (0, 4, 8, ...)
 *   node scripts/bench-mdpc.js --run-day       # `mdpc run --data data/ieee33-24h --steps 23` as a user runs it
 *                                              # (default objective reward, MTs dispatched, gap 1 %; --gap G)
 *   node scripts/bench-mdpc.js --restore-day   # the same in restoration with the day's fault table:
 *                                              # --mode restore --events data/ieee33-24h/event-restore.csv
 *
 * Each day also prints HiGHS' work (MIP solves, nodes, LP iterations), the same on any machine,
 * and the solver time per LP iteration, which says how fast the machine was during the run.
 *
 * Every figure includes the cone cuts (outer-approximation rounds) and the AC evaluation.
 * The machine may be shared: the script prints the load average beside the medians.
 */
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const D = path.join(__dirname, '..', 'dist');
const { loadCase } = require(path.join(D, 'grid', 'load-case'));
const { loadSeries, nominalSnapshot, snapshot } = require(path.join(D, 'grid', 'series'));
const { Expert } = require(path.join(D, 'opt', 'expert'));
const { NAIVE, TIGHT } = require(path.join(D, 'opt', 'formulation'));
const { roundsScheme } = require(path.join(D, 'opt', 'rounds-scheme'));

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const val = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const doRestore = flag('--restore');
const timeLimitS = Number(val('--time-limit', doRestore ? '60' : '120'));
const gap = Number(val('--gap', doRestore ? '0.01' : '0.001'));
/** --gaps 0.001,0.01: the days at each gap (speed against quality: the days' summed AC rewards) */
const gaps = val('--gaps', String(gap)).split(',').map(Number);
if (!gaps.every((g) => g > 0 && g < 1)) {
  console.error(`bench-mdpc: --gaps: expected relative gaps between 0 and 1, separated by commas, found "${val('--gaps', String(gap))}"`);
  process.exit(2);
}
const jsonOut = val('--json', null);
/** --repeat N: run each day N times and report the median total (the machine may be shared) */
const repeat = Number(val('--repeat', '1'));
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error(`bench-mdpc: --repeat: expected a whole number >= 1, found "${val('--repeat', '1')}"`);
  process.exit(2);
}
const doWorkers = flag('--workers');
const doRunDay = flag('--run-day');
const doRestoreDay = flag('--restore-day');
const only = doWorkers || doRestore || doRunDay || doRestoreDay;
const doLadder = flag('--ladder') || (!flag('--day') && !only);
const doDay = flag('--day') || (!flag('--ladder') && !only);
const ROOT = path.join(__dirname, '..');
/** which days: --mt off = topology-only decisions, --mt on = MTs dispatched, default both */
const dayMts = args.includes('--mt') ? [val('--mt', 'off')] : ['off', 'on'];

const { median } = require('./bench-lib');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));

/** the rounds scheme (src/opt/rounds-scheme.ts): re-solve the MILP after every batch of cuts */
const OLD = { heuristicEffort: 0.05 };
const rounds = (polish, looseGap) => ({ ...OLD, scheme: roundsScheme({ polish, looseGap }) });
/** the ladder: each row adds one change to the previous */
const LADDER = [
  ['naive: loose big-M, LP text re-parsed every round, no seeds/polish',
    { ...rounds(false, 0), tightening: NAIVE, persistent: false, reuse: false, seedCuts: false }],
  ['+ big-M per line from the data', { ...rounds(false, 0), tightening: { ...NAIVE, bigM: 'data' }, persistent: false, reuse: false, seedCuts: false }],
  ['+ loop, chain and bridge constraints', { ...rounds(false, 0), tightening: { ...NAIVE, bigM: 'data', loopCuts: true, chains: true, fixBridges: true },
    persistent: false, reuse: false, seedCuts: false }],
  ['+ persistent HiGHS model (cuts added in place, MIP start)',
    { ...rounds(false, 0), tightening: { ...NAIVE, bigM: 'data', loopCuts: true, chains: true, fixBridges: true }, persistent: true, reuse: false,
    seedCuts: false }],
  ['+ LP polish of each topology + seed cuts',
    { ...rounds(true, 0), tightening: { ...NAIVE, bigM: 'data', loopCuts: true, chains: true, fixBridges: true }, persistent: true, reuse: false,
    seedCuts: true }],
  ['+ perspective / switch-strengthened cuts, data voltage bound', { ...rounds(true, 0), tightening: TIGHT, persistent: true, reuse: false, seedCuts: true }],
  ['+ 10 rounds of cuts on the root LP relaxation', { ...rounds(true, 0), tightening: TIGHT, persistent: true, reuse: false, seedCuts: true, rootCuts: 10 }],
  ['+ loose gap (2 %) while cuts are found', { ...rounds(true, 0.02), tightening: TIGHT, persistent: true, reuse: false, seedCuts: true, rootCuts: 10 }],
  ['certify: AC branch-exchange incumbent, cuts at its AC flows, 1 MILP',
    { tightening: TIGHT, reuse: false, rootCuts: 3, heuristicEffort: 0.05, nodeCuts: true }],
  ['+ HiGHS sub-MIP heuristics off (the incumbent is given)', { tightening: TIGHT, reuse: false, rootCuts: 3, nodeCuts: true }],
  ['+ no cut separation at B&B nodes (the default)', { tightening: TIGHT, reuse: false, rootCuts: 3 }],
];

async function ladder() {
  const net = loadCase(path.join(ROOT, 'data', 'ieee33'));
  const snap = nominalSnapshot(net);
  const rows = [];
  console.log(`\nladder: nominal 33-bus, reconfiguration, objective loss, MTs off, gap ${gap}, time limit ${timeLimitS} s`);
  console.log('variant'.padEnd(66), 'total ms  MILP rounds  MILP ms each               open lines       AC loss kW');
  for (const [name, o] of LADDER) {
    const ex = await Expert.create(net, { objective: 'loss', mt: 'off', gap, timeLimitS, rootCuts: 0, ...o });
    const r = ex.solve(snap, null, []);
    ex.dispose();
    const row = { variant: name, status: r.status, totalMs: r.timing.totalMs, rounds: r.rounds, lpRounds: r.lpRounds, mipMs: r.timing.mipMs,
      openLines: r.action.openLines, acLossKw: r.eval.lossKw, exact: r.exact, load: os.loadavg()[0] };
    rows.push(row);
    console.log(name.padEnd(66), f1(row.totalMs).padStart(8), String(row.rounds).padStart(6), '     ',
      row.mipMs.map((x) => x.toFixed(0)).join('/').padEnd(26), row.openLines.join(',').padEnd(16), f1(row.acLossKw), r.status, `load ${row.load.toFixed(1)}`);
  }
  return rows;
}

async function day(objective, dayMt, gap) {
  const dir = path.join(ROOT, 'data', 'ieee33-24h');
  const net = loadCase(dir);
  const series = loadSeries(net, dir);
  const ex = await Expert.create(net, { mode: 'reconfig', objective, gap, timeLimitS, mt: dayMt });
  const steps = [];
  let prev = null;
  const t0 = performance.now();
  const nSteps = Math.min(series.steps, Number(val('--steps', String(series.steps))));
  for (let t = 0; t < nSteps; t++) {
    const snap = snapshot(series, t);
    const r = ex.solve(snap, prev, snap.faulted);
    prev = r.action.lineOpen;
    process.stderr.write(`  step ${t}: ${r.status} ${r.timing.totalMs.toFixed(0)} ms, ${r.rounds} rounds, open ${r.action.openLines.join(',')}\n`);
    steps.push({ step: t, status: r.status, fallback: r.fallback, ms: r.timing.totalMs, solveMs: r.timing.solveMs, rounds: r.rounds,
      open: r.action.openLines.join(','), lossKw: r.eval.lossKw, reward: r.eval.reward.total, work: r.work });
  }
  const totalMs = performance.now() - t0;
  ex.dispose();
  // the solver's work is the same on any machine; the time per LP iteration says how fast this one was
  const sum = (f) => steps.reduce((a, s) => a + f(s), 0);
  const work = { mipSolves: sum((s) => s.work.mipSolves), nodes: sum((s) => s.work.nodes), lpIterations: sum((s) => s.work.lpIterations),
    solveMs: sum((s) => s.solveMs) };
  work.usPerLpIteration = (1000 * work.solveMs) / work.lpIterations;
  const ms = steps.map((s) => s.ms);
  console.log(`\nday: data/ieee33-24h, ${nSteps} of ${series.steps} steps, reconfiguration, objective ${objective}, MTs ${dayMt}, gap ${gap} ` +
    `(persistent model, cuts kept between steps)`);
  console.log(`  total ${f1(totalMs / 1000)} s, median ${f1(median(ms))} ms/step, max ${f1(Math.max(...ms))} ms, first ${f1(ms[0])} ms, median of steps ` +
    `2.. ${f1(median(ms.slice(1)))} ms, load ${os.loadavg()[0].toFixed(1)}`);
  const rewardSum = steps.reduce((a, s) => a + s.reward, 0);
  console.log(`  statuses: ${[...new Set(steps.map((s) => s.status))].join(', ')}; fallbacks ${steps.filter((s) => s.fallback).length}; rounds per step ` +
    `${steps.map((s) => s.rounds).join(' ')}; sum of AC rewards ${rewardSum.toFixed(4)}`);
  console.log(`  solver work: ${work.mipSolves} MIP solves, ${work.nodes} nodes, ${work.lpIterations} LP iterations; solver ${f1(work.solveMs / 1000)} ` +
    `s = ${work.usPerLpIteration.toFixed(0)} us per LP iteration`);
  return { objective, gap, totalMs, medianMs: median(ms), rewardSum, work, steps };
}

/** `mdpc run` on the day with 1 and 2 worker processes: wall time, and the two files must be equal. */
async function workersBench() {
  const { spawnSync } = require('node:child_process');
  const steps = val('--steps', '12');
  const episode = val('--episode', '3');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-workers-'));
  const res = {};
  try {
    for (const w of [1, 2]) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'mdpc.js'), 'run', '--data', path.join(ROOT, 'data', 'ieee33-24h'), '--steps', steps,
        '--episode', episode,
        '--workers', String(w), '--run', `w${w}`, '--out-dir', outDir, '--no-lp', '--quiet', '--time-limit', String(timeLimitS)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mdpc run --workers ${w} failed: ${r.stderr}`);
      res[w] = (performance.now() - t0) / 1000;
    }
    const same = fs.readFileSync(path.join(outDir, 'w1.csv'), 'utf8') === fs.readFileSync(path.join(outDir, 'w2.csv'), 'utf8');
    console.log(`\nworkers: data/ieee33-24h, ${steps} steps in episodes of ${episode}, cost objective: 1 worker ${f1(res[1])} s, 2 workers ` +
      `${f1(res[2])} s, speed-up ${(res[1] / res[2]).toFixed(2)}x; files identical: ${same}; load ${os.loadavg()[0].toFixed(1)}`);
    return { steps: Number(steps), episode: Number(episode), oneWorkerS: res[1], twoWorkersS: res[2], speedup: res[1] / res[2], identical: same };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * `mdpc run` on the 24-hour day as a user runs it (a fresh process: WebAssembly start-up, chain,
 * manifest and step files included), its defaults unless `extra` says otherwise; HiGHS' work
 * (the same on any machine) from the manifest.
 */
function runDay(name, extra) {
  const { spawnSync } = require('node:child_process');
  const g = val('--gap', '0.01');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-run-day-'));
  try {
    const argv = [path.join(ROOT, 'bin', 'mdpc.js'), 'run', '--data', path.join(ROOT, 'data', 'ieee33-24h'), '--steps', val('--steps', '23'), '--gap', g,
      ...extra, '--run', 'day', '--out-dir', tmp, '--log-dir', tmp, '--quiet', '--time-limit', String(timeLimitS)];
    const load0 = os.loadavg()[0];
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: ROOT });
    const wallS = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`mdpc run ${extra.join(' ')} failed: ${r.stderr}`);
    const m = JSON.parse(fs.readFileSync(path.join(tmp, 'day.manifest.json'), 'utf8'));
    const statuses = {};
    for (const x of m.steps) statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    const maxGap = Math.max(...m.steps.map((x) => x.gap ?? Infinity));
    const rewardSum = m.steps.reduce((a, x) => a + x.reward, 0);
    const w = m.work;
    console.log(`\n${name}: mdpc run --data data/ieee33-24h --steps ${val('--steps', '23')} --gap ${g} ${extra.join(' ')}`);
    console.log(`  total ${f1(wallS)} s (load ${load0.toFixed(1)}-${os.loadavg()[0].toFixed(1)}), median ${f1(m.medianStepMs)} ms/step; statuses ${JSON.stringify(statuses)}, largest proven gap ${(100 * maxGap).toFixed(3)} %, sum of rewards ${rewardSum.toFixed(4)}`);
    console.log(`  HiGHS work: ${w.mipSolves} MIP + ${w.lpSolves} LP solves, ${w.nodes} nodes, ${w.lpIterations} LP iterations; ${((1e6 * wallS) / w.lpIterations).toFixed(0)} us of wall time per LP iteration`);
    return { name, extra, gap: Number(g), wallS, load: load0, medianStepMs: m.medianStepMs, statuses, maxGap, rewardSum, work: w, steps: m.steps };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** the p-th percentile (nearest rank) */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
}

/**
 * Restoration: every N-2 scenario of class island and lost, each solved by a fresh expert (the
 * one-shot `mdpc solve` case: no cuts from earlier scenarios), at nominal load and at the series'
 * lightest and heaviest steps (their PV/WT output and MT availability; the event table ignored).
 */
async function restoreSuite() {
  const { enumerateScenarios, filterByClass } = require(path.join(D, 'faults', 'enumerate'));
  const dir = path.join(ROOT, 'data', 'ieee33');
  const net = loadCase(dir);
  const series = loadSeries(net, dir);
  const every = Number(val('--every', '1'));
  if (!Number.isInteger(every) || every < 1) { console.error(`bench-mdpc: --every: expected a whole number >= 1, found ` +
    `"${val('--every', '1')}"`); process.exit(2); }
  const scenarios = filterByClass(enumerateScenarios(net, { k: 2 }), ['island', 'lost']).filter((_, k) => k % every === 0).slice(0,
    Number(val('--limit', '1000000')));
  // the series' steps of least and most total load
  let lo = 0;
  let hi = 0;
  const tot = (t) => { let a = 0; for (let b = 0; b < series.busCount; b++) a += series.loadPKw[t * series.busCount + b]; return a; };
  for (let t = 0; t < series.steps; t++) { if (tot(t) < tot(lo)) lo = t; if (tot(t) > tot(hi)) hi = t; }
  const levels = { nominal: () => nominalSnapshot(net), light: () => snapshot(series, lo), heavy: () => snapshot(series, hi) };
  const want = val('--levels', 'nominal,light,heavy').split(',');
  for (const w of want) if (!levels[w]) { console.error(`bench-mdpc: --levels: expected nominal, light or heavy, found "${w}"`); process.exit(2); }
  const total = (s) => s.loadPKw.reduce((a, x) => a + x, 0);
  const out = [];
  for (const level of want) {
    const base = levels[level]();
    console.log(`\nrestore: ${scenarios.length} N-2 scenarios (island, lost), load ` +
      `${level}${level === 'nominal' ? '' : ` (series step ${level === 'light' ? lo : hi})`}, ${f1(total(base))} kW, gap ${gap}, time limit ${timeLimitS} s`);
    const rows = [];
    for (const sc of scenarios) {
      const snap = { ...base, faulted: sc.lines.slice() };
      const ex = await Expert.create(net, { mode: 'restore', gap, timeLimitS });
      const r = ex.solve(snap, null, sc.lines);
      ex.dispose();
      const ids = sc.lines.map((l) => net.lines[l].id).join(',');
      const row = { faults: ids, cls: sc.cls, status: r.status, fallback: r.fallback, exact: r.exact, gap: r.gap, ms: r.timing.totalMs, work: r.work,
        objective: r.objective, reward: r.eval.reward.total };
      rows.push(row);
      if (flag('--verbose') || r.status !== 'optimal' || r.timing.totalMs > 5000) process.stderr.write(`  ${level} [${ids}] ${sc.cls}: ${r.status} gap ${(100 * r.gap).toFixed(2)} % ${f1(r.timing.totalMs)} ms, ${r.work.mipSolves} MIP + ${r.work.lpSolves} LP, ${r.work.nodes} nodes, ${r.work.lpIterations} LP it\n`);
    }
    const ms = rows.map((x) => x.ms);
    const it = rows.map((x) => x.work.lpIterations);
    const nodes = rows.map((x) => x.work.nodes);
    const mips = rows.map((x) => x.work.mipSolves);
    const statuses = {};
    for (const x of rows) statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    const sum = (a) => a.reduce((u, v) => u + v, 0);
    const summary = {
      level, scenarios: rows.length, statuses, certified: rows.filter((x) => x.status === 'optimal' && x.exact).length,
      atTimeLimit: rows.filter((x) => x.status === 'time-limit').length, maxGap: Math.max(...rows.map((x) => (Number.isFinite(x.gap) ? x.gap : Infinity))),
      ms: { median: median(ms), p95: percentile(ms, 95), max: Math.max(...ms), total: sum(ms) },
      lpIterations: { median: median(it), p95: percentile(it, 95), max: Math.max(...it), total: sum(it) },
      nodes: { median: median(nodes), p95: percentile(nodes, 95), max: Math.max(...nodes), total: sum(nodes) },
      mipSolves: { median: median(mips), max: Math.max(...mips), total: sum(mips) }, lpSolves: sum(rows.map((x) => x.work.lpSolves)),
      load: os.loadavg()[0], rows,
    };
    console.log(`  statuses ${JSON.stringify(statuses)}; certified (optimal, exact) ${summary.certified}/${rows.length}; at the time limit ` +
      `${summary.atTimeLimit}; largest proven gap ${(100 * summary.maxGap).toFixed(3)} %`);
    console.log(`  time ms: median ${f1(summary.ms.median)}, p95 ${f1(summary.ms.p95)}, max ${f1(summary.ms.max)}, total ${f1(summary.ms.total / 1000)} ` +
      `s; load ${summary.load.toFixed(1)}`);
    console.log(`  work: LP iterations median ${summary.lpIterations.median}, p95 ${summary.lpIterations.p95}, max ${summary.lpIterations.max}, total ${summary.lpIterations.total}; nodes median ${summary.nodes.median}, p95 ${summary.nodes.p95}, max ${summary.nodes.max}, total ${summary.nodes.total}; MIP solves total ${summary.mipSolves.total} (max ${summary.mipSolves.max}/scenario), LP solves ${summary.lpSolves}`);
    out.push(summary);
  }
  return out;
}

(async () => {
  console.log(`bench-mdpc: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const out = { date: new Date().toISOString(), gap, timeLimitS, cores: os.cpus().length };
  if (doLadder) out.ladder = await ladder();
  if (doDay) {
    out.days = [];
    for (const g of gaps) {
      for (const mt of dayMts) {
        for (const objective of mt === 'off' ? ['cost', 'loss'] : ['cost']) {
          const runs = [];
          for (let k = 0; k < repeat; k++) runs.push(await day(objective, mt, g));
          // the run with the median total; all runs' totals beside it
          const byTotal = [...runs].sort((a, b) => a.totalMs - b.totalMs);
          out.days.push({ mt, ...byTotal[(byTotal.length - 1) >> 1], totalsMs: runs.map((r) => r.totalMs) });
        }
      }
    }
    console.log(`\ndays (targets at gap 0.001: median <= 1 s per step, <= 30 s a ` +
      `day)${repeat > 1 ? `, the median of ${repeat} runs (all runs' totals in brackets)` : ''}:`);
    for (const d of out.days) {
      console.log(`  MTs ${d.mt.padEnd(3)} objective ${d.objective.padEnd(4)} gap ${String(d.gap).padEnd(6)} total ${f1(d.totalMs / 1000)} s${repeat > 1 ? ` [${d.totalsMs.map((x) => f1(x / 1000)).join(', ')}]` : ''}, median ${f1(d.medianMs)} ms/step, sum of AC rewards ${d.rewardSum.toFixed(4)}; ${d.work.nodes} nodes, ${d.work.lpIterations} LP iterations, ${d.work.usPerLpIteration.toFixed(0)} us each`);
    }
  }
  if (doWorkers) out.workers = await workersBench();
  if (doRestore) out.restore = await restoreSuite();
  if (doRunDay) out.runDay = runDay('MT day', []);
  if (doRestoreDay) out.restoreDay = runDay('restoration day', ['--mode', 'restore', '--events', 'data/ieee33-24h/event-restore.csv']);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(out, null, 2));
})();
