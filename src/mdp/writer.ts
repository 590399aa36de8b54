/**
 * Append-only MDP-chain CSV writer that only ever leaves complete rows in the file:
 *  - each row is one `write` of the whole line with its newline;
 *  - `mode: 'append'` reopens an existing chain: the header must be the schema's, and a partial
 *    last line (a crash in the middle of a write) is cut off before anything is appended;
 *  - `mode: 'create'` refuses an existing file, `mode: 'replace'` starts it afresh (header first).
 * Reading back: `readChainSteps` lists the S(t) step of every complete row (to resume a run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../io/errors';
import { ChainSchema } from './schema';
import { Transition } from './types';

export type ChainWriteMode = 'create' | 'append' | 'replace';

export interface ChainWriterOptions {
  mode?: ChainWriteMode;
  /** fsync after this many rows (0 = only on close) */
  fsyncEvery?: number;
}

export class ChainWriter {
  readonly file: string;
  readonly schema: ChainSchema;
  /** complete data rows in the file */
  rows: number;
  private fd: number;
  private readonly fsyncEvery: number;
  private sinceSync = 0;

  private constructor(file: string, schema: ChainSchema, fd: number, rows: number, fsyncEvery: number) {
    this.file = file;
    this.schema = schema;
    this.fd = fd;
    this.rows = rows;
    this.fsyncEvery = fsyncEvery;
  }

  static open(file: string, schema: ChainSchema, opts: ChainWriterOptions = {}): ChainWriter {
    const mode = opts.mode ?? 'create';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const exists = fs.existsSync(file);
    if (exists && mode === 'create') throw new InputError('EXISTS', 'the chain file exists already (append to resume it, or remove it)', { file });
    let rows = 0;
    if (exists && mode === 'append') {
      const text = fs.readFileSync(file, 'utf8');
      const complete = text.lastIndexOf('\n') + 1;
      if (complete === 0) {
        // not even a header line: start afresh
        fs.writeFileSync(file, schema.header + '\n');
      } else {
        const firstEnd = text.indexOf('\n');
        const header = text.slice(0, firstEnd).replace(/\r$/, '').replace(/^\uFEFF/, '');
        if (header !== schema.header) {
          throw new InputError('SCHEMA_MISMATCH', `expected the header of the ${schema.name} schema (${schema.columns.length} columns) to append to`,
            { file, row: 1 });
        }
        if (complete < text.length) fs.truncateSync(file, Buffer.byteLength(text.slice(0, complete)));
        for (let i = firstEnd + 1; i < complete; i++) if (text.charCodeAt(i) === 10) rows++;
      }
    } else {
      fs.writeFileSync(file, schema.header + '\n');
    }
    const fd = fs.openSync(file, 'a');
    return new ChainWriter(file, schema, fd, rows, opts.fsyncEvery ?? 0);
  }

  /** Format and append one transition (throws SchemaError, writing nothing, when it does not fit). */
  append(tr: Transition): void {
    this.appendLine(this.schema.formatRow(tr));
  }

  /** Append an already formatted row (no newline). */
  appendLine(row: string): void {
    if (this.fd < 0) throw new Error('chain writer is closed');
    fs.writeSync(this.fd, row + '\n');
    this.rows++;
    if (this.fsyncEvery > 0 && ++this.sinceSync >= this.fsyncEvery) {
      fs.fsyncSync(this.fd);
      this.sinceSync = 0;
    }
  }

  close(): void {
    if (this.fd < 0) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** columns of words, not numbers (the power-flow status of the full schema) */
const TEXT_COLUMNS = new Set(['pfStatus']);

/** The rows of a chain file that can be trusted, and the first that cannot. */
export interface ChainRows {
  /** S(t) step of each row of the valid prefix */
  steps: number[];
  /** the first row (1-based, header = 1) that is not a complete row of the schema, and why; null when all are */
  bad: { row: number; reason: string } | null;
}

/**
 * The S(t) step of every complete data row of a chain file (empty when the file is absent), up
 * to the first row that is not one the writer makes: a row cut short (even when it ends with a
 * newline), a cell that is not a number, or a non-integer step.
 */
export function readChainRows(file: string, schema: ChainSchema): ChainRows {
  if (!fs.existsSync(file)) return { steps: [], bad: null };
  const text = fs.readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n');
  const out: number[] = [];
  const width = schema.columns.length;
  for (let i = 1; i < lines.length - 1; i++) {
    const row = i + 1;
    const line = lines[i].replace(/\r$/, '');
    const cells = line.split(',');
    if (cells.length !== width) return { steps: out, bad: { row, reason: `${cells.length} of ${width} cells` } };
    for (let c = 0; c < width; c++) {
      if (TEXT_COLUMNS.has(schema.columns[c])) {
        if (!/^[a-z-]+$/.test(cells[c])) return { steps: out, bad: { row, reason: `column ${schema.columns[c]}: expected a status word, found ` +
          `"${cells[c]}"` } };
        continue;
      }
      if (cells[c] === '' || (Number.isNaN(Number(cells[c])) && cells[c] !== 'NaN')) return { steps: out, bad: { row, reason: `column ` +
        `${schema.columns[c]}: expected a number, found "${cells[c]}"` } };
    }
    const v = Number(cells[schema.stepColumn]);
    if (!Number.isInteger(v)) return { steps: out, bad: { row, reason: `expected an integer step in column ${schema.columns[schema.stepColumn]}` } };
    out.push(v);
  }
  return { steps: out, bad: null };
}

/** The S(t) steps of the valid rows of a chain file (readChainRows without the diagnosis). */
export function readChainSteps(file: string, schema: ChainSchema): number[] {
  return readChainRows(file, schema).steps;
}

/** Render transitions to CSV text in memory (header + rows), for writing atomically. */
export function chainText(schema: ChainSchema, rows: Transition[]): string {
  const parts = [schema.header];
  for (const tr of rows) parts.push(schema.formatRow(tr));
  return parts.join('\n') + '\n';
}
