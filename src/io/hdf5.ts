/**
 * HDF5 files through the optional npm package `h5wasm` (HDF5 compiled to WebAssembly, NIST):
 * the only module that knows it. It is not a dependency of this package: when it is not
 * installed, `openHdf5Writer` throws a UsageError saying how to add it. h5wasm is published as
 * ES modules only, so it is loaded with a real dynamic import (not require) from the first
 * node_modules folder, in Node's CommonJS search order (module.paths, then NODE_PATH), that has it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors';

/** The h5wasm version this code was written and tested against. */
export const H5WASM_VERSION = '0.10.3';

export type Hdf5Data = Float64Array | BigInt64Array | Int8Array;

/** What the dataset writers need of an HDF5 file. */
export interface Hdf5Writer {
  group(name: string): void;
  /** a dataset of float64 ('<d'), int64 ('<q') or int8 ('<b', for flags) with a C-order shape */
  dataset(name: string, data: Hdf5Data, shape: number[]): void;
  attribute(object: string, name: string, value: number | string): void;
  close(): void;
}

/** Where h5wasm's Node build is, or null when no node_modules folder on the search path has it. */
export function findH5wasm(): string | null {
  const dirs = [...module.paths, ...(process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const d of dirs) {
    const entry = path.join(d, 'h5wasm', 'dist', 'node', 'hdf5_hl.js');
    if (fs.existsSync(entry)) return entry;
  }
  return null;
}

// a dynamic import that TypeScript's CommonJS output leaves alone (it would turn import() into require())
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

interface H5Object {
  create_group(name: string): unknown;
  create_dataset(args: { name: string; data: unknown; shape: number[]; dtype: string }): unknown;
  create_attribute(name: string, value: unknown, shape?: number[] | null, dtype?: string): void;
}

/** Open `file` for writing (created, or truncated) with h5wasm. */
export async function openHdf5Writer(file: string): Promise<Hdf5Writer> {
  const entry = findH5wasm();
  if (!entry) throw new UsageError(`the minari format writes HDF5 with the npm package h5wasm, which is not installed: npm install ` +
    `h5wasm@${H5WASM_VERSION} (or use --format npz)`, '--format');
  const mod = await importModule(pathToFileURL(entry).href);
  const h5 = (mod.default ?? mod) as { ready: Promise<unknown>; File: new (f: string, mode: string) => H5Object & { get(p: string): H5Object; close(): void } };
  await h5.ready;
  const f = new h5.File(file, 'w');
  const at = (p: string): H5Object => (p === '/' || p === '' ? f : f.get(p));
  const DTYPE = (d: Hdf5Data): string => (d instanceof Float64Array ? '<d' : d instanceof BigInt64Array ? '<q' : '<b');
  return {
    group: (name) => void f.create_group(name),
    dataset: (name, data, shape) => void f.create_dataset({ name, data, shape, dtype: DTYPE(data) }),
    // integers as int64 scalars, other numbers float64 (h5wasm would guess int32)
    attribute: (object, name, value) => (typeof value === 'number' ? at(object).create_attribute(name, value, null,
      Number.isInteger(value) ? '<q' : '<d') : at(object).create_attribute(name, value)),
    close: () => f.close(),
  };
}
