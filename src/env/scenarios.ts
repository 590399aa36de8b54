/**
 * Fault scenario lists for the environment, as faultmaker writes them:
 *  - CSV: one row per scenario, one 0/1 cell per line (1 = faulted), with a header of line ids
 *    (faultmaker's layout) or without (lines.csv order);
 *  - JSON: an array of records with a `lines` array of line ids, or an array of arrays of line ids.
 * Returns each scenario's 0-based line indices.
 */
import { Network } from '../grid/network';
import { readCsv, readText, clip } from '../io/csv';
import { InputError } from '../io/errors';
import { checkLineHeader } from '../grid/series';

export function readScenarioFile(file: string, net: Network): number[][] {
  if (/\.json$/i.test(file)) return parseScenarioJson(readText(file), file, net);
  // the header of line ids is numeric too: it is a header when a cell is not 0/1
  const t = readCsv(file, false);
  let cols = net.lines.map((_, i) => i);
  let first = 0;
  if (t.rows[0].some((c) => c !== '0' && c !== '1')) {
    first = 1;
    cols = t.rows[0].map((c, j) => {
      const li = /^\d+$/.test(c) ? net.lineIndex.get(Number(c)) : undefined;
      if (li === undefined) throw new InputError('UNKNOWN_LINE', `expected a line id of the case in the header, found "${clip(c)}"`,
        { file, row: t.lines[0], column: j + 1 });
      return li;
    });
    checkLineHeader({ ...t, header: t.rows[0], headerLine: t.lines[0] }, cols, net);
  }
  const out: number[][] = [];
  for (let r = first; r < t.rows.length; r++) {
    const row = t.rows[r];
    if (row.length !== cols.length) throw new InputError('COLUMN_COUNT', `expected ${cols.length} columns (one 0/1 per ` +
      `line${first ? ' of the header' : ' of the case'}), found ${row.length}`, { file, row: t.lines[r] });
    const lines: number[] = [];
    row.forEach((v, j) => {
      if (v === '1') lines.push(cols[j]);
      else if (v !== '0') throw new InputError('BAD_FLAG', `expected 0 or 1, found "${clip(v)}"`, { file, row: t.lines[r], column: j + 1 });
    });
    out.push(lines.sort((a, b) => a - b));
  }
  if (out.length === 0) throw new InputError('EMPTY', 'expected at least one scenario row', { file });
  return out;
}

export function parseScenarioJson(text: string, file: string, net: Network): number[][] {
  let obj: unknown;
  try {
    obj = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError('BAD_JSON', `expected JSON (${(e as Error).message})`, { file });
  }
  const list = Array.isArray(obj) ? obj : (obj as { scenarios?: unknown })?.scenarios;
  if (!Array.isArray(list) || list.length === 0) throw new InputError('BAD_JSON', 'expected a non-empty array of scenarios (records with "lines", or ' +
    'arrays of line ids)', { file });
  return list.map((rec, i) => {
    const ids = Array.isArray(rec) ? rec : (rec as { lines?: unknown })?.lines;
    if (!Array.isArray(ids)) throw new InputError('BAD_JSON', `scenario ${i + 1}: expected an array of line ids or a record with "lines"`,
      { file, row: i + 1 });
    return ids.map((id) => {
      const li = typeof id === 'number' ? net.lineIndex.get(id) : undefined;
      if (li === undefined) throw new InputError('UNKNOWN_LINE', `scenario ${i + 1}: expected line ids of the case, found ${JSON.stringify(id)}`,
        { file, row: i + 1 });
      return li;
    });
  });
}
