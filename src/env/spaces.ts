/**
 * Spaces described as data, like Gymnasium's: Box, MultiBinary, Discrete, Dict.
 * `contains` checks a value; `spaceToJSON` writes infinite bounds as the strings "inf" / "-inf"
 * (JSON has no infinity) so any language can read them.
 */
import { Rng } from '../util/rng';

export interface BoxSpace {
  kind: 'Box';
  shape: number[];
  /** a scalar for every element, or one bound per element */
  low: number | number[];
  high: number | number[];
  dtype: 'float64' | 'int64';
}

export interface MultiBinarySpace {
  kind: 'MultiBinary';
  shape: number[];
  dtype: 'int8';
}

export interface DiscreteSpace {
  kind: 'Discrete';
  n: number;
  start: number;
  dtype: 'int64';
}

export interface DictSpace {
  kind: 'Dict';
  spaces: Record<string, Space>;
}

export type Space = BoxSpace | MultiBinarySpace | DiscreteSpace | DictSpace;

export function box(size: number, low: number | number[], high: number | number[], dtype: 'float64' | 'int64' = 'float64'): BoxSpace {
  return { kind: 'Box', shape: [size], low, high, dtype };
}

export function multiBinary(size: number): MultiBinarySpace {
  return { kind: 'MultiBinary', shape: [size], dtype: 'int8' };
}

export function discrete(n: number, start = 0): DiscreteSpace {
  return { kind: 'Discrete', n, start, dtype: 'int64' };
}

export function dict(spaces: Record<string, Space>): DictSpace {
  return { kind: 'Dict', spaces };
}

type Value = number | ArrayLike<number> | { [k: string]: Value };

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

/** Why `value` is not in `space`, or null when it is. */
export function whyNotContained(space: Space, value: unknown, where = 'value'): string | null {
  switch (space.kind) {
    case 'Box': {
      if (!isArrayLike(value)) return `${where}: expected an array of ${space.shape[0]} numbers`;
      if (value.length !== space.shape[0]) return `${where}: expected length ${space.shape[0]}, found ${value.length}`;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const lo = typeof space.low === 'number' ? space.low : space.low[i];
        const hi = typeof space.high === 'number' ? space.high : space.high[i];
        if (typeof v !== 'number' || Number.isNaN(v)) return `${where}[${i}]: expected a number`;
        if (space.dtype === 'int64' && !Number.isInteger(v)) return `${where}[${i}]: expected an integer, found ${v}`;
        if (v < lo || v > hi) return `${where}[${i}]: ${v} outside [${lo}, ${hi}]`;
      }
      return null;
    }
    case 'MultiBinary': {
      if (!isArrayLike(value)) return `${where}: expected an array of ${space.shape[0]} 0/1 values`;
      if (value.length !== space.shape[0]) return `${where}: expected length ${space.shape[0]}, found ${value.length}`;
      for (let i = 0; i < value.length; i++) if (value[i] !== 0 && value[i] !== 1) return `${where}[${i}]: expected 0 or 1, found ${value[i]}`;
      return null;
    }
    case 'Discrete': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${where}: expected an integer`;
      if (value < space.start || value >= space.start + space.n) return `${where}: ${value} outside ${space.start}..${space.start + space.n - 1}`;
      return null;
    }
    case 'Dict': {
      if (typeof value !== 'object' || value === null || isArrayLike(value)) return `${where}: expected an object`;
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) if (!(k in space.spaces)) return `${where}: unexpected key "${k}"`;
      for (const [k, s] of Object.entries(space.spaces)) {
        if (!(k in obj)) return `${where}: missing key "${k}"`;
        const why = whyNotContained(s, obj[k], `${where}.${k}`);
        if (why) return why;
      }
      return null;
    }
  }
}

export function contains(space: Space, value: unknown): boolean {
  return whyNotContained(space, value) === null;
}

/** A uniform sample (finite bounds only for Box; unbounded elements get a standard normal). */
export function sample(space: Space, rng: Rng): Value {
  switch (space.kind) {
    case 'Box': {
      const out: number[] = [];
      for (let i = 0; i < space.shape[0]; i++) {
        const lo = typeof space.low === 'number' ? space.low : space.low[i];
        const hi = typeof space.high === 'number' ? space.high : space.high[i];
        let v: number;
        if (Number.isFinite(lo) && Number.isFinite(hi)) v = lo + (hi - lo) * rng.next();
        else if (Number.isFinite(lo)) v = lo + Math.abs(rng.normal());
        else if (Number.isFinite(hi)) v = hi - Math.abs(rng.normal());
        else v = rng.normal();
        out.push(space.dtype === 'int64' ? Math.min(hi, Math.max(lo, Math.round(v))) : v);
      }
      return out;
    }
    case 'MultiBinary':
      return Array.from({ length: space.shape[0] }, () => rng.int(2));
    case 'Discrete':
      return space.start + rng.int(space.n);
    case 'Dict': {
      const out: Record<string, Value> = {};
      for (const [k, s] of Object.entries(space.spaces)) out[k] = sample(s, rng);
      return out;
    }
  }
}

function bound(v: number | number[]): unknown {
  const one = (x: number): number | string => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x);
  return typeof v === 'number' ? one(v) : v.map(one);
}

/** Plain JSON-able description of a space ("inf" / "-inf" for infinite bounds). */
export function spaceToJSON(space: Space): unknown {
  switch (space.kind) {
    case 'Box':
      return { kind: 'Box', shape: space.shape, low: bound(space.low), high: bound(space.high), dtype: space.dtype };
    case 'Dict':
      return { kind: 'Dict', spaces: Object.fromEntries(Object.entries(space.spaces).map(([k, s]) => [k, spaceToJSON(s)])) };
    default:
      return { ...space };
  }
}
