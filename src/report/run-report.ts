/**
 * The figures of a run report, from a chain (full schema) and, when the chain comes from
 * `mdpc run`, its manifest's per-step solver records: per step the reward and each term of
 * REWARD_TERMS, losses, unserved load, the lowest voltage, switch operations and which switches
 * moved, MT dispatch, the faults in force, the solver's status, gap, time and work; and the totals.
 * Pure: plain data in, plain data out (the JSON summary is this object).
 *
 * Step conventions (README "The MDP"): row k holds S(t), A(t), R(t+1), S(t+1). A row's figures
 * are those of step t+1 (where A(t) was evaluated): faults in force, voltages, MT output are
 * S(t+1)'s. Switches moved: switchable lines, not faulted at t+1, whose A(t) state differs from
 * S(t)'s (the environment's count of switch operations); the chain's own switchOps column is kept
 * and any disagreement is listed in `warnings`.
 */
import { Network } from '../grid/network';
import { REWARD_TERMS, RewardTermName } from '../powerflow/reward';
import { ChainTable, column } from './chain-table';
import { mtsOf } from '../mdp/schema';
import type { StepRecord } from '../opt/chain-run';

/** The fields of an `mdpc run` manifest's per-step solver record (StepRecord) that the report shows. */
export type SolverStep = Pick<StepRecord, 'status' | 'fallback' | 'gap' | 'objective' | 'solveMs' | 'totalMs' | 'mipSolves' | 'lpSolves' | 'nodes'
  | 'lpIterations'>;

export interface MtDispatch {
  /** generator id and bus id */
  gen: number;
  bus: number;
  /** A(t)'s set-point and the actual output at t+1 (an island's MT carries its balance), kW */
  setPointKw: number;
  pKw: number;
}

export interface ReportStep {
  /** 0-based data row of the chain */
  row: number;
  /** S(t)'s step and S(t+1)'s */
  step: number;
  next: number;
  episode: number;
  reward: number;
  terms: Record<RewardTermName, number>;
  lossKw: number;
  unservedKw: number;
  /** lowest voltage over the energized buses at t+1 (null when all are dark), and its bus id */
  vMinPu: number | null;
  vMinBus: number | null;
  darkBuses: number;
  /** the chain's switchOps column */
  switchOps: number;
  /** line ids closed and opened by A(t) */
  closed: number[];
  opened: number[];
  mt: MtDispatch[];
  /** line ids faulted at t+1, and those of them not faulted at t (onsets) */
  faults: number[];
  newFaults: number[];
  valid: boolean;
  terminated: boolean;
  pfStatus: string;
  /** the manifest's record of the step; null for a replayed chain (no solver ran) */
  solver: SolverStep | null;
}

export interface FaultOnset {
  /** the step the faults begin (S(t+1) step of the row), and the row */
  step: number;
  row: number;
  lines: number[];
}

export interface ReportTotals {
  transitions: number;
  episodes: number;
  firstStep: number;
  lastStep: number;
  reward: number;
  terms: Record<RewardTermName, number>;
  /** sums of kW x stepHours */
  energyNotServedKwh: number;
  lossesKwh: number;
  switchOps: number;
  stepsWithSwitching: number;
  /** line id -> times it moved, most moved first */
  switchMoves: { line: number; moves: number }[];
  vMinPu: number | null;
  vMinStep: number | null;
  vMinBus: number | null;
  stepsWithFaults: number;
  stepsWithUnserved: number;
  faultOnsets: number;
  invalidActions: number;
  terminations: number;
  pfNotConverged: number;
  /** per MT: energy over the run, kWh */
  mtEnergyKwh: { gen: number; bus: number; kwh: number }[];
  /** null when the chain has no solver records (a replay) */
  solver: null | {
    steps: number;
    statusCounts: Record<string, number>;
    stepsAtTimeLimit: number;
    fallbackSteps: number;
    maxGap: number | null;
    medianMs: number;
    maxMs: number;
    totalMs: number;
    mipSolves: number;
    lpSolves: number;
    nodes: number;
    lpIterations: number;
  };
}

export interface RunReport {
  title: string;
  source: { chain: string; manifest: string | null; producer: string; data: string | null };
  stepHours: number;
  rewardTerms: readonly RewardTermName[];
  /** 'manifest' when per-step solver records were found, else why not */
  solverRecords: string;
  totals: ReportTotals;
  onsets: FaultOnset[];
  steps: ReportStep[];
  warnings: string[];
}

export interface ReportInput {
  title: string;
  chainFile: string;
  manifestFile: string | null;
  /** e.g. "mdpc run", "powerflow replay", "unknown" */
  producer: string;
  dataDir: string | null;
  stepHours: number;
  /** the manifest's `steps` (mdpc run), or null */
  solverRecords: unknown[] | null;
  /** why there are no solver records (shown in the report) when solverRecords is null */
  noSolverReason?: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};

function solverStepOf(r: Record<string, unknown>): SolverStep {
  const num = (k: string): number => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  const numOrNull = (k: string): number | null => (typeof r[k] === 'number' ? (r[k] as number) : null);
  return {
    status: typeof r.status === 'string' ? r.status : 'unknown',
    fallback: r.fallback === true,
    gap: numOrNull('gap'),
    objective: numOrNull('objective'),
    solveMs: num('solveMs'),
    totalMs: num('totalMs'),
    mipSolves: num('mipSolves'),
    lpSolves: num('lpSolves'),
    nodes: num('nodes'),
    lpIterations: num('lpIterations'),
  };
}

export function buildRunReport(net: Network, t: ChainTable, input: ReportInput): RunReport {
  const warnings: string[] = [];
  const nl = net.lines.length;
  const mts = mtsOf(net);
  const col = (name: string): ((r: number) => number) => column(t, name);
  const stepC = col('S(t)_step'), nextC = col('S(t+1)_step'), epC = col('episode'), rC = col('R(t+1)');
  const termC = REWARD_TERMS.map((k) => col(`R_${k}`));
  const lossC = col('lossKw'), unsC = col('unservedKw'), opsC = col('switchOps'), validC = col('valid'), termdC = col('terminated');
  const openS = net.lines.map((l) => col(`S(t)_open_L${l.id}`));
  const faultS = net.lines.map((l) => col(`S(t)_faulted_L${l.id}`));
  const faultS1 = net.lines.map((l) => col(`S(t+1)_faulted_L${l.id}`));
  const openA = net.lines.map((l) => col(`A(t)_open_L${l.id}`));
  const vS1 = net.buses.map((b) => col(`S(t+1)_vPu_B${b.id}`));
  const mtSet = mts.map((g) => col(`A(t)_pMtKw_G${g.id}`));
  const mtOut = mts.map((g) => col(`S(t+1)_genPKw_G${g.id}`));

  // solver records by S(t) step
  const records = new Map<number, SolverStep>();
  if (input.solverRecords) {
    for (const rec of input.solverRecords) {
      if (rec && typeof rec === 'object' && typeof (rec as { step?: unknown }).step === 'number') {
        records.set((rec as { step: number }).step, solverStepOf(rec as Record<string, unknown>));
      }
    }
  }

  const steps: ReportStep[] = [];
  const onsets: FaultOnset[] = [];
  let unmatched = 0;
  for (let r = 0; r < t.rows; r++) {
    const terms = {} as Record<RewardTermName, number>;
    REWARD_TERMS.forEach((k, j) => (terms[k] = termC[j](r)));
    let vMin = Infinity, vBus = -1, dark = 0;
    for (let b = 0; b < net.buses.length; b++) {
      const v = vS1[b](r);
      if (!(v > 0)) { dark++; continue; }
      if (v < vMin) { vMin = v; vBus = b; }
    }
    const closed: number[] = [], opened: number[] = [], faults: number[] = [], newFaults: number[] = [];
    for (let l = 0; l < nl; l++) {
      const f1 = faultS1[l](r) === 1;
      if (f1) {
        faults.push(net.lines[l].id);
        // an onset: faulted at t+1, not at t (the first row: faulted at t counts too, it begins the chain)
        if (faultS[l](r) !== 1 || r === 0) newFaults.push(net.lines[l].id);
        continue;
      }
      if (!net.lines[l].switchable) continue;
      const before = openS[l](r), after = openA[l](r);
      if (before !== after) (after === 1 ? opened : closed).push(net.lines[l].id);
    }
    const step = stepC(r);
    const solver = records.get(step) ?? null;
    if (input.solverRecords && !solver) unmatched++;
    const s: ReportStep = {
      row: r, step, next: nextC(r), episode: epC(r), reward: rC(r), terms,
      lossKw: lossC(r), unservedKw: unsC(r),
      vMinPu: Number.isFinite(vMin) ? vMin : null, vMinBus: vBus >= 0 ? net.buses[vBus].id : null, darkBuses: dark,
      switchOps: opsC(r), closed, opened,
      mt: mts.map((g, k) => ({ gen: g.id, bus: net.buses[g.bus].id, setPointKw: mtSet[k](r), pKw: mtOut[k](r) })),
      faults, newFaults, valid: validC(r) === 1, terminated: termdC(r) === 1, pfStatus: t.pfStatus[r], solver,
    };
    if (closed.length + opened.length !== s.switchOps) {
      warnings.push(`row ${r + 2} (step ${step}): ${closed.length + opened.length} switches differ between S(t) and A(t), ` +
        `the chain's switchOps says ${s.switchOps}`);
    }
    steps.push(s);
    if (newFaults.length > 0) onsets.push({ step: s.next, row: r, lines: newFaults });
  }
  if (input.solverRecords && unmatched > 0) warnings.push(`${unmatched} of ${t.rows} chain rows have no solver record in ${input.manifestFile}`);

  const h = input.stepHours;
  const sum = (f: (s: ReportStep) => number): number => steps.reduce((a, s) => a + f(s), 0);
  const termTotals = {} as Record<RewardTermName, number>;
  for (const k of REWARD_TERMS) termTotals[k] = sum((s) => s.terms[k]);
  const moves = new Map<number, number>();
  for (const s of steps) for (const id of [...s.closed, ...s.opened]) moves.set(id, (moves.get(id) ?? 0) + 1);
  let vMin: number | null = null, vMinStep: number | null = null, vMinBus: number | null = null;
  for (const s of steps) if (s.vMinPu !== null && (vMin === null || s.vMinPu < vMin)) { vMin = s.vMinPu; vMinStep = s.next; vMinBus = s.vMinBus; }
  const solved = steps.filter((s) => s.solver).map((s) => s.solver!);
  const statusCounts: Record<string, number> = {};
  for (const sv of solved) statusCounts[sv.status] = (statusCounts[sv.status] ?? 0) + 1;
  const gaps = solved.map((sv) => sv.gap).filter((g): g is number => g !== null);
  const totals: ReportTotals = {
    transitions: steps.length,
    episodes: new Set(steps.map((s) => s.episode)).size,
    firstStep: steps[0].step,
    lastStep: steps[steps.length - 1].next,
    reward: sum((s) => s.reward),
    terms: termTotals,
    energyNotServedKwh: sum((s) => s.unservedKw) * h,
    lossesKwh: sum((s) => s.lossKw) * h,
    switchOps: sum((s) => s.switchOps),
    stepsWithSwitching: steps.filter((s) => s.switchOps > 0).length,
    switchMoves: [...moves.entries()].map(([line, n]) => ({ line, moves: n })).sort((a, b) => b.moves - a.moves || a.line - b.line),
    vMinPu: vMin, vMinStep, vMinBus,
    stepsWithFaults: steps.filter((s) => s.faults.length > 0).length,
    stepsWithUnserved: steps.filter((s) => s.unservedKw > 1e-6).length,
    faultOnsets: onsets.length,
    invalidActions: steps.filter((s) => !s.valid).length,
    terminations: steps.filter((s) => s.terminated).length,
    pfNotConverged: steps.filter((s) => s.pfStatus !== 'converged').length,
    mtEnergyKwh: mts.map((g, k) => ({ gen: g.id, bus: net.buses[g.bus].id, kwh: sum((s) => Math.max(0, s.mt[k].pKw)) * h })),
    solver: solved.length === 0 ? null : {
      steps: solved.length,
      statusCounts,
      stepsAtTimeLimit: statusCounts['time-limit'] ?? 0,
      fallbackSteps: solved.filter((sv) => sv.fallback).length,
      maxGap: gaps.length ? Math.max(...gaps) : null,
      medianMs: median(solved.map((sv) => sv.totalMs)),
      maxMs: Math.max(...solved.map((sv) => sv.totalMs)),
      totalMs: solved.reduce((a, sv) => a + sv.totalMs, 0),
      mipSolves: solved.reduce((a, sv) => a + sv.mipSolves, 0),
      lpSolves: solved.reduce((a, sv) => a + sv.lpSolves, 0),
      nodes: solved.reduce((a, sv) => a + sv.nodes, 0),
      lpIterations: solved.reduce((a, sv) => a + sv.lpIterations, 0),
    },
  };
  return {
    title: input.title,
    source: { chain: input.chainFile, manifest: input.manifestFile, producer: input.producer, data: input.dataDir },
    stepHours: h,
    rewardTerms: REWARD_TERMS,
    solverRecords: solved.length > 0 ? 'manifest' : (input.noSolverReason ?? 'none'),
    totals,
    onsets,
    steps,
    warnings,
  };
}
