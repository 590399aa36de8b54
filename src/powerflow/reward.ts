/**
 * The cost model: the reward of one step (SPEC, part 2), with weights from a JSON config whose
 * defaults reproduce the original Case33Py. The environment's reward and the expert's objective
 * (src/opt/formulation.ts, objective 'reward') are built from these terms and these weights;
 * REWARD_TERMS lists them once (chain schemas, reports and summaries iterate it).
 *   reward = -( voltageWeight * sum over energized buses of the deviation outside [vLowPu, vHighPu]
 *             + lossPricePerKwh * lossKw * stepHours
 *             + blackoutPricePerKwh * unservedKw * stepHours
 *             + sum over MTs of mtCost * pMt * stepHours
 *             + gridPrice * energy imported at the substations (default price 0, as the original)
 *             + switchingCostPerOp * switch operations
 *             + invalidActionPenalty * rejected actions )   (environment only)
 * The original charged only two of the three MTs and used a fixed voltage weight; here every MT
 * is charged (its cost from the price series when it has an MT column, else generators.csv).
 */
import * as fs from 'node:fs';
import { InputError } from '../io/errors';
import { Network } from '../grid/network';
import { PfResult } from '../powerflow/types';

export interface RewardWeights {
  voltageWeight: number;
  vLowPu: number;
  vHighPu: number;
  lossPricePerKwh: number;
  blackoutPricePerKwh: number;
  /** MT energy cost per kWh; null = the price series' MT column, else each generator's costPerKwh */
  mtCostPerKwh: number | null;
  /** price of energy imported at the substations per kWh; 0 = not charged (the original), null = the price series' grid price */
  gridPricePerKwh: number | null;
  switchingCostPerOp: number;
  stepHours: number;
  /** environment: penalty per rejected (invalid) action; 0 outside the environment */
  invalidActionPenalty: number;
}

export const DEFAULT_WEIGHTS: RewardWeights = {
  voltageWeight: 0.5,
  vLowPu: 0.95,
  vHighPu: 1.05,
  lossPricePerKwh: 0.18,
  blackoutPricePerKwh: 10,
  mtCostPerKwh: null,
  gridPricePerKwh: 0,
  switchingCostPerOp: 0,
  stepHours: 1,
  invalidActionPenalty: 100,
};

/**
 * The cost terms of the reward, each >= 0 (total = -their sum): voltage penalty, loss cost,
 * blackout cost, MT energy, grid energy, switching cost, invalid-action penalty (environment only).
 * A new term is added here, in computeReward, and in the expert's formulation; everything else
 * iterates this list.
 */
export const REWARD_TERMS = ['voltage', 'loss', 'blackout', 'mt', 'grid', 'switching', 'invalid'] as const;
export type RewardTermName = (typeof REWARD_TERMS)[number];

/** The reward and its terms (money per step). */
export type RewardValues = { total: number } & Record<RewardTermName, number>;

export interface RewardTerms extends RewardValues {
  /** sum of per-bus voltage deviations outside the band, pu */
  voltageDeviationPu: number;
}

/** A reward of 0 with every term 0. */
export function zeroReward(): RewardValues {
  const r = { total: 0 } as RewardValues;
  for (const t of REWARD_TERMS) r[t] = 0;
  return r;
}

/** The reward and its terms only (no diagnostics), each rounded to `digits` decimals when given. */
export function rewardValues(r: RewardValues, digits?: number): RewardValues {
  const f = digits === undefined ? 0 : 10 ** digits;
  const round = (v: number): number => (digits === undefined ? v : Math.round(v * f) / f || 0);
  const out = { total: round(r.total) } as RewardValues;
  for (const t of REWARD_TERMS) out[t] = round(r[t]);
  return out;
}

/** The grid-energy price of a step: the weights' fixed price, or the series' when it is null. */
export function gridPrice(w: RewardWeights, seriesPricePerKwh: number | null | undefined): number {
  return w.gridPricePerKwh ?? seriesPricePerKwh ?? 0;
}

/** The MT energy cost of generator g at a step: the weights', else the series' MT price, else generators.csv. */
export function mtPrice(w: RewardWeights, seriesMtPricePerKwh: number | null | undefined, genCostPerKwh: number): number {
  return w.mtCostPerKwh ?? seriesMtPricePerKwh ?? genCostPerKwh;
}

export function computeReward(
  net: Network,
  pf: PfResult,
  w: RewardWeights,
  opts: { mtPricePerKwh?: number | null; gridPricePerKwh?: number | null; switchOps?: number; invalidActions?: number; unservedKw?: number } = {},
): RewardTerms {
  let dev = 0;
  for (let i = 0; i < net.buses.length; i++) {
    if (!pf.energized[i]) continue;
    const v = pf.vPu[i];
    if (v > w.vHighPu) dev += v - w.vHighPu;
    else if (v < w.vLowPu) dev += w.vLowPu - v;
  }
  let mt = 0;
  net.generators.forEach((g, gi) => {
    if (g.kind !== 'MT') return;
    mt += mtPrice(w, opts.mtPricePerKwh, g.costPerKwh) * Math.max(0, pf.genPKw[gi]) * w.stepHours;
  });
  const gp = gridPrice(w, opts.gridPricePerKwh);
  let grid = 0;
  if (gp !== 0) for (let k = 0; k < pf.substationPKw.length; k++) grid += gp * Math.max(0, pf.substationPKw[k]) * w.stepHours;
  const voltage = w.voltageWeight * dev;
  const loss = w.lossPricePerKwh * pf.lossKw * w.stepHours;
  // unserved load: the power flow's (dark buses), or the caller's (dark buses plus shed load)
  const blackout = w.blackoutPricePerKwh * (opts.unservedKw ?? pf.unservedKw) * w.stepHours;
  const switching = w.switchingCostPerOp * (opts.switchOps ?? 0);
  const invalid = (w.invalidActionPenalty ?? 0) * (opts.invalidActions ?? 0);
  return { total: -(voltage + loss + blackout + mt + grid + switching + invalid), voltage, loss, blackout, mt, grid, switching, invalid,
    voltageDeviationPu: dev };
}

/** Read reward weights from a JSON file; unknown keys and non-numbers are errors. */
export function loadWeights(file: string | undefined): RewardWeights {
  if (!file) return { ...DEFAULT_WEIGHTS };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError('ENOENT', 'file not found, expected a JSON file of reward weights', { file });
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError('BAD_JSON', `expected JSON (${(e as Error).message})`, { file });
  }
  return parseWeights(obj, file);
}

export function parseWeights(obj: unknown, file = 'config'): RewardWeights {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InputError('BAD_JSON', 'expected a JSON object of reward weights', { file });
  const w: RewardWeights = { ...DEFAULT_WEIGHTS };
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (!(k in DEFAULT_WEIGHTS)) throw new InputError('UNKNOWN_KEY', `unknown key "${k}", expected one of ${Object.keys(DEFAULT_WEIGHTS).join(', ')}`,
      { file, column: k });
    if ((k === 'mtCostPerKwh' || k === 'gridPricePerKwh') && v === null) { w[k] = null; continue; }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError('NOT_NUMBER', `expected a finite number for "${k}"`, { file, column: k });
    if (v < 0) throw new InputError('NEGATIVE', `expected "${k}" >= 0, found ${v}`, { file, column: k });
    (w as unknown as Record<string, number>)[k] = v;
  }
  if (w.vLowPu >= w.vHighPu) throw new InputError('BAD_VALUE', 'expected vLowPu < vHighPu', { file, column: 'vLowPu' });
  return w;
}
