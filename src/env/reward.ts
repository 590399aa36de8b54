/**
 * Reward of one step (SPEC, part 2), with weights from a JSON config whose defaults reproduce
 * the original Case33Py:
 *   reward = -( voltageWeight * sum over energized buses of the deviation outside [vLowPu, vHighPu]
 *             + lossPricePerKwh * lossKw * stepHours
 *             + blackoutPricePerKwh * unservedKw * stepHours
 *             + sum over MTs of mtCost * pMt * stepHours
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
  switchingCostPerOp: 0,
  stepHours: 1,
  invalidActionPenalty: 100,
};

export interface RewardTerms {
  total: number;
  /** the cost terms, each >= 0; total = -(voltage + loss + blackout + mt + switching) */
  voltage: number;
  loss: number;
  blackout: number;
  mt: number;
  switching: number;
  /** penalty for rejected actions (environment only; 0 unless opts.invalidActions is given) */
  invalid: number;
  /** sum of per-bus voltage deviations outside the band, pu */
  voltageDeviationPu: number;
}

export function computeReward(
  net: Network,
  pf: PfResult,
  w: RewardWeights,
  opts: { mtPricePerKwh?: number | null; switchOps?: number; invalidActions?: number } = {},
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
    const price = w.mtCostPerKwh ?? opts.mtPricePerKwh ?? g.costPerKwh;
    mt += price * Math.max(0, pf.genPKw[gi]) * w.stepHours;
  });
  const voltage = w.voltageWeight * dev;
  const loss = w.lossPricePerKwh * pf.lossKw * w.stepHours;
  const blackout = w.blackoutPricePerKwh * pf.unservedKw * w.stepHours;
  const switching = w.switchingCostPerOp * (opts.switchOps ?? 0);
  const invalid = (w.invalidActionPenalty ?? 0) * (opts.invalidActions ?? 0);
  return { total: -(voltage + loss + blackout + mt + switching + invalid), voltage, loss, blackout, mt, switching, invalid, voltageDeviationPu: dev };
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
    if (!(k in DEFAULT_WEIGHTS)) throw new InputError('UNKNOWN_KEY', `unknown key "${k}", expected one of ${Object.keys(DEFAULT_WEIGHTS).join(', ')}`, { file, column: k });
    if (k === 'mtCostPerKwh' && v === null) { w.mtCostPerKwh = null; continue; }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError('NOT_NUMBER', `expected a finite number for "${k}"`, { file, column: k });
    if (v < 0) throw new InputError('NEGATIVE', `expected "${k}" >= 0, found ${v}`, { file, column: k });
    (w as unknown as Record<string, number>)[k] = v;
  }
  if (w.vLowPu >= w.vHighPu) throw new InputError('BAD_VALUE', 'expected vLowPu < vHighPu', { file, column: 'vLowPu' });
  return w;
}
