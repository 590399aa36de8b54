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

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const val = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const timeLimitS = Number(val('--time-limit', '120'));
const gap = Number(val('--gap', '0.001'));
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
const doLadder = flag('--ladder') || (!flag('--day') && !doWorkers);
const doDay = flag('--day') || (!flag('--ladder') && !doWorkers);
const ROOT = path.join(__dirname, '..');
/** which days: --mt off = topology-only decisions, --mt on = MTs dispatched, default both */
const dayMts = args.includes('--mt') ? [val('--mt', 'off')] : ['off', 'on'];

const { median } = require('./bench-lib');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));

/** the ladder: each row adds one change to the previous */
const OLD = { scheme: 'rounds', heuristicEffort: 0.05 };
const LADDER = [
  ['naive: loose big-M, LP text re-parsed every round, no seeds/polish', { ...OLD, tightening: NAIVE, persistent: false, reuse: false, seedCuts: false, polish: false, looseGap: 0 }],
  ['+ big-M per line from the data', { ...OLD, tightening: { ...NAIVE, bigM: 'data' }, persistent: false, reuse: false, seedCuts: false, polish: false, looseGap: 0 }],
  ['+ loop, chain and bridge constraints', { ...OLD, tightening: { ...NAIVE, bigM: 'data', loopCuts: true, chains: true, fixBridges: true }, persistent: false, reuse: false, seedCuts: false, polish: false, looseGap: 0 }],
  ['+ persistent HiGHS model (cuts added in place, MIP start)', { ...OLD, tightening: { ...NAIVE, bigM: 'data', loopCuts: true, chains: true, fixBridges: true }, persistent: true, reuse: false, seedCuts: false, polish: false, looseGap: 0 }],
  ['+ LP polish of each topology + seed cuts', { ...OLD, tightening: { ...NAIVE, bigM: 'data', loopCuts: true, chains: true, fixBridges: true }, persistent: true, reuse: false, seedCuts: true, polish: true, looseGap: 0 }],
  ['+ perspective / switch-strengthened cuts, data voltage bound', { ...OLD, tightening: TIGHT, persistent: true, reuse: false, seedCuts: true, polish: true, looseGap: 0 }],
  ['+ 10 rounds of cuts on the root LP relaxation', { ...OLD, tightening: TIGHT, persistent: true, reuse: false, seedCuts: true, polish: true, looseGap: 0, rootCuts: 10 }],
  ['+ loose gap (2 %) while cuts are found', { ...OLD, tightening: TIGHT, persistent: true, reuse: false, seedCuts: true, polish: true, looseGap: 0.02, rootCuts: 10 }],
  ['certify: AC branch-exchange incumbent, cuts at its AC flows, 1 MILP', { tightening: TIGHT, reuse: false, rootCuts: 3, heuristicEffort: 0.05, nodeCuts: true }],
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
    const row = { variant: name, status: r.status, totalMs: r.timing.totalMs, rounds: r.rounds, lpRounds: r.lpRounds, mipMs: r.timing.mipMs, openLines: r.action.openLines, acLossKw: r.eval.lossKw, exact: r.exact, load: os.loadavg()[0] };
    rows.push(row);
    console.log(name.padEnd(66), f1(row.totalMs).padStart(8), String(row.rounds).padStart(6), '     ', row.mipMs.map((x) => x.toFixed(0)).join('/').padEnd(26), row.openLines.join(',').padEnd(16), f1(row.acLossKw), r.status, `load ${row.load.toFixed(1)}`);
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
    steps.push({ step: t, status: r.status, fallback: r.fallback, ms: r.timing.totalMs, solveMs: r.timing.solveMs, rounds: r.rounds, open: r.action.openLines.join(','), lossKw: r.eval.lossKw, reward: r.eval.reward.total, work: r.work });
  }
  const totalMs = performance.now() - t0;
  ex.dispose();
  // the solver's work is the same on any machine; the time per LP iteration says how fast this one was
  const sum = (f) => steps.reduce((a, s) => a + f(s), 0);
  const work = { mipSolves: sum((s) => s.work.mipSolves), nodes: sum((s) => s.work.nodes), lpIterations: sum((s) => s.work.lpIterations), solveMs: sum((s) => s.solveMs) };
  work.usPerLpIteration = (1000 * work.solveMs) / work.lpIterations;
  const ms = steps.map((s) => s.ms);
  console.log(`\nday: data/ieee33-24h, ${nSteps} of ${series.steps} steps, reconfiguration, objective ${objective}, MTs ${dayMt}, gap ${gap} (persistent model, cuts kept between steps)`);
  console.log(`  total ${f1(totalMs / 1000)} s, median ${f1(median(ms))} ms/step, max ${f1(Math.max(...ms))} ms, first ${f1(ms[0])} ms, median of steps 2.. ${f1(median(ms.slice(1)))} ms, load ${os.loadavg()[0].toFixed(1)}`);
  const rewardSum = steps.reduce((a, s) => a + s.reward, 0);
  console.log(`  statuses: ${[...new Set(steps.map((s) => s.status))].join(', ')}; fallbacks ${steps.filter((s) => s.fallback).length}; rounds per step ${steps.map((s) => s.rounds).join(' ')}; sum of AC rewards ${rewardSum.toFixed(4)}`);
  console.log(`  solver work: ${work.mipSolves} MIP solves, ${work.nodes} nodes, ${work.lpIterations} LP iterations; solver ${f1(work.solveMs / 1000)} s = ${work.usPerLpIteration.toFixed(0)} us per LP iteration`);
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
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'mdpc.js'), 'run', '--data', path.join(ROOT, 'data', 'ieee33-24h'), '--steps', steps, '--episode', episode,
        '--workers', String(w), '--run', `w${w}`, '--out-dir', outDir, '--no-lp', '--quiet', '--time-limit', String(timeLimitS)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mdpc run --workers ${w} failed: ${r.stderr}`);
      res[w] = (performance.now() - t0) / 1000;
    }
    const same = fs.readFileSync(path.join(outDir, 'w1.csv'), 'utf8') === fs.readFileSync(path.join(outDir, 'w2.csv'), 'utf8');
    console.log(`\nworkers: data/ieee33-24h, ${steps} steps in episodes of ${episode}, cost objective: 1 worker ${f1(res[1])} s, 2 workers ${f1(res[2])} s, speed-up ${(res[1] / res[2]).toFixed(2)}x; files identical: ${same}; load ${os.loadavg()[0].toFixed(1)}`);
    return { steps: Number(steps), episode: Number(episode), oneWorkerS: res[1], twoWorkersS: res[2], speedup: res[1] / res[2], identical: same };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
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
    console.log(`\ndays (targets at gap 0.001: median <= 1 s per step, <= 30 s a day)${repeat > 1 ? `, the median of ${repeat} runs (all runs' totals in brackets)` : ''}:`);
    for (const d of out.days) {
      console.log(`  MTs ${d.mt.padEnd(3)} objective ${d.objective.padEnd(4)} gap ${String(d.gap).padEnd(6)} total ${f1(d.totalMs / 1000)} s${repeat > 1 ? ` [${d.totalsMs.map((x) => f1(x / 1000)).join(', ')}]` : ''}, median ${f1(d.medianMs)} ms/step, sum of AC rewards ${d.rewardSum.toFixed(4)}; ${d.work.nodes} nodes, ${d.work.lpIterations} LP iterations, ${d.work.usPerLpIteration.toFixed(0)} us each`);
    }
  }
  if (doWorkers) out.workers = await workersBench();
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(out, null, 2));
})();
