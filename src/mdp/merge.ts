/** Joining chain files written by shards or workers into the file one process would have written. */
import * as fs from 'node:fs';
import { InputError } from '../io/errors';
import { writeFileAtomic } from '../io/atomic';
import { STEP_COLUMNS } from './schema';

/**
 * Join chain files (same header) into one, rows ordered by S(t)'s step: the file a single process
 * would have written. Written atomically. Returns the row count.
 */
export function mergeChainFiles(files: string[], outFile: string): number {
  let header: string | null = null;
  let stepCol = -1;
  const rows: { step: number; line: string }[] = [];
  const seen = new Map<number, string>();
  for (const f of files) {
    if (!fs.existsSync(f)) throw new InputError('ENOENT', 'shard file not found (is that shard finished?)', { file: f });
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const h = (lines[0] ?? '').replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (header === null) {
      header = h;
      const cols = h.split(',');
      stepCol = cols.findIndex((c) => STEP_COLUMNS.includes(c));
      if (stepCol < 0) throw new InputError('BAD_HEADER', `expected a chain file header with a ${STEP_COLUMNS.join(' or ')} column`, { file: f, row: 1 });
    } else if (h !== header) {
      throw new InputError('SCHEMA_MISMATCH', `expected the same header as ${files[0]}`, { file: f, row: 1 });
    }
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i].replace(/\r$/, '');
      const step = Number(line.split(',')[stepCol]);
      if (!Number.isInteger(step)) throw new InputError('NOT_NUMBER', 'expected an integer step', { file: f, row: i + 1, column: stepCol + 1 });
      if (seen.has(step)) throw new InputError('DUPLICATE_STEP', `expected each step once, step ${step} is also in ${seen.get(step)}`, { file: f, row: i + 1 });
      seen.set(step, f);
      rows.push({ step, line });
    }
  }
  rows.sort((a, b) => a.step - b.step);
  writeFileAtomic(outFile, [header, ...rows.map((r) => r.line)].join('\n') + '\n');
  return rows.length;
}
