/**
 * Load and validate a case directory: buses.csv, lines.csv, generators.csv.
 * Every problem is an InputError naming the file, row and column.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { readCsv, parseNumber, columnIndex, checkUniqueHeader, CsvTable, clip } from '../io/csv';
import { InputError } from '../io/errors';
import { Bus, Generator, GeneratorKind, Line, Network } from './network';

export const BUS_COLUMNS = ['bus', 'baseKv', 'pKw', 'qKvar', 'vMinPu', 'vMaxPu', 'substation'] as const;
export const LINE_COLUMNS = ['line', 'from', 'to', 'rOhm', 'xOhm', 'ampacityA', 'switchable', 'normallyOpen'] as const;
export const GEN_COLUMNS = ['gen', 'bus', 'kind', 'pMinKw', 'pMaxKw', 'qMinKvar', 'qMaxKvar', 'costPerKwh', 'gridForming'] as const;

class Row {
  constructor(private t: CsvTable, private cols: Map<string, number>, private i: number) {}
  get line(): number {
    return this.t.lines[this.i];
  }
  raw(name: string): string {
    return this.t.rows[this.i][this.cols.get(name)!];
  }
  num(name: string, what = 'a number'): number {
    return parseNumber(this.raw(name), this.t.file, this.line, name, what);
  }
  int(name: string, what = 'a positive integer id'): number {
    const v = this.num(name, what);
    if (!Number.isInteger(v) || v < 1) throw this.err('BAD_ID', `expected ${what}, found "${this.raw(name)}"`, name);
    return v;
  }
  bool(name: string): boolean {
    const s = this.raw(name).toLowerCase();
    if (s === '1' || s === 'true' || s === 'yes') return true;
    if (s === '0' || s === 'false' || s === 'no') return false;
    throw this.err('BAD_BOOL', `expected 0/1 or true/false, found "${clip(this.raw(name))}"`, name);
  }
  err(code: string, expected: string, column: string): InputError {
    return new InputError(code, expected, { file: this.t.file, row: this.line, column });
  }
}

function table(file: string, columns: readonly string[]): { t: CsvTable; rows: Row[] } {
  const t = readCsv(file, true);
  const names = t.header!.map((h) => h.toLowerCase());
  checkUniqueHeader(t, names, (k) => `"${t.header![names.indexOf(k)]}"`, 'column name');
  const cols = new Map<string, number>();
  for (const c of columns) cols.set(c, columnIndex(t, c));
  const width = t.header!.length;
  const rows: Row[] = [];
  for (let i = 0; i < t.rows.length; i++) {
    if (t.rows[i].length !== width) {
      throw new InputError('COLUMN_COUNT', `expected ${width} columns as in the header, found ${t.rows[i].length}`, {
        file,
        row: t.lines[i],
      });
    }
    rows.push(new Row(t, cols, i));
  }
  if (rows.length === 0) throw new InputError('EMPTY', 'expected at least one data row below the header', { file });
  return { t, rows };
}

export interface LoadCaseOptions {
  /** per-unit power base in kVA (default 1000) */
  baseKva?: number;
}

export function loadCase(dir: string, opts: LoadCaseOptions = {}): Network {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new InputError('NO_CASE', 'expected a case directory holding buses.csv, lines.csv and generators.csv', { file: dir });
  }
  const busFile = path.join(dir, 'buses.csv');
  const lineFile = path.join(dir, 'lines.csv');
  const genFile = path.join(dir, 'generators.csv');

  // buses
  const buses: Bus[] = [];
  const busIndex = new Map<number, number>();
  for (const r of table(busFile, BUS_COLUMNS).rows) {
    const id = r.int('bus', 'a positive integer bus id');
    if (busIndex.has(id)) throw r.err('DUPLICATE_ID', `expected a unique bus id, bus ${id} appears twice`, 'bus');
    const b: Bus = {
      id,
      baseKv: r.num('baseKv'),
      pKw: r.num('pKw'),
      qKvar: r.num('qKvar'),
      vMinPu: r.num('vMinPu'),
      vMaxPu: r.num('vMaxPu'),
      substation: r.bool('substation'),
    };
    if (!(b.baseKv > 0)) throw r.err('BAD_VALUE', `expected a positive base voltage in kV, found ${b.baseKv}`, 'baseKv');
    if (!(b.vMinPu > 0 && b.vMinPu < b.vMaxPu)) throw r.err('BAD_VALUE', `expected 0 < vMinPu < vMaxPu, found ${b.vMinPu} and ${b.vMaxPu}`, 'vMinPu');
    busIndex.set(id, buses.length);
    buses.push(b);
  }
  const substations = buses.flatMap((b, i) => (b.substation ? [i] : []));
  if (substations.length === 0) throw new InputError('NO_SUBSTATION', 'expected at least one bus with substation = 1', { file: busFile, column: 'substation' });

  // lines
  const lines: Line[] = [];
  const lineIndex = new Map<number, number>();
  for (const r of table(lineFile, LINE_COLUMNS).rows) {
    const id = r.int('line', 'a positive integer line id');
    if (lineIndex.has(id)) throw r.err('DUPLICATE_ID', `expected a unique line id, line ${id} appears twice`, 'line');
    const endpoint = (col: string): number => {
      const b = r.int(col, 'a bus id');
      const i = busIndex.get(b);
      if (i === undefined) throw r.err('UNKNOWN_BUS', `expected a bus listed in buses.csv, found unknown bus ${b}`, col);
      return i;
    };
    const from = endpoint('from');
    const to = endpoint('to');
    if (from === to) throw r.err('SELF_LOOP', `expected two different buses, line ${id} connects bus ${buses[from].id} to itself`, 'to');
    const rOhm = r.num('rOhm');
    const xOhm = r.num('xOhm');
    if (rOhm < 0) throw r.err('BAD_VALUE', `expected a resistance >= 0 ohm, found ${rOhm}`, 'rOhm');
    if (xOhm < 0) throw r.err('BAD_VALUE', `expected a reactance >= 0 ohm, found ${xOhm}`, 'xOhm');
    if (rOhm === 0 && xOhm === 0) throw r.err('ZERO_IMPEDANCE', `expected a non-zero impedance, line ${id} has r = x = 0`, 'rOhm');
    if (buses[from].baseKv !== buses[to].baseKv) throw r.err('BAD_VALUE', `expected both ends at the same base kV (no transformers), found ` +
      `${buses[from].baseKv} and ${buses[to].baseKv}`, 'to');
    const ampacityA = r.num('ampacityA');
    if (!(ampacityA > 0)) throw r.err('BAD_VALUE', `expected a positive ampacity in A, found ${ampacityA}`, 'ampacityA');
    const switchable = r.bool('switchable');
    const normallyOpen = r.bool('normallyOpen');
    if (normallyOpen && !switchable) throw r.err('BAD_VALUE', `expected a normally open line to be switchable`, 'normallyOpen');
    lineIndex.set(id, lines.length);
    lines.push({ id, from, to, rOhm, xOhm, ampacityA, switchable, normallyOpen });
  }

  // generators
  const generators: Generator[] = [];
  if (fs.existsSync(genFile)) {
    const ids = new Set<number>();
    for (const r of table(genFile, GEN_COLUMNS).rows) {
      const id = r.int('gen', 'a positive integer generator id');
      if (ids.has(id)) throw r.err('DUPLICATE_ID', `expected a unique generator id, generator ${id} appears twice`, 'gen');
      ids.add(id);
      const b = r.int('bus', 'a bus id');
      const bus = busIndex.get(b);
      if (bus === undefined) throw r.err('UNKNOWN_BUS', `expected a bus listed in buses.csv, found unknown bus ${b}`, 'bus');
      const kindText = r.raw('kind').toUpperCase();
      if (kindText !== 'MT' && kindText !== 'PV' && kindText !== 'WT') throw r.err('BAD_VALUE', `expected kind MT, PV or WT, found ` +
        `"${clip(r.raw('kind'))}"`, 'kind');
      const g: Generator = {
        id,
        bus,
        kind: kindText as GeneratorKind,
        pMinKw: r.num('pMinKw'),
        pMaxKw: r.num('pMaxKw'),
        qMinKvar: r.num('qMinKvar'),
        qMaxKvar: r.num('qMaxKvar'),
        costPerKwh: r.num('costPerKwh'),
        gridForming: r.bool('gridForming'),
      };
      if (g.pMinKw > g.pMaxKw) throw r.err('BAD_VALUE', `expected pMinKw <= pMaxKw, found ${g.pMinKw} > ${g.pMaxKw}`, 'pMinKw');
      if (g.qMinKvar > g.qMaxKvar) throw r.err('BAD_VALUE', `expected qMinKvar <= qMaxKvar, found ${g.qMinKvar} > ${g.qMaxKvar}`, 'qMinKvar');
      if (g.gridForming && g.kind !== 'MT') throw r.err('BAD_VALUE', 'expected only MT generators to be grid-forming', 'gridForming');
      generators.push(g);
    }
  }

  const net: Network = {
    name: path.basename(path.resolve(dir)),
    baseKva: opts.baseKva ?? 1000,
    buses,
    lines,
    generators,
    substations,
    busIndex,
    lineIndex,
    files: fs.existsSync(genFile) ? [busFile, lineFile, genFile] : [busFile, lineFile],
  };
  checkConnected(net, busFile);
  return net;
}

/** Every bus must be reachable from a substation when all lines are closed. */
function checkConnected(net: Network, busFile: string): void {
  const n = net.buses.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const l of net.lines) {
    adj[l.from].push(l.to);
    adj[l.to].push(l.from);
  }
  const seen = new Uint8Array(n);
  const stack = [...net.substations];
  for (const s of stack) seen[s] = 1;
  while (stack.length) {
    const u = stack.pop()!;
    for (const v of adj[u]) if (!seen[v]) { seen[v] = 1; stack.push(v); }
  }
  for (let i = 0; i < n; i++) {
    if (!seen[i]) {
      throw new InputError('DISCONNECTED', `expected every bus to be connected to a substation through some line, bus ${net.buses[i].id} is not`,
        { file: busFile, row: i + 2, column: 'bus' });
    }
  }
}
