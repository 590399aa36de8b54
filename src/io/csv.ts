/**
 * CSV reading with positions: every cell keeps the file, row and column it came from,
 * so a loader can say exactly where a bad value is. Accepts a UTF-8 BOM and CRLF line ends.
 */
import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from './errors';

export interface CsvTable {
  file: string;
  /** data rows (header removed when hasHeader) */
  rows: string[][];
  /** 1-based file line of each data row */
  lines: number[];
  header?: string[];
  headerLine?: number;
}

export function readText(file: string): string {
  return readBytes(file).toString('utf8');
}

/** The file's bytes, with the same checks as readText (missing, a directory, binary garbage). */
export function readBytes(file: string): Buffer {
  let buf: Buffer;
  try {
    buf = readPadded(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('ENOENT', 'file not found', { file });
    if (code === 'EISDIR') throw new InputError('EISDIR', 'expected a file, found a directory', { file });
    throw new InputError(code ?? 'EIO', `cannot read file (${(e as Error).message})`, { file });
  }
  // Binary garbage: a NUL byte never occurs in a text CSV.
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const row = countLines(buf, nul);
    throw new InputError('BINARY', 'expected text CSV, found binary data (NUL byte)', { file, row });
  }
  return buf;
}

/** PAD spare bytes after the end of every file read: scanners may read one past the end in bounds. */
export const PAD = 8;

function readPadded(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const whole = Buffer.allocUnsafeSlow(st.size + PAD);
    let got = 0;
    while (got < st.size) {
      const k = fs.readSync(fd, whole, got, st.size - got, got);
      if (k === 0) break;
      got += k;
    }
    whole.fill(10, got); // newlines after the end
    return whole.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

function countLines(buf: Buffer, upTo: number): number {
  let n = 1;
  for (let i = 0; i < upTo; i++) if (buf[i] === 10) n++;
  return n;
}

/** Parse CSV text. `hasHeader`: true, false, or 'auto' (header if the first row has a non-numeric cell). */
export function parseCsv(text: string, file: string, hasHeader: boolean | 'auto'): CsvTable {
  // Fast path for the common case (no quotes): split lines and cells directly, several times
  // faster than the general parser on the long series. Quoted files go through csv-parse.
  if (text.indexOf('"') < 0) return finish(splitSimple(text), file, hasHeader);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { message: string; lines?: number };
    throw new InputError('CSV_SYNTAX', `malformed CSV (${err.message.replace(/^Invalid [^:]*: /, '')})`, {
      file,
      row: err.lines,
    });
  }
  return finish({ rows: records.map((r) => r.record), lines: records.map((r) => r.info.lines) }, file, hasHeader);
}

function splitSimple(text: string): { rows: string[][]; lines: number[] } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  const lines: number[] = [];
  let line = 0;
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    line++;
    let s = text.slice(start, end);
    start = end + 1;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (s.trim() === '') continue;
    const cells = s.split(',');
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c.charCodeAt(0) === 32 || c.charCodeAt(c.length - 1) === 32 || c.indexOf('\t') >= 0) cells[i] = c.trim();
    }
    rows.push(cells);
    lines.push(line);
  }
  return { rows, lines };
}

function finish(parsed: { rows: string[][]; lines: number[] }, file: string, hasHeader: boolean | 'auto'): CsvTable {
  const { rows, lines } = parsed;
  if (rows.length === 0) throw new InputError('EMPTY', 'file is empty, expected CSV rows', { file });
  let header: string[] | undefined;
  let headerLine: number | undefined;
  const takeHeader = hasHeader === 'auto' ? rows[0].some((c) => !looksNumeric(c)) : hasHeader;
  if (takeHeader) {
    header = rows.shift();
    headerLine = lines.shift();
  }
  return { file, rows, lines, header, headerLine };
}

export function readCsv(file: string, hasHeader: boolean | 'auto'): CsvTable {
  return parseCsv(readText(file), file, hasHeader);
}

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function looksNumeric(text: string): boolean {
  const cell = text.indexOf(' ') >= 0 ? text.replace(/\s+/g, '') : text;
  return NUM_RE.test(cell) || /^[+-]?[\d.]+([eE][+-]?\d+)?[+-][\d.]+([eE][+-]?\d+)?(j|im|i)$/.test(cell);
}

/** Strict decimal number: no NaN, no Infinity, no empty cell, no trailing garbage. */
export function parseNumber(cell: string | undefined, file: string, row: number, column: number | string, what = 'a number'): number {
  if (cell === undefined || cell === '') throw new InputError('MISSING', `expected ${what}, found an empty cell`, { file, row, column });
  if (!NUM_RE.test(cell)) throw new InputError('NOT_NUMBER', `expected ${what}, found "${clip(cell)}"`, { file, row, column });
  const v = Number(cell);
  if (!Number.isFinite(v)) throw new InputError('NOT_FINITE', `expected ${what} of finite size, found "${clip(cell)}"`, { file, row, column });
  return v;
}

export function clip(s: string, n = 40): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/** Column lookup in a header, case-insensitive; throws naming the missing column. */
export function columnIndex(t: CsvTable, name: string, required = true): number {
  const i = (t.header ?? []).findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (i < 0 && required) {
    throw new InputError('MISSING_COLUMN', `expected a column named "${name}" in the header`, { file: t.file, row: t.headerLine ?? 1 });
  }
  return i;
}

/**
 * Each column of the header stands for something once: keys[j] is what column j stands for
 * (null: not compared), name(key) how a message says it. A repeat is an InputError at its column.
 */
export function checkUniqueHeader<K>(t: CsvTable, keys: readonly (K | null)[], name: (key: K) => string, what: string): void {
  const first = new Map<K, number>();
  keys.forEach((k, j) => {
    if (k === null) return;
    const i = first.get(k);
    if (i !== undefined) {
      throw new InputError('DUPLICATE_COLUMN', `expected each ${what} once in the header, ${name(k)} appears twice (columns ${i + 1} and ${j + 1})`,
        { file: t.file, row: t.headerLine ?? 1, column: j + 1 });
    }
    first.set(k, j);
  });
}

/** Every expected key has a column in the header; else an InputError naming the missing ones. */
export function checkCompleteHeader<K>(t: CsvTable, keys: readonly (K | null)[], expected: readonly K[], name: (key: K) => string, what: string): void {
  const present = new Set(keys);
  const missing = expected.filter((k) => !present.has(k));
  if (missing.length === 0) return;
  const shown = missing.slice(0, 5).map(name).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  throw new InputError('MISSING_COLUMN', `expected a column for every ${what} in the header, ${shown} ${missing.length > 1 ? 'are' : 'is'} missing`,
    { file: t.file, row: t.headerLine ?? 1 });
}

/** Check every data row has exactly `n` cells. */
export function checkWidth(t: CsvTable, n: number, what = 'columns'): void {
  for (let i = 0; i < t.rows.length; i++) {
    if (t.rows[i].length !== n) {
      throw new InputError('COLUMN_COUNT', `expected ${n} ${what}, found ${t.rows[i].length}`, {
        file: t.file,
        row: t.lines[i],
        column: t.rows[i].length > n ? n + 1 : t.rows[i].length + 1,
      });
    }
  }
}
