/**
 * Time series of a case: load, pv, wt, price, event (and optional MT availability).
 * Each file is read once into typed arrays; any step is then served in O(1).
 *
 * Accepted layouts for load / pv / wt:
 *  - headerless, one complex cell per bus in bus order ("P+Qj" as Python wrote it, "P+Qim" as Julia);
 *  - a header of bus ids and one complex cell per listed bus (other buses are 0);
 *  - a header of plain columns p<bus> and q<bus> (kW and kvar), e.g. p2,q2,p3,q3 (other buses are 0).
 * A header names each bus once; in the plain layout each bus listed has both its p and its q.
 * price: column 1 grid energy price per kWh, optional column 2 MT energy cost per kWh (header optional).
 * event: one 0/1 cell per line (1 = faulted), headerless in line order or with a header of line ids
 *   (any order, each at most once; lines not listed never fault).
 * mt: MT availability 0/1, a header naming every MT bus once (optional file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CsvTable, readCsv, readBytes, parseCsv, parseNumber, clip, checkUniqueHeader, checkCompleteHeader } from '../io/csv';
import { scanComplexTable, scanFlagTable } from '../io/fast-complex';
import { InputError } from '../io/errors';
import { Network } from './network';
import { parseComplex } from './complex-text';
import { Rng } from '../util/rng';

export interface Series {
  steps: number;
  busCount: number;
  genCount: number;
  lineCount: number;
  /** steps x buses, row-major */
  loadPKw: Float64Array;
  loadQKvar: Float64Array;
  /** steps x generators: available output of PV and WT (0 for MT columns) */
  genPKw: Float64Array;
  genQKvar: Float64Array;
  gridPricePerKwh: Float64Array | null;
  /** MT energy cost per kWh when the price file has a second column */
  mtPricePerKwh: Float64Array | null;
  /** steps x lines, 1 = faulted; null when the case has no event file */
  faulted: Uint8Array | null;
  /** steps x generators, 1 = available (MT only); null = always available */
  available: Uint8Array | null;
  files: string[];
}

/** One time step's data, in kW / kvar. */
export interface Snapshot {
  step: number;
  loadPKw: Float64Array;
  loadQKvar: Float64Array;
  genPKw: Float64Array;
  genQKvar: Float64Array;
  gridPricePerKwh: number;
  mtPricePerKwh: number | null;
  /** 0-based indices of faulted lines */
  faulted: number[];
  /** per generator: 1 available, 0 not */
  available: Uint8Array;
}

function busColumnsFromHeader(t: CsvTable, net: Network): { kind: 'complex' | 'plain'; cols: { bus: number; p: number; q: number }[] } | null {
  if (!t.header) return null;
  const h = t.header;
  const plain = h.every((c) => /^[pq]_?\d+$/i.test(c));
  if (plain) {
    const byBus = new Map<number, { bus: number; p: number; q: number }>();
    h.forEach((c, j) => {
      const m = /^([pq])_?(\d+)$/i.exec(c)!;
      const id = Number(m[2]);
      const bus = net.busIndex.get(id);
      if (bus === undefined) throw new InputError('UNKNOWN_BUS', `expected a bus id of the case in the header, found unknown bus ${id}`,
        { file: t.file, row: t.headerLine, column: j + 1 });
      const e = byBus.get(bus) ?? { bus, p: -1, q: -1 };
      if (m[1].toLowerCase() === 'p') e.p = j;
      else e.q = j;
      byBus.set(bus, e);
    });
    // p6 and p_6 are the same column; each listed bus needs both its p and its q
    const keys = h.map((c) => { const m = /^([pq])_?(\d+)$/i.exec(c)!; return `${m[1].toLowerCase()}${Number(m[2])}`; });
    checkUniqueHeader(t, keys, (k) => k, 'p<bus> and q<bus>');
    const pairs = [...new Set(keys.map((k) => k.slice(1)))].flatMap((id) => [`p${id}`, `q${id}`]);
    checkCompleteHeader(t, keys, pairs, (k) => k, 'p<bus> and q<bus> of each bus listed');
    return { kind: 'plain', cols: [...byBus.values()] };
  }
  const cols = h.map((c, j) => {
    if (!/^\d+$/.test(c)) throw new InputError('BAD_HEADER', `expected a header of bus ids (or p<bus>,q<bus>), found "${clip(c)}"`,
      { file: t.file, row: t.headerLine, column: j + 1 });
    const bus = net.busIndex.get(Number(c));
    if (bus === undefined) throw new InputError('UNKNOWN_BUS', `expected a bus id of the case in the header, found unknown bus ${c}`,
      { file: t.file, row: t.headerLine, column: j + 1 });
    return { bus, p: j, q: j };
  });
  // buses left out of the header are 0 (documented); a bus named twice is a typo
  checkUniqueHeader(t, cols.map((c) => c.bus), (b) => `bus ${net.buses[b].id}`, 'bus');
  return { kind: 'complex', cols };
}

/** Read a per-bus complex table into steps x buses P and Q arrays. */
/**
 * Read a per-bus table. With `keep` (per bus, 1 = wanted), the fast path stores only those
 * columns (less memory for PV / WT, non-zero only at a few buses): the result is steps x cols,
 * cols[j] = bus index of column j.
 */
function readBusTable(file: string, net: Network,
  keep?: Uint8Array): { steps: number; p: Float64Array; q: Float64Array; lines: number[] | null; cols: number[] } {
  const bytes = readBytes(file);
  const all = net.buses.map((_, i) => i);
  // the long series are headerless complex tables: scan their bytes directly (several times faster)
  if (bytes.indexOf(34) < 0) {
    const fast = scanComplexTable(bytes, net.buses.length, keep);
    if (fast) return { steps: fast.rows, p: fast.re, q: fast.im, lines: null, cols: keep ? all.filter((b) => keep[b]) : all };
  }
  const t = parseCsv(bytes.toString('utf8'), file, 'auto');
  // a header of bus ids is all integers, like a data row of plain numbers: it is a header when
  // the rows below it hold complex text ("P+Qj") or when its width is not the bus count
  if (!t.header && t.rows.length > 1 && t.rows[0].every((c) => /^\d+$/.test(c))) {
    if (t.rows[0].length !== net.buses.length || t.rows[1].some((c) => /[ji]m?\)?$/.test(c))) {
      t.header = t.rows.shift();
      t.headerLine = t.lines.shift();
    }
  }
  // a first row holding complex numbers is data, even with a bad cell in it (not a header)
  if (t.header && t.header.some((c) => /^\(?[+-]?[\d.]+([eE][+-]?\d+)?\s*[+-]\s*[\d.]+([eE][+-]?\d+)?(j|im|i)\)?$/.test(c))) {
    t.rows.unshift(t.header);
    t.lines.unshift(t.headerLine!);
    t.header = undefined;
    t.headerLine = undefined;
  }
  const nb = net.buses.length;
  const layout = busColumnsFromHeader(t, net) ?? { kind: 'complex' as const, cols: net.buses.map((_, i) => ({ bus: i, p: i, q: i })) };
  const width = t.header ? t.header.length : nb;
  const steps = t.rows.length;
  if (steps === 0) throw new InputError('EMPTY', 'expected at least one data row', { file });
  const p = new Float64Array(steps * nb);
  const q = new Float64Array(steps * nb);
  for (let s = 0; s < steps; s++) {
    const row = t.rows[s];
    const line = t.lines[s];
    if (row.length !== width) {
      const what = t.header ? 'columns as in the header' : `columns, one per bus of the case (${nb} buses)`;
      throw new InputError('COLUMN_COUNT', `expected ${width} ${what}, found ${row.length}`, { file, row: line });
    }
    const base = s * nb;
    for (const c of layout.cols) {
      if (layout.kind === 'complex') {
        const v = parseComplex(row[c.p], file, line, c.p + 1);
        p[base + c.bus] = v.re;
        q[base + c.bus] = v.im;
      } else {
        if (c.p >= 0) p[base + c.bus] = parseNumber(row[c.p], file, line, c.p + 1, 'a power in kW');
        if (c.q >= 0) q[base + c.bus] = parseNumber(row[c.q], file, line, c.q + 1, 'a reactive power in kvar');
      }
    }
  }
  return { steps, p, q, lines: t.lines, cols: all };
}

/** Headerless price table of plain numbers (1 or 2 columns) by the fast scanner; null otherwise. */
function fastPrice(file: string): { steps: number; grid: Float64Array; mt: Float64Array | null } | null {
  const bytes = readBytes(file);
  if (bytes.indexOf(34) >= 0) return null;
  for (const width of [2, 1]) {
    const t = scanComplexTable(bytes, width);
    if (!t) continue;
    if (t.im.some((v) => v !== 0)) return null;
    const grid = new Float64Array(t.rows);
    const mt = width === 2 ? new Float64Array(t.rows) : null;
    for (let s = 0; s < t.rows; s++) {
      grid[s] = t.re[s * width];
      if (mt) mt[s] = t.re[s * width + 1];
    }
    return { steps: t.rows, grid, mt };
  }
  return null;
}

/** File line of step s in a headerless table (blank lines skipped), for messages after the fast path. */
function rowOfStep(file: string, s: number): number {
  return readCsv(file, false).lines[s] ?? s + 1;
}

function checkSteps(file: string, steps: number, expected: number, expectedFrom: string): void {
  if (steps !== expected) {
    throw new InputError('LENGTH', `expected ${expected} rows (steps) like ${path.basename(expectedFrom)}, found ${steps}`, { file });
  }
}

export interface LoadSeriesOptions {
  /** directory holding the series files (default: the case directory) */
  dir: string;
}

/** Load the series of a case directory. Files that are absent are simply not available. */
export function loadSeries(net: Network, dir: string): Series | null {
  const f = (n: string) => path.join(dir, n);
  const loadFile = f('load.csv');
  if (!fs.existsSync(loadFile)) return null;
  const nb = net.buses.length;
  const ng = net.generators.length;
  const nl = net.lines.length;
  const files = [loadFile];
  const load = readBusTable(loadFile, net);
  const steps = load.steps;

  const genPKw = new Float64Array(steps * ng);
  const genQKvar = new Float64Array(steps * ng);
  for (const kind of ['PV', 'WT'] as const) {
    const file = f(kind.toLowerCase() + '.csv');
    if (!fs.existsSync(file)) continue;
    files.push(file);
    // map each bus column to the first generator of this kind at the bus
    const genAt = new Map<number, number>();
    const keep = new Uint8Array(nb);
    net.generators.forEach((g, gi) => {
      if (g.kind === kind && !genAt.has(g.bus)) genAt.set(g.bus, gi);
      if (g.kind === kind) keep[g.bus] = 1;
    });
    const tbl = readBusTable(file, net, keep);
    checkSteps(file, tbl.steps, steps, loadFile);
    const w = tbl.cols.length;
    for (let s = 0; s < steps; s++) {
      for (let j = 0; j < w; j++) {
        const b = tbl.cols[j];
        const pv = tbl.p[s * w + j];
        const qv = tbl.q[s * w + j];
        if (pv === 0 && qv === 0) continue;
        const gi = genAt.get(b);
        if (gi === undefined) {
          throw new InputError('NO_GENERATOR', `expected 0 at bus ${net.buses[b].id}: generators.csv has no ${kind} there, found ${pv}+${qv}j`,
            { file, row: tbl.lines ? tbl.lines[s] : rowOfStep(file, s) });
        }
        genPKw[s * ng + gi] = pv;
        genQKvar[s * ng + gi] = qv;
      }
    }
  }

  let gridPricePerKwh: Float64Array | null = null;
  let mtPricePerKwh: Float64Array | null = null;
  const priceFile = f('price.csv');
  if (fs.existsSync(priceFile)) {
    files.push(priceFile);
    const fast = fastPrice(priceFile);
    if (fast) {
      checkSteps(priceFile, fast.steps, steps, loadFile);
      gridPricePerKwh = fast.grid;
      mtPricePerKwh = fast.mt;
    }
  }
  if (fs.existsSync(priceFile) && !gridPricePerKwh) {
    const t = readCsv(priceFile, 'auto');
    checkSteps(priceFile, t.rows.length, steps, loadFile);
    const width = t.header ? t.header.length : t.rows[0].length;
    if (width < 1 || width > 2) throw new InputError('COLUMN_COUNT', `expected 1 or 2 columns (grid price, MT cost per kWh), found ${width}`,
      { file: priceFile, row: t.headerLine ?? t.lines[0] });
    gridPricePerKwh = new Float64Array(steps);
    if (width === 2) mtPricePerKwh = new Float64Array(steps);
    t.rows.forEach((row, s) => {
      if (row.length !== width) throw new InputError('COLUMN_COUNT', `expected ${width} columns, found ${row.length}`, { file: priceFile, row: t.lines[s] });
      gridPricePerKwh![s] = parseNumber(row[0], priceFile, t.lines[s], 1, 'a price per kWh');
      if (mtPricePerKwh) mtPricePerKwh[s] = parseNumber(row[1], priceFile, t.lines[s], 2, 'a price per kWh');
    });
  }

  let faulted: Uint8Array | null = null;
  const eventFile = f('event.csv');
  if (fs.existsSync(eventFile)) {
    files.push(eventFile);
    faulted = readEventTable(eventFile, net);
    checkSteps(eventFile, faulted.length / nl, steps, loadFile);
  }

  let available: Uint8Array | null = null;
  const mtFile = f('mt.csv');
  if (fs.existsSync(mtFile)) {
    files.push(mtFile);
    const t = readCsv(mtFile, true);
    checkSteps(mtFile, t.rows.length, steps, loadFile);
    const mtBuses = [...new Set(net.generators.filter((g) => g.kind === 'MT').map((g) => g.bus))];
    const cols = t.header!.map((c, j) => {
      const bus = /^\d+$/.test(c) ? net.busIndex.get(Number(c)) : undefined;
      if (bus === undefined || !mtBuses.includes(bus)) throw new InputError('UNKNOWN_MT', `expected the bus id of an MT in the header, found "${clip(c)}"`,
        { file: mtFile, row: t.headerLine, column: j + 1 });
      return bus;
    });
    checkUniqueHeader(t, cols, (b) => `MT bus ${net.buses[b].id}`, 'MT bus');
    checkCompleteHeader(t, cols, mtBuses, (b) => `MT bus ${net.buses[b].id}`, 'MT bus of generators.csv');
    // a column holds the availability of every MT at its bus
    const gensOf = cols.map((b) => net.generators.flatMap((g, gi) => (g.kind === 'MT' && g.bus === b ? [gi] : [])));
    available = new Uint8Array(steps * ng).fill(1);
    t.rows.forEach((row, s) => {
      if (row.length !== cols.length) throw new InputError('COLUMN_COUNT', `expected ${cols.length} columns as in the header, found ${row.length}`,
        { file: mtFile, row: t.lines[s] });
      gensOf.forEach((gens, j) => {
        const v = row[j];
        if (v !== '0' && v !== '1') throw new InputError('BAD_FLAG', `expected 0 or 1, found "${clip(v)}"`, { file: mtFile, row: t.lines[s], column: j + 1 });
        for (const gi of gens) available![s * ng + gi] = v === '1' ? 1 : 0;
      });
    });
  }

  return {
    steps,
    busCount: nb,
    genCount: ng,
    lineCount: nl,
    loadPKw: load.p,
    loadQKvar: load.q,
    genPKw,
    genQKvar,
    gridPricePerKwh,
    mtPricePerKwh,
    faulted,
    available,
    files,
  };
}

/** An event table: one row per step, one 0/1 cell per line. Returns steps x lines. */
export function readEventTable(file: string, net: Network): Uint8Array {
  const nl = net.lines.length;
  const bytes = readBytes(file);
  const fast = bytes.indexOf(34) < 0 ? scanFlagTable(bytes, nl) : null;
  if (fast) return fast.flags;
  const t = parseCsv(bytes.toString('utf8'), file, 'auto');
  // a header of line ids is all integers like a data row: it is a header when a cell is not 0 or 1
  // and it has no repeated cell or no 0 (line ids start at 1; a repeated id is then reported below)
  const first = t.rows[0];
  if (!t.header && first.every((c) => /^\d+$/.test(c)) && first.some((c) => c !== '0' && c !== '1') &&
    (new Set(first).size === first.length || !first.includes('0'))) {
    t.header = t.rows.shift();
    t.headerLine = t.lines.shift();
  }
  let cols: number[];
  if (t.header) {
    cols = t.header.map((c, j) => {
      const li = /^\d+$/.test(c) ? net.lineIndex.get(Number(c)) : undefined;
      if (li === undefined) throw new InputError('UNKNOWN_LINE', `expected a line id of the case in the header, found "${clip(c)}"`,
        { file, row: t.headerLine, column: j + 1 });
      return li;
    });
    checkLineHeader(t, cols, net);
  } else {
    cols = net.lines.map((_, i) => i);
  }
  const steps = t.rows.length;
  const out = new Uint8Array(steps * nl);
  for (let s = 0; s < steps; s++) {
    const row = t.rows[s];
    if (row.length !== cols.length) {
      const what = t.header ? 'columns as in the header' : `columns, one per line of the case (${nl} lines)`;
      throw new InputError('COLUMN_COUNT', `expected ${cols.length} ${what}, found ${row.length}`, { file, row: t.lines[s] });
    }
    for (let j = 0; j < cols.length; j++) {
      const v = row[j];
      if (v === '1') out[s * nl + cols[j]] = 1;
      else if (v !== '0') throw new InputError('BAD_FLAG', `expected 0 or 1, found "${clip(v)}"`, { file, row: t.lines[s], column: j + 1 });
    }
  }
  return out;
}

/** A header of line ids (event table, scenario file) names each line at most once; lines it leaves out never fault. */
export function checkLineHeader(t: CsvTable, cols: readonly number[], net: Network): void {
  checkUniqueHeader(t, cols, (l) => `line ${net.lines[l].id}`, 'line');
}

export interface SnapshotOptions {
  /** multiply each load (P and Q together) by a factor ~ N(1, noiseSd); 0 = off */
  noiseSd?: number;
  rng?: Rng;
}

/** Allocate an empty snapshot for a network. */
export function emptySnapshot(net: Network): Snapshot {
  return {
    step: -1,
    loadPKw: new Float64Array(net.buses.length),
    loadQKvar: new Float64Array(net.buses.length),
    genPKw: new Float64Array(net.generators.length),
    genQKvar: new Float64Array(net.generators.length),
    gridPricePerKwh: 0,
    mtPricePerKwh: null,
    faulted: [],
    available: new Uint8Array(net.generators.length).fill(1),
  };
}

/** The nominal snapshot: bus loads from buses.csv, no PV/WT output, no faults. */
export function nominalSnapshot(net: Network): Snapshot {
  const s = emptySnapshot(net);
  net.buses.forEach((b, i) => {
    s.loadPKw[i] = b.pKw;
    s.loadQKvar[i] = b.qKvar;
  });
  return s;
}

/** Step t of the series (0-based), written into `out` when given (no allocation). */
export function snapshot(series: Series, t: number, out?: Snapshot, opts: SnapshotOptions = {}): Snapshot {
  if (!Number.isInteger(t) || t < 0 || t >= series.steps) throw new RangeError(`step ${t} outside 0..${series.steps - 1}`);
  const nb = series.busCount;
  const ng = series.genCount;
  const nl = series.lineCount;
  const s: Snapshot = out ?? {
    step: t,
    loadPKw: new Float64Array(nb),
    loadQKvar: new Float64Array(nb),
    genPKw: new Float64Array(ng),
    genQKvar: new Float64Array(ng),
    gridPricePerKwh: 0,
    mtPricePerKwh: null,
    faulted: [],
    available: new Uint8Array(ng),
  };
  s.step = t;
  const sd = opts.noiseSd ?? 0;
  for (let b = 0; b < nb; b++) {
    const f = sd > 0 && opts.rng ? opts.rng.normal(1, sd) : 1;
    s.loadPKw[b] = series.loadPKw[t * nb + b] * f;
    s.loadQKvar[b] = series.loadQKvar[t * nb + b] * f;
  }
  for (let g = 0; g < ng; g++) {
    s.genPKw[g] = series.genPKw[t * ng + g];
    s.genQKvar[g] = series.genQKvar[t * ng + g];
    s.available[g] = series.available ? series.available[t * ng + g] : 1;
  }
  s.gridPricePerKwh = series.gridPricePerKwh ? series.gridPricePerKwh[t] : 0;
  s.mtPricePerKwh = series.mtPricePerKwh ? series.mtPricePerKwh[t] : null;
  s.faulted = [];
  if (series.faulted) {
    for (let l = 0; l < nl; l++) if (series.faulted[t * nl + l]) s.faulted.push(l);
  }
  return s;
}

/** The series with its event table taken from `file` instead (an event.csv of as many steps). */
export function withEventTable(series: Series, net: Network, file: string): Series {
  const faulted = readEventTable(file, net);
  const steps = faulted.length / net.lines.length;
  if (steps !== series.steps) throw new InputError('LENGTH', `expected ${series.steps} rows (steps) like the case's load.csv, found ${steps}`, { file });
  return { ...series, faulted, files: [...series.files.filter((f) => path.basename(f) !== 'event.csv'), file] };
}
