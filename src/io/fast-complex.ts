/**
 * Fast path for the long series: scan a headerless table of complex cells ("P+Qj", "P+Qim",
 * "(P+Qj)", plain reals) straight from the file's bytes, without a string per cell. It returns null as
 * soon as anything is unusual (a header, quotes, a bad cell, a wrong row width): the caller then
 * takes the general parser, which finds and names the problem. On valid input both paths give
 * the same numbers bit for bit: a decimal whose digits fit in 2^53 and whose power of ten is at
 * most 22 is converted by one correctly rounded division (the classic exact fast path); anything
 * else goes through Number() on the cell's text.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

export interface ComplexTable {
  rows: number;
  width: number;
  re: Float64Array;
  im: Float64Array;
}

/** Scan the bytes of a file as rows of exactly `width` complex cells. */
export function scanComplexTable(bytes: Uint8Array, width: number, keep?: Uint8Array): ComplexTable | null {
  const n = bytes.length;
  const buf = padded(bytes);
  // kept columns are stored; the others must be zero (else null: the general path explains why)
  const out = new Int32Array(width);
  let kept = 0;
  for (let c = 0; c < width; c++) out[c] = !keep || keep[c] ? kept++ : -1;
  let i = bomLength(buf);
  let cap = rowCapacity(bytes);
  let re = new Float64Array(cap * kept);
  let im = new Float64Array(cap * kept);
  let rows = 0;
  let allIntegersFirstRow = true;
  const num = new Float64Array(2); // [value, 1 when an integer]

  while (i < n) {
    // skip blank lines
    let c = buf[i];
    if (c === 10) { i++; continue; }
    if (c === 13 && buf[i + 1] === 10) { i += 2; continue; }
    if (rows === cap) {
      cap *= 2;
      const r2 = new Float64Array(cap * kept); r2.set(re); re = r2;
      const i2 = new Float64Array(cap * kept); i2.set(im); im = i2;
    }
    const base = rows * kept;
    for (let col = 0; col < width; col++) {
      while (c === 32 || c === 9) { i++; c = buf[i]; }
      let paren = false;
      if (c === 40) { paren = true; i++; }
      i = parseNum(buf, i, num);
      if (i < 0) return null;
      const a = num[0];
      let rowInt = num[1] === 1;
      c = buf[i];
      while (c === 32) { i++; c = buf[i]; }
      let b = 0;
      if (c === 43 || c === 45) {
        // imaginary part: sign, number, j | im | i
        const neg = c === 45;
        i++;
        while (buf[i] === 32) i++;
        if (buf[i] === 43 || buf[i] === 45) return null;
        i = parseNum(buf, i, num);
        if (i < 0) return null;
        const v = num[0];
        c = buf[i];
        if (c === 106) i++;
        else if (c === 105) { i++; if (buf[i] === 109) i++; }
        else return null;
        b = neg ? -v : v;
        rowInt = false;
      } else if (c === 106 || c === 105) {
        // pure imaginary "5j"
        i++;
        if (c === 105 && buf[i] === 109) i++;
        b = a;
        if (out[col] >= 0) { re[base + out[col]] = 0; im[base + out[col]] = b; } else if (b !== 0) return null;
        rowInt = false;
        c = buf[i];
        if (paren) { if (c !== 41) return null; i++; }
        c = buf[i];
        while (c === 32 || c === 9) { i++; c = buf[i]; }
        if (col < width - 1) { if (c !== 44) return null; i++; c = buf[i]; }
        if (rows === 0 && !rowInt) allIntegersFirstRow = false;
        continue;
      }
      if (paren) { if (buf[i] !== 41) return null; i++; }
      if (out[col] >= 0) { re[base + out[col]] = a; im[base + out[col]] = b; } else if (a !== 0 || b !== 0) return null;
      if (rows === 0 && !rowInt) allIntegersFirstRow = false;
      c = buf[i];
      while (c === 32 || c === 9) { i++; c = buf[i]; }
      if (col < width - 1) { if (c !== 44) return null; i++; c = buf[i]; }
    }
    // end of row
    if (c === 13) { i++; c = buf[i]; }
    if (i < n && c !== 10) return null;
    i++;
    // a first row of integers may be a header of bus ids: leave that decision to the general parser
    if (rows === 0 && allIntegersFirstRow) return null;
    rows++;
  }
  if (rows === 0) return null;
  // shrink to fit: a view would keep the whole over-allocated buffer alive
  const fit = (a: Float64Array): Float64Array => (a.length === rows * kept ? a : a.slice(0, rows * kept));
  return { rows, width: kept, re: fit(re), im: fit(im) };
}

/**
 * A view of the bytes with at least 8 readable bytes after the end, the first a newline (files
 * read by io/csv readBytes already have them: no copy), else a padded copy. Scanners may then
 * read one past the end without leaving the typed array (an out-of-bounds read is slow in V8).
 */
function padded(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (bytes.byteOffset + n + 8 <= bytes.buffer.byteLength) {
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, n + 8);
    if (view[n] === 10) return view;
  }
  const buf = new Uint8Array(n + 8);
  buf.set(bytes);
  buf.fill(10, n);
  return buf;
}

/** 3 when the bytes start with a UTF-8 byte-order mark, else 0 */
function bomLength(buf: Uint8Array): number {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** rows to allocate for: the lines of the file (a last line without a newline counts), at least 1 */
function rowCapacity(bytes: Uint8Array): number {
  return Math.max(1, countNewlines(bytes) + (bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? 1 : 0));
}

/**
 * Fast path for a headerless table of 0/1 flags (event tables), `width` cells per row.
 * Returns rows x width flags, or null when anything is unusual (the general path explains it).
 */
export function scanFlagTable(bytes: Uint8Array, width: number): { rows: number; flags: Uint8Array } | null {
  const n = bytes.length;
  const buf = padded(bytes);
  let i = bomLength(buf);
  let cap = rowCapacity(bytes);
  let flags = new Uint8Array(cap * width);
  let rows = 0;
  while (i < n) {
    let c = buf[i];
    if (c === 10) { i++; continue; }
    if (c === 13 && buf[i + 1] === 10) { i += 2; continue; }
    if (rows === cap) {
      cap *= 2;
      const f2 = new Uint8Array(cap * width); f2.set(flags); flags = f2;
    }
    const base = rows * width;
    for (let col = 0; col < width; col++) {
      c = buf[i];
      if (c === 49) flags[base + col] = 1;
      else if (c !== 48) return null;
      i++;
      c = buf[i];
      if (col < width - 1) { if (c !== 44) return null; i++; }
    }
    if (buf[i] === 13) i++;
    if (i < n && buf[i] !== 10) return null;
    i++;
    rows++;
  }
  if (rows === 0) return null;
  return { rows, flags: flags.length === rows * width ? flags : flags.slice(0, rows * width) };
}

/**
 * Parse a signed decimal at position p of buf into out[0] (out[1] = 1 when it is an integer).
 * Returns the position after it, or -1 when there is no number there.
 */
function parseNum(buf: Uint8Array, p: number, out: Float64Array): number {
  const start = p;
  let neg = false;
  let c = buf[p];
  if (c === 43 || c === 45) { neg = c === 45; p++; c = buf[p]; }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let integer = 1;
  while (c >= 48 && c <= 57) { mant = mant * 10 + (c - 48); digits++; p++; c = buf[p]; }
  if (c === 46) {
    integer = 0;
    p++; c = buf[p];
    while (c >= 48 && c <= 57) { mant = mant * 10 + (c - 48); digits++; frac++; p++; c = buf[p]; }
  }
  if (digits === 0) return -1;
  let slow = digits > 15 || frac > 22;
  if (c === 101 || c === 69) {
    integer = 0;
    slow = true;
    p++; c = buf[p];
    if (c === 43 || c === 45) { p++; c = buf[p]; }
    let ed = 0;
    while (c >= 48 && c <= 57) { ed++; p++; c = buf[p]; }
    if (ed === 0) return -1;
  }
  out[1] = integer;
  if (slow) {
    const v = Number(Buffer.from(buf.buffer, buf.byteOffset + start, p - start).toString('latin1'));
    if (!Number.isFinite(v)) return -1; // "1e999": not a power
    out[0] = v;
    return p;
  }
  const v = frac === 0 ? mant : mant / POW10[frac];
  out[0] = neg ? -v : v;
  return p;
}

/** Number of newline bytes (memchr-speed through Buffer.indexOf): an upper bound on the rows. */
export function countNewlines(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let k = 0;
  for (let p = b.indexOf(10); p >= 0; p = b.indexOf(10, p + 1)) k++;
  return k;
}
