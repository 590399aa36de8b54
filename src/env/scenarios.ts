/**
 * Fault scenario lists for the environment, as faultmaker writes them:
 *  - CSV: a header of line ids, one row per scenario, 1 = faulted (the event-table format);
 *  - JSON: an array of records with a `lines` array of line ids, or an array of arrays of line ids.
 * Returns each scenario's 0-based line indices.
 */
import { Network } from '../grid/network';
import { readEventTable } from '../grid/series';
import { readText } from '../io/csv';
import { InputError } from '../io/errors';

export function readScenarioFile(file: string, net: Network): number[][] {
  if (/\.json$/i.test(file)) return parseScenarioJson(readText(file), file, net);
  const table = readEventTable(file, net);
  const nl = net.lines.length;
  const out: number[][] = [];
  for (let s = 0; s < table.length / nl; s++) {
    const lines: number[] = [];
    for (let l = 0; l < nl; l++) if (table[s * nl + l]) lines.push(l);
    out.push(lines);
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
  if (!Array.isArray(list) || list.length === 0) throw new InputError('BAD_JSON', 'expected a non-empty array of scenarios (records with "lines", or arrays of line ids)', { file });
  return list.map((rec, i) => {
    const ids = Array.isArray(rec) ? rec : (rec as { lines?: unknown })?.lines;
    if (!Array.isArray(ids)) throw new InputError('BAD_JSON', `scenario ${i + 1}: expected an array of line ids or a record with "lines"`, { file, row: i + 1 });
    return ids.map((id) => {
      const li = typeof id === 'number' ? net.lineIndex.get(id) : undefined;
      if (li === undefined) throw new InputError('UNKNOWN_LINE', `scenario ${i + 1}: expected line ids of the case, found ${JSON.stringify(id)}`, { file, row: i + 1 });
      return li;
    });
  });
}
