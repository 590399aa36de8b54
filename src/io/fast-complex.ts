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
export function scanComplexTable(bytes: Uint8Array, width: number): ComplexTable | null {
  const n = bytes.length;
  // padded copy: reads one past the end stay in bounds (an out-of-bounds typed-array read is slow)
  const buf = new Uint8Array(n + 8);
  buf.set(bytes);
  buf[n] = 10;
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // UTF-8 BOM
  let cap = Math.max(16, Math.ceil(n / (width * 8 + 1)));
  let re = new Float64Array(cap * width);
  let im = new Float64Array(cap * width);
  let rows = 0;
  let allIntegersFirstRow = true;
  const num = new Float64Array(2); // [value, 1 when an integer]

  while (i < n) {
    // skip blank lines
    let c = buf[i];
    if (c === 10 || c === 13) { i++; continue; }
    if (rows === cap) {
      cap *= 2;
      const r2 = new Float64Array(cap * width); r2.set(re); re = r2;
      const i2 = new Float64Array(cap * width); i2.set(im); im = i2;
    }
    const base = rows * width;
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
        re[base + col] = 0;
        im[base + col] = b;
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
      re[base + col] = a;
      im[base + col] = b;
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
  return { rows, width, re: re.subarray(0, rows * width), im: im.subarray(0, rows * width) };
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
    out[0] = Number(Buffer.from(buf.buffer, buf.byteOffset + start, p - start).toString('latin1'));
    return p;
  }
  const v = frac === 0 ? mant : mant / POW10[frac];
  out[0] = neg ? -v : v;
  return p;
}
