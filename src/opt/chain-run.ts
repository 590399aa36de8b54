/**
 * Expert MDP chains: the optimizing expert drives the environment, step after step, and every
 * transition S(t), A(t), R(t+1), S(t+1) is appended to a chain file.
 *
 * The unit of work is the *episode*: `episode` consecutive steps that start from the case's
 * normal topology with a fresh solver model (no cuts or incumbents carried over). Episodes are
 * therefore independent: shards and workers take whole episodes, a resumed run restarts the
 * episode that was interrupted, and both give the file one uninterrupted process would write.
 * (Solver time limits are the exception: a step stopped by its time limit keeps whatever
 * incumbent the machine's speed allowed.)
 *
 * Per step t (the information rule, README "The MDP"): the expert decides A(t) from what S(t)
 * shows (its switch states, pick-up and faults; the switching cost counted against its topology)
 * plus a perfect forecast of step t+1's load, PV/WT, price and MT availability; a fault that
 * begins at t+1 is not known. The environment's step is the one AC evaluation of that action
 * (at t+1, with t+1's faults): the row's R(t+1) is the reward of exactly the action taken. A
 * step whose model fails takes the expert's fallback action and is marked in the step record.
 */
import * as fs from 'node:fs';
import { Network } from '../grid/network';
import { Series, snapshot } from '../grid/series';
import { RestorationEnv } from '../env/restoration-env';
import { ChainSchema, readChainRows, Transition } from '../mdp';
import { InputError } from '../io/errors';
import { Expert, ExpertDecision } from './expert';
import { Mode } from './formulation';

export interface Episode {
  index: number;
  /** first step (S(t) of its first row) */
  start: number;
  length: number;
}

/** Split steps start .. start+steps-1 into episodes of `episode` steps (the last may be shorter). */
export function planEpisodes(start: number, steps: number, episode: number): Episode[] {
  const out: Episode[] = [];
  for (let t = start, k = 0; t < start + steps; t += episode, k++) out.push({ index: k, start: t, length: Math.min(episode, start + steps - t) });
  return out;
}

/** Episodes of shard i of n: every n-th episode, so shards get equal shares of a long run. */
export function shardEpisodes(eps: Episode[], shard: { index: number; count: number } | null): Episode[] {
  return shard ? eps.filter((e) => e.index % shard.count === shard.index) : eps;
}

export interface StepRecord {
  step: number;
  episode: number;
  status: string;
  fallback: boolean;
  fallbackReason: string | null;
  exact: boolean;
  objective: number | null;
  gap: number | null;
  rounds: number;
  solveMs: number;
  totalMs: number;
  /** HiGHS' work: MIP and LP solves, branch-and-bound nodes, LP iterations (machine-independent) */
  mipSolves: number;
  lpSolves: number;
  nodes: number;
  lpIterations: number;
  openLines: number[];
  lossKw: number;
  unservedKw: number;
  reward: number;
  actionValid: boolean;
  terminated: boolean;
  lpFile: string | null;
}

/** A run's totals from its step records: status counts, median step time, HiGHS' work. */
export function summarizeSteps(records: StepRecord[]): {
  statusCounts: Record<string, number>; medianStepMs: number | null;
  work: { mipSolves: number; lpSolves: number; nodes: number; lpIterations: number };
} {
  const statusCounts: Record<string, number> = { optimal: 0, 'time-limit': 0, infeasible: 0, failed: 0, fallback: 0 };
  for (const r of records) {
    statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    if (r.fallback) statusCounts.fallback++;
  }
  const ms = records.map((r) => r.totalMs).sort((a, b) => a - b);
  const sum = (f: (r: StepRecord) => number): number => records.reduce((a, r) => a + (f(r) ?? 0), 0);
  return {
    statusCounts,
    medianStepMs: ms.length ? ms[ms.length >> 1] : null,
    work: { mipSolves: sum((r) => r.mipSolves), lpSolves: sum((r) => r.lpSolves), nodes: sum((r) => r.nodes), lpIterations: sum((r) => r.lpIterations) },
  };
}

export interface ChainRunContext {
  net: Network;
  series: Series;
  mode: Mode;
  expert: Expert;
  schema: ChainSchema;
  /** reward weights etc. for the environment */
  env: RestorationEnv;
  /** log/<run> for step_<T>.lp and .log, or null */
  runDir: string | null;
}

/**
 * How far a chain file got: the episodes whose rows are all present and valid (a prefix, since a
 * shard writes its episodes in order) and whose step records are all in `recordsFile` (written
 * before each row, so a kill between the two leaves the record, never the row alone). Cuts both
 * files back to the end of the last complete episode. `notify` hears of a malformed row (cut
 * short or not numbers): it and everything after it are computed again.
 */
export function resumePoint(file: string, schema: ChainSchema, eps: Episode[], recordsFile: string | null, notify: (msg: string) => void = () => {}): number {
  // a partial file of other columns (an older version's full schema) is refused before anything is cut
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const nl = text.indexOf('\n');
    const header = (nl >= 0 ? text.slice(0, nl) : '').replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (nl >= 0 && header !== schema.header) {
      throw new InputError('SCHEMA_MISMATCH', `expected the header of the ${schema.name} schema (${schema.columns.length} columns) to resume, found ` +
        `${header.split(',').length} columns (a run of another version? remove the run's .partial files to start afresh)`, { file, row: 1 });
    }
  }
  const { steps, bad } = readChainRows(file, schema);
  if (bad) notify(`${file}, row ${bad.row}: not a complete row (${bad.reason}): it and the rows after it are computed again`);
  const records = recordsFile ? validRecordLines(recordsFile) : Infinity;
  let done = 0;
  let rows = 0;
  for (const e of eps) {
    let complete = rows + e.length <= records;
    for (let k = 0; complete && k < e.length; k++) if (steps[rows + k] !== e.start + k) complete = false;
    if (!complete) break;
    rows += e.length;
    done++;
  }
  keepLines(file, rows + 1);
  if (recordsFile && fs.existsSync(recordsFile)) keepLines(recordsFile, rows);
  return done;
}

/** Complete, parseable JSON lines at the start of a step-record file (0 when absent). */
function validRecordLines(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
  let n = 0;
  for (let i = 0; i < lines.length - 1; i++) {
    try {
      if (typeof JSON.parse(lines[i]).step !== 'number') break;
    } catch {
      break;
    }
    n++;
  }
  return n;
}

/** Truncate a text file to its first n complete lines. */
function keepLines(file: string, n: number): void {
  if (!fs.existsSync(file)) return;
  const buf = fs.readFileSync(file);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) { pos = buf.length; break; }
    pos = nl + 1;
  }
  if (pos < buf.length) fs.truncateSync(file, pos);
}

/**
 * Run one episode: reset the environment at its start, then expert action -> environment step
 * -> `emit(transition, record)`, for each of its steps (the caller writes them). Yields to the
 * event loop between steps.
 */
export async function runEpisode(ctx: ChainRunContext, ep: Episode, emit: (tr: Transition, r: StepRecord) => void): Promise<void> {
  const { net, series, env, expert } = ctx;
  expert.dispose(); // a fresh model per episode: episodes are independent
  env.reset({ options: { start: ep.start, horizon: ep.length } });
  for (let k = 0; k < ep.length; k++) {
    const t = ep.start + k;
    const r = decideFromState(ctx, t);
    const a = r.action;
    const res = env.step({ switches: a.lineOpen, mtPKw: a.mtPKw, mtQKvar: a.mtQKvar, pickup: a.pickup, gridForming: a.gridForming });
    emit({ ...env.lastTransition()!, episode: ep.index }, {
      step: t,
      episode: ep.index,
      status: r.status,
      fallback: r.fallback,
      fallbackReason: r.fallbackReason,
      exact: r.exact,
      objective: Number.isFinite(r.objective) ? round(r.objective, 6) : null,
      gap: Number.isFinite(r.gap) ? round(r.gap, 6) : null,
      rounds: r.rounds,
      solveMs: round(r.timing.solveMs, 1),
      totalMs: round(r.timing.totalMs, 1),
      mipSolves: r.work.mipSolves,
      lpSolves: r.work.lpSolves,
      nodes: r.work.nodes,
      lpIterations: r.work.lpIterations,
      openLines: a.openLines,
      lossKw: round(res.info.lossKw, 4),
      unservedKw: round(res.info.unservedKw, 4),
      reward: round(res.reward, 6),
      actionValid: res.info.valid,
      terminated: res.terminated,
      lpFile: r.lpFile,
    });
    // an episode the environment ends early (a failed power flow) goes on from the next step
    if (res.terminated && k + 1 < ep.length) env.reset({ options: { start: t + 1, horizon: ep.length - k - 1 } });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The expert's A(t) from S(t) (the environment's current state) and the forecast of step t+1's
 * data: the faults are S(t)'s, the previous topology S(t)'s switch states.
 */
export function decideFromState(ctx: ChainRunContext, t: number): ExpertDecision {
  const state = ctx.env.currentState()!;
  const faulted: number[] = [];
  for (let l = 0; l < state.lineFaulted.length; l++) if (state.lineFaulted[l]) faulted.push(l);
  // the forecast of t+1: its loads, PV/WT, prices and MT availability, not its faults
  const snap = { ...snapshot(ctx.series, t + 1), faulted };
  return ctx.expert.decide(snap, state.lineOpen.slice(), faulted, ctx.mode, { runDir: ctx.runDir, tag: String(t) });
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
