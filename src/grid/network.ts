/**
 * The network model: plain typed data. Ids are the 1-based numbers users see in files and
 * messages; everything inside the toolkit indexes arrays 0..n-1 (bus index, line index).
 */

export interface Bus {
  /** id as in the data files (usually 1..n) */
  id: number;
  baseKv: number;
  /** nominal load */
  pKw: number;
  qKvar: number;
  vMinPu: number;
  vMaxPu: number;
  substation: boolean;
}

export interface Line {
  id: number;
  /** 0-based bus index of the sending end */
  from: number;
  /** 0-based bus index of the receiving end */
  to: number;
  rOhm: number;
  xOhm: number;
  ampacityA: number;
  switchable: boolean;
  normallyOpen: boolean;
}

export type GeneratorKind = 'MT' | 'PV' | 'WT';

export interface Generator {
  id: number;
  /** 0-based bus index */
  bus: number;
  kind: GeneratorKind;
  pMinKw: number;
  pMaxKw: number;
  qMinKvar: number;
  qMaxKvar: number;
  /** energy cost, per kWh (MT only; 0 for PV/WT) */
  costPerKwh: number;
  /** can hold voltage and frequency of an island on its own (MT) */
  gridForming: boolean;
}

export interface Network {
  name: string;
  /** per-unit power base used inside the solvers */
  baseKva: number;
  buses: Bus[];
  lines: Line[];
  generators: Generator[];
  /** 0-based indices of substation (slack) buses */
  substations: number[];
  /** bus id -> index */
  busIndex: Map<number, number>;
  /** line id -> index */
  lineIndex: Map<number, number>;
  /** the files it was loaded from (for manifests) */
  files: string[];
}

/** Indices of the lines that are open in the normal state (tie switches). */
export function normallyOpenLines(net: Network): number[] {
  const out: number[] = [];
  net.lines.forEach((l, i) => {
    if (l.normallyOpen) out.push(i);
  });
  return out;
}

/** Base impedance in ohm of a bus: kV^2 / MVA. */
export function zBaseOhm(net: Network, busIdx: number): number {
  const kv = net.buses[busIdx].baseKv;
  return (kv * kv * 1000) / net.baseKva;
}
