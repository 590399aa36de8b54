/**
 * Action files (one action per row, header required), as `powerflow replay` and other tools read
 * them. The layout is recognised from the header; the `A(t)_` prefix is optional, so an MDP chain
 * itself is an action file (only its A(t) columns are read):
 *  - case33py: Pmt_1..M, Qmt_1..M, open_line_1..K with 0-based line indices, -99 = empty slot
 *    (the original's conventions);
 *  - full: open_L<id> (0/1 per line), pMtKw_G<id>, qMtKvar_G<id> (1-based ids); with every
 *    open_L column present a config column is ignored (a full chain's A(t)_config is 1-based and
 *    derived from the open_L columns);
 *  - config: an index into the table of radial configurations (`powerflow actions`), optionally
 *    with MT columns of either layout;
 *  - open: line ids (1-based) separated by spaces or semicolons, optionally with MT columns.
 * MT columns are optional (absent = keep the set-points in force), and so are, in every layout,
 * pickup_B<id> (per bus, the fraction of its load served) and gridForming_G<id> (per MT, 0/1): all
 * of a kind or none (absent = keep what is in force).
 */
import { Network } from '../grid/network';
import { readCsv, parseNumber } from '../io/csv';
import { InputError } from '../io/errors';
import { PAD, mtsOf } from './schema';

/** A parsed action: plain data, accepted as is by RestorationEnv.step. */
export interface FileAction {
  open?: number[];
  config?: number;
  mtPKw?: number[];
  mtQKvar?: number[];
  pickup?: number[];
  gridForming?: number[];
}

export type ActionFileLayout = 'case33py' | 'full' | 'config' | 'open';

export interface ActionFile {
  layout: ActionFileLayout;
  actions: FileAction[];
}

function strip(h: string): string {
  return h.replace(/^A\(t\)_/, '');
}

export function readActionFile(file: string, net: Network): ActionFile {
  const t = readCsv(file, true);
  const header = t.header!.map(strip);
  const col = (name: string): number => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const mts = mtsOf(net);
  const nl = net.lines.length;
  if (t.rows.length === 0) throw new InputError('EMPTY', 'expected at least one action row below the header', { file });
  for (let i = 0; i < t.rows.length; i++) {
    if (t.rows[i].length !== header.length) throw new InputError('COLUMN_COUNT', `expected ${header.length} columns as in the header, found ` +
      `${t.rows[i].length}`, { file, row: t.lines[i] });
  }

  // MT columns: case33py names or full names, all or none
  const mtCols = (p: string, q: string): { p: number[]; q: number[] } | null => {
    const pc = mts.map((g, k) => col(p.replace('#', String(k + 1)).replace('@', String(g.id))));
    const qc = mts.map((g, k) => col(q.replace('#', String(k + 1)).replace('@', String(g.id))));
    if (pc.every((c) => c < 0) && qc.every((c) => c < 0)) return null;
    const missing = [...pc, ...qc].findIndex((c) => c < 0);
    if (missing >= 0) throw new InputError('MISSING_COLUMN', `expected P and Q columns for all ${mts.length} MTs ` +
      `(${p.replace('#', '1').replace('@', String(mts[0]?.id))}, ...)`, { file, row: t.headerLine });
    return { p: pc, q: qc };
  };
  const mt = mtCols('Pmt_#', 'Qmt_#') ?? mtCols('pMtKw_G@', 'qMtKvar_G@');
  /** optional columns of a kind, one per element: all or none */
  const allOrNone = (names: string[], what: string): number[] | null => {
    const cols = names.map(col);
    if (cols.every((c) => c < 0)) return null;
    const miss = cols.findIndex((c) => c < 0);
    if (miss >= 0) throw new InputError('MISSING_COLUMN', `expected a column ${names[miss]} (${what}: all or none)`, { file, row: t.headerLine });
    return cols;
  };
  const pickupCols = allOrNone(net.buses.map((b) => `pickup_B${b.id}`), 'pick-up per bus');
  const gfCols = allOrNone(mts.map((g) => `gridForming_G${g.id}`), 'grid-forming flag per MT');

  let layout: ActionFileLayout;
  const openLineCols: number[] = [];
  for (let k = 1; col(`open_line_${k}`) >= 0; k++) openLineCols.push(col(`open_line_${k}`));
  const fullCols = net.lines.map((l) => col(`open_L${l.id}`));
  // a full chain is read by its open_L columns: its A(t)_config column (1-based, -1 when not in
  // the table) is derived from them and is not the environment's 0-based config action
  if (col('config') >= 0 && !fullCols.every((c) => c >= 0)) layout = 'config';
  else if (openLineCols.length > 0) layout = 'case33py';
  else if (fullCols.some((c) => c >= 0)) {
    const miss = fullCols.findIndex((c) => c < 0);
    if (miss >= 0) throw new InputError('MISSING_COLUMN', `expected a column open_L<id> for every line, missing open_L${net.lines[miss].id}`,
      { file, row: t.headerLine });
    layout = 'full';
  } else if (col('open') >= 0) layout = 'open';
  else {
    throw new InputError('MISSING_COLUMN', 'expected action columns: config, open, open_line_1.. (case33py) or open_L<id> (full), with optional MT columns',
      { file, row: t.headerLine });
  }

  const actions: FileAction[] = t.rows.map((row, i) => {
    const line = t.lines[i];
    const a: FileAction = {};
    const num = (c: number, what: string): number => parseNumber(row[c], file, line, c + 1, what);
    if (layout === 'config') {
      const c = col('config');
      const v = num(c, 'a configuration index');
      if (!Number.isInteger(v) || v < 0) throw new InputError('BAD_VALUE', `expected a configuration index (integer >= 0), found "${row[c]}"`,
        { file, row: line, column: c + 1 });
      a.config = v;
    } else if (layout === 'case33py') {
      a.open = [];
      for (const c of openLineCols) {
        const v = num(c, `a 0-based line index 0..${nl - 1} or ${PAD}`);
        if (v === PAD) continue;
        if (!Number.isInteger(v) || v < 0 || v >= nl) throw new InputError('BAD_LINE', `expected a 0-based line index 0..${nl - 1} or ${PAD} (case33py ` +
          `layout), found "${row[c]}"`, { file, row: line, column: c + 1 });
        a.open.push(net.lines[v].id);
      }
    } else if (layout === 'full') {
      a.open = [];
      fullCols.forEach((c, l) => {
        const v = row[c];
        if (v === '1') a.open!.push(net.lines[l].id);
        else if (v !== '0') throw new InputError('BAD_FLAG', `expected 0 or 1, found "${v}"`, { file, row: line, column: c + 1 });
      });
    } else {
      const c = col('open');
      const cell = row[c].trim();
      a.open = cell === '' ? [] : cell.split(/[\s;]+/).map((s) => {
        if (!/^\d+$/.test(s)) throw new InputError('BAD_LINE', `expected line ids separated by spaces or semicolons, found "${s}"`,
          { file, row: line, column: c + 1 });
        return Number(s);
      });
    }
    if (mt) {
      a.mtPKw = mt.p.map((c) => num(c, 'an MT active power in kW'));
      a.mtQKvar = mt.q.map((c) => num(c, 'an MT reactive power in kvar'));
    }
    if (pickupCols) {
      a.pickup = pickupCols.map((c) => {
        const v = num(c, 'a pick-up fraction in [0, 1]');
        if (v < 0 || v > 1) throw new InputError('BAD_VALUE', `expected a pick-up fraction in [0, 1], found "${row[c]}"`, { file, row: line, column: c + 1 });
        return v;
      });
    }
    if (gfCols) {
      a.gridForming = gfCols.map((c) => {
        if (row[c] !== '0' && row[c] !== '1') throw new InputError('BAD_FLAG', `expected 0 or 1, found "${row[c]}"`, { file, row: line, column: c + 1 });
        return Number(row[c]);
      });
    }
    return a;
  });
  return { layout, actions };
}

