/**
 * A small typed linear model (columns with bounds, cost and type; sparse rows with bounds) and
 * its CPLEX-LP text. The formulation builds one of these; the HiGHS adapter loads it as arrays;
 * the .lp file written beside each step is the contract another MILP solver can read.
 *
 * The LP text keeps to the strict subset that HiGHS, GLPK (glpsol --lp) and CBC all read:
 * `- 0.4 x` rather than `+ -0.4 x`, every row one-sided (a ranged row is written as two rows),
 * integer columns in `General` with explicit bounds, the objective constant as a column fixed
 * to 1, and names made of letters, digits and `_` that never start with `e` or a digit.
 */

export type ColType = 'continuous' | 'integer';

export class LinearModel {
  readonly colName: string[] = [];
  readonly colLower: number[] = [];
  readonly colUpper: number[] = [];
  readonly colCost: number[] = [];
  readonly colInt: boolean[] = [];
  readonly rowName: string[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  /** CSR: row r is rowIdx/rowVal[rowStart[r] .. rowStart[r+1]) */
  readonly rowStart: number[] = [0];
  readonly rowIdx: number[] = [];
  readonly rowVal: number[] = [];
  objOffset = 0;
  private names = new Set<string>();

  get numCols(): number { return this.colName.length; }
  get numRows(): number { return this.rowName.length; }

  addCol(name: string, lower: number, upper: number, cost = 0, type: ColType = 'continuous'): number {
    checkName(name);
    if (this.names.has(name)) throw new Error(`duplicate column name ${name}`);
    this.names.add(name);
    this.colName.push(name);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.colCost.push(cost);
    this.colInt.push(type === 'integer');
    return this.colName.length - 1;
  }

  addBinary(name: string, cost = 0): number {
    return this.addCol(name, 0, 1, cost, 'integer');
  }

  /** Add lower <= sum val*x[idx] <= upper. Duplicate indices are merged. Returns the row index. */
  addRow(name: string, idx: number[], val: number[], lower: number, upper: number): number {
    checkName(name);
    if (this.names.has(name)) throw new Error(`duplicate row name ${name}`);
    this.names.add(name);
    const merged = new Map<number, number>();
    for (let k = 0; k < idx.length; k++) merged.set(idx[k], (merged.get(idx[k]) ?? 0) + val[k]);
    // explicit zeros are kept (a per-step coefficient may be 0 now and not later); the LP text skips them
    for (const [j, v] of merged) {
      if (!(j >= 0 && j < this.numCols)) throw new Error(`row ${name}: column ${j} out of range`);
      this.rowIdx.push(j);
      this.rowVal.push(v);
    }
    this.rowStart.push(this.rowIdx.length);
    this.rowName.push(name);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowName.length - 1;
  }

  /** Delete rows (ascending indices); returns old -> new row index (-1 = deleted). */
  deleteRows(rows: number[]): Int32Array {
    const del = new Uint8Array(this.numRows);
    for (const r of rows) del[r] = 1;
    const map = new Int32Array(this.numRows).fill(-1);
    const name: string[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    const start: number[] = [0];
    const idx: number[] = [];
    const val: number[] = [];
    for (let r = 0; r < this.numRows; r++) {
      if (del[r]) { this.names.delete(this.rowName[r]); continue; }
      map[r] = name.length;
      name.push(this.rowName[r]);
      lo.push(this.rowLower[r]);
      hi.push(this.rowUpper[r]);
      for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) { idx.push(this.rowIdx[k]); val.push(this.rowVal[k]); }
      start.push(idx.length);
    }
    const put = <T>(a: T[], b: T[]): void => { a.length = 0; for (const x of b) a.push(x); };
    put(this.rowName, name); put(this.rowLower, lo); put(this.rowUpper, hi);
    put(this.rowStart, start); put(this.rowIdx, idx); put(this.rowVal, val);
    return map;
  }

  /** Row activity at a point. */
  rowActivity(r: number, x: ArrayLike<number>): number {
    let s = 0;
    for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) s += this.rowVal[k] * x[this.rowIdx[k]];
    return s;
  }

  /** Value of the objective at a point (the offset included). */
  objectiveAt(x: ArrayLike<number>): number {
    let s = this.objOffset;
    for (let j = 0; j < this.numCols; j++) s += this.colCost[j] * x[j];
    return s;
  }

  get integerCount(): number {
    let n = 0;
    for (const b of this.colInt) if (b) n++;
    return n;
  }

  /** CPLEX-LP text of the model. */
  toLpText(comment: string[] = []): string {
    const out: string[] = [];
    for (const c of comment) out.push(`\\ ${c.replace(/[\r\n]+/g, ' ')}`);
    out.push('Minimize');
    const objTerms: [number, string][] = [];
    for (let j = 0; j < this.numCols; j++) if (this.colCost[j] !== 0) objTerms.push([this.colCost[j], this.colName[j]]);
    const constName = 'obj_constant';
    const useConst = this.objOffset !== 0 || objTerms.length === 0;
    if (useConst) objTerms.push([this.objOffset, constName]);
    out.push(...wrapTerms(' obj:', objTerms));
    out.push('Subject To');
    for (let r = 0; r < this.numRows; r++) {
      const terms: [number, string][] = [];
      for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) if (this.rowVal[k] !== 0) terms.push([this.rowVal[k], this.colName[this.rowIdx[k]]]);
      if (terms.length === 0) continue; // an empty row constrains nothing (bounds permitting)
      const lo = this.rowLower[r];
      const hi = this.rowUpper[r];
      const name = this.rowName[r];
      if (lo === hi) {
        out.push(...wrapTerms(` ${name}:`, terms, `= ${num(lo)}`));
      } else {
        const both = lo > -Infinity && hi < Infinity;
        if (lo > -Infinity) out.push(...wrapTerms(` ${name}${both ? '_lo' : ''}:`, terms, `>= ${num(lo)}`));
        if (hi < Infinity) out.push(...wrapTerms(` ${name}${both ? '_hi' : ''}:`, terms, `<= ${num(hi)}`));
      }
    }
    out.push('Bounds');
    for (let j = 0; j < this.numCols; j++) {
      const lo = this.colLower[j];
      const hi = this.colUpper[j];
      const n = this.colName[j];
      if (lo === hi) out.push(` ${n} = ${num(lo)}`);
      else if (lo === -Infinity && hi === Infinity) out.push(` ${n} free`);
      else if (lo === -Infinity) out.push(` -inf <= ${n} <= ${num(hi)}`);
      else if (hi === Infinity) { if (lo !== 0) out.push(` ${n} >= ${num(lo)}`); }
      else out.push(` ${num(lo)} <= ${n} <= ${num(hi)}`);
    }
    if (useConst) out.push(` ${constName} = 1`);
    const ints = this.colName.filter((_, j) => this.colInt[j]);
    if (ints.length) {
      out.push('General');
      for (let k = 0; k < ints.length; k += 8) out.push(' ' + ints.slice(k, k + 8).join(' '));
    }
    out.push('End', '');
    return out.join('\n');
  }
}

const NAME_RE = /^[A-Za-df-z_][A-Za-z0-9_]*$/;

function checkName(name: string): void {
  if (!NAME_RE.test(name) || name.length > 255) throw new Error(`invalid LP name "${name}"`);
}

/** Shortest round-trip decimal; never "-0". */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`non-finite coefficient ${v}`);
  if (Object.is(v, -0) || v === 0) return '0';
  return String(v);
}

function wrapTerms(head: string, terms: [number, string][], tail = ''): string[] {
  const lines: string[] = [];
  let cur = head;
  terms.forEach(([v, n], k) => {
    const sign = v < 0 ? '-' : '+';
    const a = Math.abs(v);
    const t = `${k === 0 && sign === '+' ? '' : sign + ' '}${a === 1 ? '' : num(a) + ' '}${n}`;
    if (cur.length + t.length + 1 > 200) {
      lines.push(cur);
      cur = '   ';
    }
    cur += ' ' + t;
  });
  if (tail) cur += ' ' + tail;
  lines.push(cur);
  return lines;
}
