/**
 * MDP-chain schemas: the column names of a chain CSV and the formatting of one transition as a
 * row. Two schemas:
 *
 *  - `case33py`: the original Case33Py layout (92 columns on the 33-bus case), in the original's
 *    conventions: S = net load in kW at every non-substation bus rounded to integers (Pin), the open
 *    lines and the faulted lines as 0-based line indices padded with -99, the step; A = MT P and Q
 *    set-points and the open lines; R; S'. Sizes come from the network: Pin per non-substation bus,
 *    one open-line slot per line open in a radial configuration (lines - buses + substations),
 *    MT columns per MT, and `faultSlots` (2, as the original) faulted-line slots. A transition that
 *    does not fit (more lines open or faulted than slots, load shed, grid-forming flags other than
 *    the defaults) is a SchemaError.
 *  - `full` (the default: it holds every step): everything, with the 1-based ids users see: the
 *    episode, per-line switch and fault flags, per-bus load, pick-up and voltage, per-generator
 *    output, per-MT grid-forming flags, the radial configuration of the switch state, the action
 *    (0/1 per line, MT set-points, pick-up per bus, grid-forming per MT, its configuration), the
 *    reward terms, losses, unserved load, switch operations, validity, terminated, truncated, pf
 *    status.
 *
 * The `config` columns (S(t)_config, A(t)_config, S(t+1)_config) are 1-based: k is data row k of
 * the table of radial configurations (`powerflow actions`, lexicographic in the open lines), whose
 * 0-based index k - 1 is the environment's `config` action; -1 when the open lines (a faulted line
 * counts as open) are not a radial configuration, or when the feeder has more configurations than
 * CONFIG_TABLE_LIMIT (the table is then not built).
 */
import { Network } from '../grid/network';
import { defaultGridForming, mtIndices } from '../grid/action';
import { REWARD_TERMS } from '../powerflow/reward';
import { reachable } from '../topology/graph';
import { RadialTable, countRadialConfigurations, enumerateRadialConfigurations, findConfiguration } from '../topology/spanning-trees';
import { ChainAction, ChainState, Transition } from './types';

export type SchemaName = 'case33py' | 'full';
export const SCHEMA_NAMES: readonly SchemaName[] = ['case33py', 'full'];

/** The original's padding for empty line slots. */
export const PAD = -99;

/** The column holding S(t)'s step, per schema (case33py, full), as chain headers name it. */
export const STEP_COLUMN: Record<SchemaName, string> = { case33py: 'current_time', full: 'S(t)_step' };
/** Every name a step column goes by (the schemas', and a plain "step"). */
export const STEP_COLUMNS: readonly string[] = [STEP_COLUMN.case33py, STEP_COLUMN.full, 'step'];

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

/** Sizes of the case33py layout, all from the network. */
export interface Case33pyLayout {
  /** 0-based indices of the non-substation buses, in bus order (one Pin column each) */
  pinBuses: number[];
  /** generator indices of the MTs, in generators.csv order */
  mts: number[];
  openSlots: number;
  faultSlots: number;
}

export function case33pyLayout(net: Network, faultSlots = 2): Case33pyLayout {
  const subs = new Set(net.substations);
  const pinBuses = net.buses.map((_, i) => i).filter((i) => !subs.has(i));
  const mts = mtIndices(net);
  const openSlots = net.lines.length - (net.buses.length - net.substations.length);
  return { pinBuses, mts, openSlots: Math.max(0, openSlots), faultSlots };
}

export interface ChainSchema {
  name: SchemaName;
  columns: string[];
  /** the header line (no newline) */
  header: string;
  /** index of the column holding S(t)'s step */
  stepColumn: number;
  /** one row (no newline); throws SchemaError when the transition does not fit the schema */
  formatRow(tr: Transition): string;
}

export interface SchemaOptions {
  /** case33py: faulted-line slots (default 2, as the original) */
  faultSlots?: number;
  /** full: the table of radial configurations (built on the first row when absent; null = none) */
  radialTable?: RadialTable | null;
}

/** The schema of `mdpc run` and `powerflow replay` when none is asked for. */
export const DEFAULT_SCHEMA: SchemaName = 'full';

/** Feeders with more radial configurations than this get no table: their config columns are -1. */
export const CONFIG_TABLE_LIMIT = 1_000_000;

/** The table of radial configurations for the config columns, or null when the feeder has too many. */
export function configTableFor(net: Network, limit = CONFIG_TABLE_LIMIT): RadialTable | null {
  if (countRadialConfigurations(net) > limit) return null;
  return enumerateRadialConfigurations(net, limit);
}

/** The 1-based configuration of a switch state (1 = open), -1 when not in the table (or no table). */
export function configNumber(table: RadialTable | null, open: Uint8Array): number {
  if (!table) return -1;
  const idx: number[] = [];
  for (let l = 0; l < open.length; l++) if (open[l]) idx.push(l);
  const c = findConfiguration(table, idx);
  return c < 0 ? -1 : c + 1;
}

export function chainSchema(name: SchemaName, net: Network, opts: SchemaOptions = {}): ChainSchema {
  if (name === 'case33py') return case33pySchema(net, opts.faultSlots ?? 2);
  if (name === 'full') return fullSchema(net, opts.radialTable);
  throw new SchemaError(`unknown schema "${name}", expected one of ${SCHEMA_NAMES.join(', ')}`);
}

/** Shortest text of a number rounded to `digits` decimals ("-0" written as "0"). */
export function fmt(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const r = Number(v.toFixed(digits));
  return r === 0 ? '0' : String(r);
}

// ---------------------------------------------------------------- case33py

/** Net load at each Pin bus (load minus generation in force), kW, unrounded. */
export function netLoadKw(net: Network, s: ChainState, buses: number[], out = new Float64Array(buses.length)): Float64Array {
  const gens = net.generators;
  for (let k = 0; k < buses.length; k++) out[k] = s.loadPKw[buses[k]];
  // generation at each bus, subtracted where the bus is listed
  for (let g = 0; g < gens.length; g++) {
    const pos = buses.indexOf(gens[g].bus);
    if (pos >= 0) out[pos] -= s.genPKw[g];
  }
  return out;
}

/** 0-based indices of the flagged lines, ascending, padded with PAD to `slots`; SchemaError when too many. */
export function paddedLines(flags: Uint8Array, slots: number, what: string, step: number): number[] {
  const out: number[] = [];
  for (let l = 0; l < flags.length; l++) if (flags[l]) out.push(l);
  if (out.length > slots) {
    throw new SchemaError(`step ${step}: ${out.length} ${what} lines, the case33py schema has ${slots} slots (use the full schema)`);
  }
  while (out.length < slots) out.push(PAD);
  return out;
}

/** The original's state vector: Pin (rounded kW), open lines, faulted lines (0-based, padded), step. */
export function case33pyStateValues(net: Network, layout: Case33pyLayout, s: ChainState): number[] {
  const pin = netLoadKw(net, s, layout.pinBuses);
  const vals: number[] = [];
  for (let k = 0; k < pin.length; k++) vals.push(Math.round(pin[k]) || 0);
  vals.push(...paddedLines(openOnly(s), layout.openSlots, 'open', s.step));
  vals.push(...paddedLines(s.lineFaulted, layout.faultSlots, 'faulted', s.step));
  vals.push(s.step);
  return vals;
}

/**
 * Lines open by their switch. A faulted line counts as open (the original listed faulted lines
 * among the open ones: they are isolated by their switches).
 */
function openOnly(s: ChainState): Uint8Array {
  const m = new Uint8Array(s.lineOpen.length);
  for (let l = 0; l < m.length; l++) m[l] = s.lineOpen[l] || s.lineFaulted[l] ? 1 : 0;
  return m;
}

export function case33pyActionValues(layout: Case33pyLayout, a: ChainAction, step: number, net?: Network, loadPKw?: Float64Array): number[] {
  if (net) {
    // the original's action has no load pick-up and no grid-forming choice
    for (let i = 0; i < a.pickup.length; i++) {
      if (a.pickup[i] < 1 && (!loadPKw || loadPKw[i] !== 0)) throw new SchemaError(`step ${step}: the action sheds load at bus ${net.buses[i].id}, the ` +
        `case33py schema has no pick-up columns (use the full schema)`);
    }
    const gf = defaultGridForming(net);
    for (let k = 0; k < layout.mts.length; k++) {
      if (a.mtPKw[k] > 0 && a.gridForming[k] !== gf[k]) throw new SchemaError(`step ${step}: the action sets MT ${net.generators[layout.mts[k]].id}'s ` +
        `grid-forming flag to ${a.gridForming[k]}, the case33py schema has no such column (use the full schema)`);
    }
  }
  const vals: number[] = [];
  for (let k = 0; k < layout.mts.length; k++) vals.push(a.mtPKw[k]);
  for (let k = 0; k < layout.mts.length; k++) vals.push(a.mtQKvar[k]);
  vals.push(...paddedLines(a.lineOpen, layout.openSlots, 'open', step));
  return vals;
}

export function case33pyColumns(layout: Case33pyLayout): string[] {
  const state = (p: string): string[] => [
    ...layout.pinBuses.map((_, k) => `${p}_Pin_${k + 1}`),
    ...range(layout.openSlots).map((k) => `${p}_opened_line_${k + 1}`),
    ...range(layout.faultSlots).map((k) => `${p}_failed_line_${k + 1}`),
  ];
  return [
    ...state('S(t)'),
    'current_time',
    ...layout.mts.map((_, k) => `A(t)_Pmt_${k + 1}`),
    ...layout.mts.map((_, k) => `A(t)_Qmt_${k + 1}`),
    ...range(layout.openSlots).map((k) => `A(t)_open_line_${k + 1}`),
    'R(t+1)',
    ...state('S(t+1)'),
    'next_time',
  ];
}

function case33pySchema(net: Network, faultSlots: number): ChainSchema {
  const layout = case33pyLayout(net, faultSlots);
  const columns = case33pyColumns(layout);
  return {
    name: 'case33py',
    columns,
    header: columns.join(','),
    stepColumn: columns.indexOf(STEP_COLUMN.case33py),
    formatRow(tr: Transition): string {
      const cells: string[] = [];
      for (const v of case33pyStateValues(net, layout, tr.s)) cells.push(String(v));
      for (const v of case33pyActionValues(layout, tr.a, tr.s.step, net, tr.s.loadPKw)) cells.push(fmt(v));
      cells.push(fmt(tr.r.total));
      for (const v of case33pyStateValues(net, layout, tr.s1)) cells.push(String(v));
      return cells.join(',');
    },
  };
}

/** A step of a planned run that the case33py layout may not hold, with the reason. */
export interface Case33pyMisfit {
  step: number;
  message: string;
}

/**
 * Checked before a run starts: the first step of the planned episodes (S(t) steps start ..
 * start + length, S(t+1) of the last row included) whose row the case33py layout cannot be sure
 * to hold, or null when every row fits whatever the expert or the actions choose:
 *  - restore mode: MT islands may open more lines than a radial configuration;
 *  - more lines faulted at a step than faulted-line slots;
 *  - faults that cut buses off every substation (more lines open than a radial configuration);
 *  - an episode that starts, from the normal topology, with a faulted line that is not normally
 *    open (protection opens it beside the normally open ones);
 *  - a fault that begins during an episode (protection opens it beside the open lines of the
 *    configuration in force, which the fault was not known to).
 * `faulted`: steps x lines, 1 = faulted (the event table in force), null = no faults.
 */
export function case33pyMisfit(net: Network, faulted: Uint8Array | null, episodes: { start: number; length: number }[], mode: 'reconfig' | 'restore',
  faultSlots = 2): Case33pyMisfit | null {
  const layout = case33pyLayout(net, faultSlots);
  const nl = net.lines.length;
  const ids = (ls: number[]): string => ls.map((l) => net.lines[l].id).join(', ');
  if (mode === 'restore' && episodes.length > 0) {
    return { step: episodes[0].start, message: `restore mode: MT islands can leave more than ${layout.openSlots} lines open, the case33py schema has ` +
      `${layout.openSlots} open-line slots` };
  }
  if (!faulted) return null;
  const at = (t: number): number[] => {
    const out: number[] = [];
    for (let l = 0; l < nl; l++) if (faulted[t * nl + l]) out.push(l);
    return out;
  };
  for (const e of episodes) {
    let prev: number[] = [];
    for (let t = e.start; t <= e.start + e.length; t++) {
      const f = at(t);
      if (f.length > layout.faultSlots) return { step: t, message: `${f.length} lines faulted (${ids(f)}), the case33py schema has ${layout.faultSlots} ` +
        `faulted-line slots` };
      if (f.length > 0) {
        const out = new Uint8Array(nl);
        for (const l of f) out[l] = 1;
        const reach = reachable(net, out, net.substations);
        const cut = net.buses.filter((_, b) => !reach[b]).map((b) => b.id);
        if (cut.length > 0) {
          return { step: t, message: `the faults of line${f.length > 1 ? 's' : ''} ${ids(f)} cut bus${cut.length > 1 ? 'es' : ''} ` +
            `${cut.slice(0, 5).join(', ')}${cut.length > 5 ? ', ...' : ''} off: more than ${layout.openSlots} lines open, ` +
            `the case33py schema has ${layout.openSlots} open-line slots` };
        }
      }
      if (t === e.start) {
        const extra = f.filter((l) => !net.lines[l].normallyOpen);
        if (extra.length > 0) return { step: t, message: `the episode starts from the normal topology with line${extra.length > 1 ? 's' : ''} ` +
          `${ids(extra)} faulted: ${layout.openSlots + extra.length} lines open, the case33py schema has ${layout.openSlots} open-line slots` };
      } else {
        const onset = f.filter((l) => !prev.includes(l));
        if (onset.length > 0) {
          return { step: t, message: `line${onset.length > 1 ? 's' : ''} ${ids(onset)} become${onset.length > 1 ? '' : 's'} faulted: ` +
            `protection opens ${onset.length > 1 ? 'them' : 'it'} beside the ${layout.openSlots} open lines of the configuration in force, ` +
            `the case33py schema has ${layout.openSlots} open-line slots` };
        }
      }
      prev = f;
    }
  }
  return null;
}

// ---------------------------------------------------------------- full

function fullStateColumns(net: Network, p: string): string[] {
  return [
    `${p}_step`,
    ...net.lines.map((l) => `${p}_open_L${l.id}`),
    ...net.lines.map((l) => `${p}_faulted_L${l.id}`),
    ...net.buses.map((b) => `${p}_pKw_B${b.id}`),
    ...net.buses.map((b) => `${p}_qKvar_B${b.id}`),
    ...net.generators.map((g) => `${p}_genPKw_G${g.id}`),
    ...net.generators.map((g) => `${p}_genQKvar_G${g.id}`),
    ...net.buses.map((b) => `${p}_pickup_B${b.id}`),
    ...mtsOf(net).map((g) => `${p}_gridForming_G${g.id}`),
    ...net.buses.map((b) => `${p}_vPu_B${b.id}`),
    `${p}_config`,
  ];
}

/** the MT generators, in the action's order */
export function mtsOf(net: Network): Network['generators'] {
  return mtIndices(net).map((g) => net.generators[g]);
}

function fullStateCells(s: ChainState, gfDefault: Uint8Array, table: RadialTable | null, cells: string[]): void {
  cells.push(String(s.step));
  for (let l = 0; l < s.lineOpen.length; l++) cells.push(s.lineOpen[l] ? '1' : '0');
  for (let l = 0; l < s.lineFaulted.length; l++) cells.push(s.lineFaulted[l] ? '1' : '0');
  for (let b = 0; b < s.loadPKw.length; b++) cells.push(fmt(s.loadPKw[b], 4));
  for (let b = 0; b < s.loadQKvar.length; b++) cells.push(fmt(s.loadQKvar[b], 4));
  for (let g = 0; g < s.genPKw.length; g++) cells.push(fmt(s.genPKw[g], 4));
  for (let g = 0; g < s.genQKvar.length; g++) cells.push(fmt(s.genQKvar[g], 4));
  for (let b = 0; b < s.loadPKw.length; b++) cells.push(s.pickup ? fmt(s.pickup[b], 6) : '1');
  for (let k = 0; k < gfDefault.length; k++) cells.push(String(s.gridForming ? s.gridForming[k] : gfDefault[k]));
  for (let b = 0; b < s.loadPKw.length; b++) cells.push(s.vPu ? fmt(s.vPu[b], 6) : '');
  cells.push(String(configNumber(table, s.lineOpen)));
}

function fullSchema(net: Network, given: RadialTable | null | undefined): ChainSchema {
  const mts = mtsOf(net);
  const gfDefault = defaultGridForming(net);
  let table: RadialTable | null | undefined = given;
  const columns = [
    'episode',
    ...fullStateColumns(net, 'S(t)'),
    ...net.lines.map((l) => `A(t)_open_L${l.id}`),
    ...mts.map((g) => `A(t)_pMtKw_G${g.id}`),
    ...mts.map((g) => `A(t)_qMtKvar_G${g.id}`),
    ...net.buses.map((b) => `A(t)_pickup_B${b.id}`),
    ...mts.map((g) => `A(t)_gridForming_G${g.id}`),
    'A(t)_config',
    'R(t+1)',
    ...REWARD_TERMS.map((t) => `R_${t}`),
    'lossKw',
    'unservedKw',
    'switchOps',
    'valid',
    'terminated',
    'truncated',
    'pfStatus',
    ...fullStateColumns(net, 'S(t+1)'),
  ];
  return {
    name: 'full',
    columns,
    header: columns.join(','),
    stepColumn: columns.indexOf(STEP_COLUMN.full),
    formatRow(tr: Transition): string {
      if (table === undefined) table = configTableFor(net);
      const cells: string[] = [String(tr.episode ?? 0)];
      fullStateCells(tr.s, gfDefault, table, cells);
      for (let l = 0; l < tr.a.lineOpen.length; l++) cells.push(tr.a.lineOpen[l] ? '1' : '0');
      for (let k = 0; k < tr.a.mtPKw.length; k++) cells.push(fmt(tr.a.mtPKw[k], 4));
      for (let k = 0; k < tr.a.mtQKvar.length; k++) cells.push(fmt(tr.a.mtQKvar[k], 4));
      for (let b = 0; b < tr.a.pickup.length; b++) cells.push(fmt(tr.a.pickup[b], 6));
      for (let k = 0; k < tr.a.gridForming.length; k++) cells.push(tr.a.gridForming[k] ? '1' : '0');
      cells.push(String(configNumber(table, tr.a.lineOpen)));
      cells.push(fmt(tr.r.total));
      for (const t of REWARD_TERMS) cells.push(fmt(tr.r[t]));
      cells.push(fmt(tr.lossKw, 4), fmt(tr.unservedKw, 4), String(tr.switchOps));
      cells.push(tr.valid ? '1' : '0', tr.terminated ? '1' : '0', tr.truncated ? '1' : '0', tr.pfStatus);
      fullStateCells(tr.s1, gfDefault, table, cells);
      return cells.join(',');
    },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
