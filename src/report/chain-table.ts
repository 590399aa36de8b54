/**
 * A chain CSV of the `full` schema (src/mdp/schema.ts) read back as columns of numbers, checked
 * against the network: every column the schema writes for this network must be there. The report
 * reads chains only through this module.
 */
import { InputError } from '../io/errors';
import { readBytes } from '../io/csv';
import { Network } from '../grid/network';
import { REWARD_TERMS } from '../powerflow/reward';
import { mtsOf } from '../mdp/schema';

export interface ChainTable {
  file: string;
  rows: number;
  columns: string[];
  /** column name -> index */
  index: Map<string, number>;
  /** rows x columns, row-major; NaN for an empty cell (a state without voltages) */
  values: Float64Array;
  /** the pfStatus column as words */
  pfStatus: string[];
}

/** Columns the report needs beyond the per-line / per-bus / per-generator ones. */
const SCALAR_COLUMNS = ['episode', 'S(t)_step', 'S(t+1)_step', 'R(t+1)', 'lossKw', 'unservedKw', 'switchOps', 'valid', 'terminated', 'truncated', 'pfStatus'];

/** The columns of the full schema that the report reads, for this network. */
export function requiredColumns(net: Network): string[] {
  const mts = mtsOf(net);
  return [
    ...SCALAR_COLUMNS,
    ...REWARD_TERMS.map((t) => `R_${t}`),
    ...net.lines.flatMap((l) => [`S(t)_open_L${l.id}`, `S(t)_faulted_L${l.id}`, `S(t+1)_open_L${l.id}`, `S(t+1)_faulted_L${l.id}`, `A(t)_open_L${l.id}`]),
    ...net.buses.flatMap((b) => [`S(t+1)_vPu_B${b.id}`, `A(t)_pickup_B${b.id}`]),
    ...net.generators.map((g) => `S(t+1)_genPKw_G${g.id}`),
    ...mts.flatMap((g) => [`A(t)_pMtKw_G${g.id}`, `A(t)_qMtKvar_G${g.id}`, `A(t)_gridForming_G${g.id}`]),
  ];
}

/**
 * Read a chain file. Errors (InputError, naming the file and row or column): not found, not a
 * chain of the full schema (a case33py chain has no reward terms: replay it with --schema full),
 * a column of this network missing, a row of the wrong width, a cell that is not a number, no rows.
 */
export function readChainTable(file: string, net: Network): ChainTable {
  const text = readBytes(file).toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1].replace(/\r$/, '') === '') lines.pop();
  if (lines.length === 0) throw new InputError('EMPTY', 'expected a chain CSV with a header row, found an empty file', { file });
  const columns = lines[0].replace(/\r$/, '').split(',');
  const index = new Map<string, number>();
  columns.forEach((c, i) => index.set(c, i));
  if (index.has('current_time') && !index.has('S(t)_step')) {
    throw new InputError('SCHEMA', 'expected a chain of the full schema, found the case33py layout (no reward terms, losses or voltages): ' +
      'replay it with `powerflow replay --schema full`', { file, row: 1 });
  }
  if (!index.has('S(t)_step')) {
    throw new InputError('SCHEMA', 'expected a chain CSV of the full schema (a header with S(t)_step), found another header', { file, row: 1 });
  }
  for (const c of requiredColumns(net)) {
    if (!index.has(c)) {
      throw new InputError('MISSING_COLUMN', `expected column "${c}" of the full schema for this case (a chain of another feeder? give its --data)`,
        { file, row: 1, column: c });
    }
  }
  const width = columns.length;
  const rows = lines.length - 1;
  if (rows === 0) throw new InputError('EMPTY', 'expected at least one transition row, found only the header', { file, row: 1 });
  const values = new Float64Array(rows * width);
  const pfStatus: string[] = new Array(rows);
  const statusCol = index.get('pfStatus')!;
  for (let r = 0; r < rows; r++) {
    const line = lines[r + 1].replace(/\r$/, '');
    const cells = line.split(',');
    if (cells.length !== width) throw new InputError('COLUMN_COUNT', `expected ${width} cells as in the header, found ${cells.length}`, { file, row: r + 2 });
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const s = cells[c];
      if (c === statusCol) { pfStatus[r] = s; values[base + c] = NaN; continue; }
      if (s === '') { values[base + c] = NaN; continue; }
      const v = Number(s);
      if (Number.isNaN(v) && s !== 'NaN') {
        throw new InputError('NOT_NUMBER', `expected a number, found "${s.length > 20 ? s.slice(0, 20) + '...' : s}"`,
          { file, row: r + 2, column: columns[c] });
      }
      values[base + c] = v;
    }
  }
  return { file, rows, columns, index, values, pfStatus };
}

/** Accessor of one column: (row) -> value. */
export function column(t: ChainTable, name: string): (row: number) => number {
  const c = t.index.get(name);
  if (c === undefined) throw new Error(`no column ${name}`);
  const w = t.columns.length;
  return (r) => t.values[r * w + c];
}
