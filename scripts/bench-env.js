#!/usr/bin/env node
/**
 * Environment throughput on the bundled case (33-bus by default): reconfig mode, a uniformly
 * drawn radial configuration as every action (unmasked: some meet a fault and end the episode,
 * which is then reset), reward included, faults from the case's event table.
 *   library  RestorationEnv.step in this process
 *   serve    `powerflow serve` in a child process, one request line / one response line in
 *            lockstep over a pipe (what the Python wrapper does), and pipelined (requests written
 *            ahead, responses read as they come), and vectorised (`vstep` of --vector N environments
 *            per line, lockstep)
 *   python   scripts/python/case33_env.py (lockstep), when python3 is on the PATH
 * Each figure is the median of --repeats runs. Needs `npm run build` first.
 *
 * --mask: the environment sends the action mask (packed, only when it changes) and every action
 * is a configuration drawn uniformly from the valid ones (the client reads the mask when it comes
 * and draws by rejection, as a sampler over a mask of tens of thousands of entries would).
 *
 *   node scripts/bench-env.js [--data DIR] [--steps N] [--repeats R] [--obs case33py|full] [--vector N] [--mask] [--json]
 */
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const readline = require('node:readline');
const os = require('node:os');

const ROOT = path.join(__dirname, '..');
const { loadCase } = require(path.join(ROOT, 'dist', 'grid', 'load-case'));
const { loadSeries } = require(path.join(ROOT, 'dist', 'grid', 'series'));
const { RestorationEnv } = require(path.join(ROOT, 'dist', 'env', 'restoration-env'));
const { Rng } = require(path.join(ROOT, 'dist', 'util', 'rng'));

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const DATA = arg('--data', path.join(ROOT, 'data', 'ieee33'));
const STEPS = Number(arg('--steps', '20000'));
const REPEATS = Number(arg('--repeats', '5'));
const OBS = arg('--obs', 'case33py');
const JSON_OUT = process.argv.includes('--json');
const MASK = process.argv.includes('--mask');

/**
 * A uniform draw among the valid configurations: rejection sampling on the mask while at least
 * one configuration in 8 is valid (a few tries), else from the list of valid ones (built once per
 * mask). isValid(c) reads the mask; count is its number of valid configurations.
 */
function maskSampler(isValid, count, n) {
  let list = null;
  return (rng) => {
    if (count * 8 >= n) {
      for (;;) { const c = rng.int(n); if (isValid(c)) return c; }
    }
    if (!list) { list = []; for (let c = 0; c < n; c++) if (isValid(c)) list.push(c); }
    return list[rng.int(list.length)];
  };
}

/** sampler over a packed mask as sent by serve (base64, bit c of byte c >> 3) */
function packedSampler(bits, count, n) {
  const raw = Buffer.from(bits, 'base64');
  return maskSampler((c) => (raw[c >> 3] >> (c & 7)) & 1, count, n);
}
const CLI = path.join(ROOT, 'bin', 'powerflow.js');

const { median } = require('./bench-lib');

function benchLibrary() {
  const net = loadCase(DATA);
  const series = loadSeries(net, DATA);
  const env = new RestorationEnv({ net, series, mode: 'reconfig', observation: OBS, start: 'random', horizon: 24, actionMask: MASK });
  const n = env.radialTable().count;
  const runs = [];
  let resets = 0;
  let terminated = 0;
  for (let r = 0; r < REPEATS + 1; r++) {
    const rng = new Rng(r);
    let info = env.reset({ seed: r }).info;
    // with the mask: a sampler over the valid configurations, renewed when the mask object changes
    let maskSeen = null;
    let sample = null;
    const pick = () => {
      if (!MASK) return rng.int(n);
      if (info.actionMask !== maskSeen) {
        const m = (maskSeen = info.actionMask);
        let count = 0;
        for (let c = 0; c < n; c++) count += m[c];
        sample = maskSampler((c) => m[c], count, n);
      }
      return sample(rng);
    };
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < STEPS; i++) {
      const out = env.step(pick());
      info = out.info;
      if (out.terminated || out.truncated) {
        if (out.terminated) terminated++;
        resets++;
        info = env.reset({}).info;
      }
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r > 0) runs.push(STEPS / s); // run 0 warms up the JIT
  }
  return { median: median(runs), runs, resetsPerRun: resets / (REPEATS + 1), terminatedPerRun: terminated / (REPEATS + 1) };
}

async function benchServe(pipelined, vector = 0) {
  const steps = Math.min(STEPS, 10000);
  const runs = [];
  for (let r = 0; r < REPEATS; r++) {
    const child = spawn(process.execPath, [CLI, 'serve', '--obs', OBS, '--data', DATA, '--start', 'random', ...(MASK ? ['--mask'] : [])],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    const rl = readline.createInterface({ input: child.stdout });
    const queue = [];
    let waiting = null;
    rl.on('line', (l) => {
      if (waiting) { const w = waiting; waiting = null; w(l); } else queue.push(l);
    });
    const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((res) => (waiting = res)));
    const send = (o) => child.stdin.write(JSON.stringify(o) + '\n');
    send({ cmd: 'spaces' });
    const n = JSON.parse(await next()).configAction.spaces.config.n;
    send(vector ? { cmd: 'vreset', n: vector, seed: r } : { cmd: 'reset', seed: r });
    const first = JSON.parse(await next());
    const rng = new Rng(100 + r);
    // the valid configurations of each environment, updated when a mask arrives
    const samplers = (vector ? first.infos : [first.info]).map((inf) => (MASK ? packedSampler(inf.actionMaskBits, inf.actionMaskCount, n) : null));
    const seen = (res, k = 0) => {
      const inf = vector ? res.infos[k] : res.info;
      if (MASK && inf && inf.actionMaskBits) samplers[k] = packedSampler(inf.actionMaskBits, inf.actionMaskCount, n);
    };
    const pick = (k = 0) => (MASK ? samplers[k](rng) : rng.int(n));
    const t0 = process.hrtime.bigint();
    let resets = 0;
    if (vector) {
      // N environments per request line, lockstep; ended episodes are reset by the server
      for (let i = 0; i < steps; i += vector) {
        send({ cmd: 'vstep', actions: Array.from({ length: vector }, (_, k) => pick(k)) });
        const res = JSON.parse(await next());
        if (res.error) throw new Error(res.error);
        for (let k = 0; k < vector; k++) seen(res, k);
      }
    } else if (pipelined) {
      // steps written ahead in blocks; an episode end is answered by a reset in the next block
      const block = 64;
      let done = 0;
      while (done < steps) {
        const k = Math.min(block, steps - done);
        for (let i = 0; i < k; i++) send({ cmd: 'step', action: pick() });
        let needReset = false;
        for (let i = 0; i < k; i++) {
          const res = JSON.parse(await next());
          if (res.error) { needReset = true; continue; }
          seen(res);
          if (res.terminated || res.truncated) needReset = true;
        }
        done += k;
        if (needReset) { send({ cmd: 'reset' }); seen(JSON.parse(await next())); resets++; }
      }
    } else {
      for (let i = 0; i < steps; i++) {
        send({ cmd: 'step', action: pick() });
        const res = JSON.parse(await next());
        seen(res);
        if (res.terminated || res.truncated) { send({ cmd: 'reset' }); seen(JSON.parse(await next())); resets++; }
      }
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    runs.push(steps / s);
    send({ cmd: 'close' });
    await next();
    child.stdin.end();
    await new Promise((res) => child.on('close', res));
  }
  return { median: median(runs), runs, steps };
}

function benchPython() {
  const which = spawnSync('python3', ['--version']);
  if (which.status !== 0) return null;
  const steps = Math.min(STEPS, 5000);
  const code = `
import sys, time, json
sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'scripts', 'python'))})
from case33_env import Case33Env
import random
env = Case33Env(cli=${JSON.stringify(CLI)}, obs=${JSON.stringify(OBS)}, data=${JSON.stringify(DATA)}, start="random", mask=${MASK ? 'True' : 'False'})
rates = []
rng = random.Random(0)
valid, seen = None, None
def pick():
    # uniform among the valid configurations: rejection while one in 8 is valid, else a list
    global valid, seen
    m = env.action_masks()
    if m is None:
        return env.sample_config()
    n = len(m)
    if m is not seen:
        seen = m
        valid = None if m.count(1) * 8 >= n else [c for c, v in enumerate(m) if v]
    if valid is None:
        while True:
            c = rng.randrange(n)
            if m[c]:
                return c
    return valid[rng.randrange(len(valid))]
for r in range(${REPEATS}):
    env.reset(seed=r)
    t = time.perf_counter()
    for i in range(${steps}):
        obs, rew, term, trunc, info = env.step(pick())
        if term or trunc:
            env.reset()
    rates.append(${steps} / (time.perf_counter() - t))
env.close()
print(json.dumps(rates))
`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim().split('\n').pop() };
  const runs = JSON.parse(r.stdout);
  return { median: median(runs), runs, steps };
}

(async () => {
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const lib = benchLibrary();
  const lock = await benchServe(false);
  const pipe = await benchServe(true);
  const VEC = Number(arg('--vector', '16'));
  const vec = await benchServe(false, VEC);
  const py = benchPython();
  const result = {
    case: path.basename(DATA), observation: OBS, mask: MASK, cpus: os.cpus().length, loadavgBefore: load,
      loadavgAfter: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    node: process.version, steps: STEPS, repeats: REPEATS,
    libraryStepsPerSec: Math.round(lib.median), serveLockstepStepsPerSec: Math.round(lock.median), servePipelinedStepsPerSec: Math.round(pipe.median),
      serveVectorStepsPerSec: Math.round(vec.median), vectorSize: VEC,
    pythonWrapperStepsPerSec: py && py.median ? Math.round(py.median) : null,
    runs: { library: lib.runs.map(Math.round), serveLockstep: lock.runs.map(Math.round), servePipelined: pipe.runs.map(Math.round),
      serveVector: vec.runs.map(Math.round), python: py && py.runs ? py.runs.map(Math.round) : py },
    episodeEndsPerLibraryRun: lib.resetsPerRun, terminatedPerLibraryRun: lib.terminatedPerRun,
  };
  if (JSON_OUT) { process.stdout.write(JSON.stringify(result) + '\n'); return; }
  const line = (k, v, target) => console.log(`${k.padEnd(34)} ${String(v).padStart(8)} steps/s${target ? `   (target >= ${target})` : ''}`);
  console.log(`case ${result.case}, observation ${OBS}${MASK ? ', action mask on (masked random actions)' : ''}, ${result.cpus} cpus, load average ` +
    `${load} -> ${result.loadavgAfter}, node ${process.version}`);
  console.log(`medians of ${REPEATS} runs (library: ${STEPS} steps each; runs: ${JSON.stringify(result.runs)})`);
  line('library (RestorationEnv.step)', result.libraryStepsPerSec, 10000);
  line('powerflow serve, lockstep pipe', result.serveLockstepStepsPerSec, 2000);
  line('powerflow serve, pipelined', result.servePipelinedStepsPerSec);
  line(`powerflow serve, vstep of ${VEC} envs`, result.serveVectorStepsPerSec);
  if (result.pythonWrapperStepsPerSec) line('Python wrapper (case33_env.py)', result.pythonWrapperStepsPerSec);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
