/**
 * Complex power as text, as the original projects wrote it:
 * Python "P+Qj" (also "(P+Qj)"), Julia "P+Qim" (also "P + Qim"), or a plain real number (Q = 0).
 */
import { InputError } from '../io/errors';
import { clip } from '../io/csv';

const NUM = '(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?';
const FULL = new RegExp(`^([+-]?${NUM})([+-]${NUM})(?:j|im|i)$`);
const IMAG = new RegExp(`^([+-]?${NUM})(?:j|im|i)$`);
const REAL = new RegExp(`^[+-]?${NUM}$`);

export interface ComplexValue {
  re: number;
  im: number;
}

/** Parse one cell; returns null when the text is not a complex number. Never throws. */
export function tryParseComplex(text: string): ComplexValue | null {
  if (text.length > 96) return null;
  // Julia's string() writes "1.0 + 2.0im": spaces inside the number are allowed
  let s = text.indexOf(' ') >= 0 ? text.replace(/\s+/g, '') : text.trim();
  if (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1);
  let v: ComplexValue | null = null;
  let m = FULL.exec(s);
  if (m) v = { re: Number(m[1]), im: Number(m[2]) };
  else if ((m = IMAG.exec(s))) v = { re: 0, im: Number(m[1]) };
  else if (REAL.test(s)) v = { re: Number(s), im: 0 };
  // "1e999" matches the pattern but is not a power
  return v && Number.isFinite(v.re) && Number.isFinite(v.im) ? v : null;
}

export function parseComplex(text: string, file: string, row: number, column: number): ComplexValue {
  const v = tryParseComplex(text);
  if (v === null) {
    throw new InputError('NOT_COMPLEX', `expected a complex power like 12.5+3.1j or 12.5+3.1im, found "${clip(text)}"`, { file, row, column });
  }
  return v;
}

/** Python-style text with a fixed number of decimals, e.g. "32.23+18.42j". */
export function formatComplex(re: number, im: number, decimals = 3): string {
  const r = re.toFixed(decimals);
  const i = im.toFixed(decimals);
  return `${r}${i.startsWith('-') ? '' : '+'}${i}j`;
}
