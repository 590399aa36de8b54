import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanComplexTable, scanFlagTable } from './fast-complex';
import { parseCsv } from './csv';
import { tryParseComplex } from '../grid/complex-text';
import { InputError } from './errors';
import { DATA_24H, DATA_33 } from '../testing/helpers';
import { Rng } from '../util/rng';

/** The general path: CSV split, then one complex parse per cell; null when any cell is bad. */
function slowPath(text: string, width: number): { re: number[]; im: number[] } | null {
  let t;
  try {
    t = parseCsv(text, 'x.csv', false);
  } catch (e) {
    if (e instanceof InputError) return null;
    throw e;
  }
  const re: number[] = [];
  const im: number[] = [];
  for (const row of t.rows) {
    if (row.length !== width) return null;
    for (const cell of row) {
      const v = tryParseComplex(cell);
      if (!v) return null;
      re.push(v.re);
      im.push(v.im);
    }
  }
  return { re, im };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

test('fast scan equals the general parser bit for bit on the bundled series', () => {
  for (const file of [path.join(DATA_33, 'load.csv'), path.join(DATA_33, 'wt.csv'), path.join(DATA_24H, 'load.csv')]) {
    const bytes = fs.readFileSync(file);
    const fast = scanComplexTable(bytes, 33);
    assert.ok(fast, file);
    const slow = slowPath(bytes.toString('utf8'), 33)!;
    assert.ok(sameBits(fast.re, slow.re) && sameBits(fast.im, slow.im), file);
  }
});

function randomNumber(rng: Rng): string {
  const k = rng.int(6);
  const digits = (n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');
  if (k === 0) return digits(1 + rng.int(4));
  if (k === 1) return `${digits(1 + rng.int(4))}.${digits(1 + rng.int(16))}`;
  if (k === 2) return `.${digits(1 + rng.int(5))}`;
  if (k === 3) return `${digits(1 + rng.int(3))}.${digits(rng.int(4))}e${rng.int(2) ? '-' : '+'}${rng.int(30)}`;
  if (k === 4) return `${digits(17 + rng.int(5))}.${digits(3)}`; // too many digits for the exact fast path
  return `${digits(2)}.${digits(23 + rng.int(3))}`;
}

function randomCell(rng: Rng): string {
  const sign = (): string => (rng.int(3) === 0 ? '-' : rng.int(2) ? '+' : '');
  const re = sign().replace('+', '') + randomNumber(rng);
  const form = rng.int(6);
  const unit = ['j', 'im', 'i'][rng.int(3)];
  const sp = rng.int(4) === 0 ? ' ' : '';
  if (form === 0) return re;
  if (form === 1) return `${unit === 'j' ? '' : ''}${randomNumber(rng)}${unit}`;
  const cell = `${re}${sp}${rng.int(2) ? '+' : '-'}${sp}${randomNumber(rng)}${unit}`;
  return form === 5 ? `(${cell})` : cell;
}

function randomTable(rng: Rng, width: number): string {
  const rows = 1 + rng.int(6);
  const eol = rng.int(2) ? '\r\n' : '\n';
  let text = rng.int(4) === 0 ? '\uFEFF' : '';
  for (let r = 0; r < rows; r++) {
    text += Array.from({ length: width }, () => randomCell(rng)).join(',') + eol;
    if (rng.int(8) === 0) text += eol;
  }
  return rng.int(3) === 0 ? text.trimEnd() : text;
}

function mutate(rng: Rng, text: string): string {
  const alphabet = '0123456789+-.,eEjim() \t\r\n"x\u0000é';
  let s = text;
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const p = rng.int(s.length + 1);
    const op = rng.int(3);
    const ch = alphabet[rng.int(alphabet.length)];
    if (op === 0) s = s.slice(0, p) + ch + s.slice(p);
    else if (op === 1) s = s.slice(0, p) + s.slice(p + 1);
    else s = s.slice(0, p) + ch + s.slice(p + 1);
  }
  return s;
}

test('fuzz: on random and mutated tables the fast scan is null or equal to the general parser', () => {
  const rng = new Rng(20261125);
  let agreed = 0;
  let fallbacks = 0;
  const N = 4000;
  for (let i = 0; i < N; i++) {
    const width = 1 + rng.int(4);
    const valid = randomTable(rng, width);
    const text = i % 2 === 0 ? valid : mutate(rng, valid);
    const fast = scanComplexTable(Buffer.from(text, 'utf8'), width);
    const slow = slowPath(text, width);
    if (fast === null) {
      fallbacks++;
      continue;
    }
    assert.ok(slow, `fast path accepted what the general parser rejects: ${JSON.stringify(text)}`);
    assert.ok(sameBits(fast.re, slow.re) && sameBits(fast.im, slow.im), `different values for ${JSON.stringify(text)}`);
    agreed++;
  }
  // the valid half must mostly take the fast path (an all-integer first row is left to the general parser)
  assert.ok(agreed > N * 0.4, `only ${agreed} of ${N} took the fast path (${fallbacks} fell back)`);
});

test('fuzz: the 0/1 flag scanner is null or equal to splitting the text', () => {
  const rng = new Rng(99);
  let fast = 0;
  for (let i = 0; i < 3000; i++) {
    const width = 1 + rng.int(5);
    const rows = 1 + rng.int(5);
    let text = '';
    for (let r = 0; r < rows; r++) text += Array.from({ length: width }, () => String(rng.int(2))).join(',') + (rng.int(2) ? '\r\n' : '\n');
    if (i % 2) text = mutate(rng, text);
    const got = scanFlagTable(Buffer.from(text, 'utf8'), width);
    const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
    const ok = lines.length > 0 && lines.every((l) => /^[01](,[01])*$/.test(l) && l.split(',').length === width);
    if (!got) continue;
    assert.ok(ok, `accepted ${JSON.stringify(text)}`);
    assert.deepEqual([...got.flags], lines.flatMap((l) => l.split(',').map(Number)), JSON.stringify(text));
    fast++;
  }
  assert.ok(fast > 1400, `${fast}`);
});
