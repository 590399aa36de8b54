/**
 * NumPy files without NumPy: the .npy format version 1.0 (magic, a little-endian uint16 header
 * length, an ASCII dict header padded with spaces and a newline so that the data starts at a
 * multiple of 64 bytes, then the raw C-order data) and the .npz container (a ZIP archive of
 * NAME.npy entries, here stored without compression, with CRC-32 and fixed timestamps so that the
 * same arrays give the same bytes). `numpy.load` reads both with `allow_pickle=False`.
 *
 * Limits: no ZIP64, so an archive stays under 4 GiB and 65,535 entries (a RangeError beyond).
 */
import { writeFileAtomic } from './atomic';

/** A typed array for numpy: float64, int64, bool, or fixed-width unicode strings. */
export type NpyArray =
  | { dtype: '<f8'; shape: number[]; data: Float64Array }
  | { dtype: '<i8'; shape: number[]; data: BigInt64Array }
  | { dtype: '|b1'; shape: number[]; data: Uint8Array }
  | { dtype: 'U'; shape: number[]; data: string[] };

export function f64(data: ArrayLike<number>, shape: number[] = [data.length]): NpyArray {
  return { dtype: '<f8', shape, data: Float64Array.from(data) };
}

export function i64(data: ArrayLike<number>, shape: number[] = [data.length]): NpyArray {
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isInteger(data[i])) throw new RangeError(`i64: element ${i} is not an integer (${data[i]})`);
    out[i] = BigInt(data[i]);
  }
  return { dtype: '<i8', shape, data: out };
}

export function bool(data: ArrayLike<number | boolean>, shape: number[] = [data.length]): NpyArray {
  return { dtype: '|b1', shape, data: Uint8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0)) };
}

export function strings(data: string[], shape: number[] = [data.length]): NpyArray {
  return { dtype: 'U', shape, data };
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The numpy dtype text of an array ('<U12' for strings of up to 12 code points). */
export function descrOf(a: NpyArray): string {
  if (a.dtype !== 'U') return a.dtype;
  let width = 1;
  for (const s of a.data) width = Math.max(width, Array.from(s).length);
  return `<U${width}`;
}

/** The .npy header (magic to the newline), padded so that 10 + its dict length is a multiple of 64. */
export function npyHeader(descr: string, shape: number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - 10 - dict.length - 1) + '\n';
  if (dict.length > 0xffff) throw new RangeError('npy header longer than version 1.0 allows');
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

/** One array as the bytes of a .npy file (version 1.0, little-endian, C order). */
export function npyBytes(a: NpyArray): Buffer {
  const n = elementCount(a.shape);
  if (a.data.length !== n) throw new RangeError(`npy: shape [${a.shape}] holds ${n} elements, the data has ${a.data.length}`);
  const descr = descrOf(a);
  const header = npyHeader(descr, a.shape);
  let body: Buffer;
  if (a.dtype === 'U') {
    const width = Number(descr.slice(2));
    body = Buffer.alloc(n * width * 4);
    a.data.forEach((s, i) => {
      let k = 0;
      for (const ch of s) body.writeUInt32LE(ch.codePointAt(0)!, (i * width + k++) * 4);
    });
  } else {
    // typed arrays are little-endian on every platform Node runs on (checked once below)
    body = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  }
  return Buffer.concat([header, body]);
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('npz: a big-endian machine is not supported');

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as in ZIP and PNG) of the bytes. */
export function crc32(buf: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** DOS date of 1980-01-01 00:00 (the earliest ZIP time): fixed, so that bytes do not depend on the clock. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/** A ZIP archive of the entries, stored (method 0, no compression). */
export function zipStored(entries: { name: string; data: Uint8Array }[]): Buffer {
  if (entries.length > 0xffff) throw new RangeError(`zip: ${entries.length} entries, at most 65535 without ZIP64`);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new RangeError(`zip: entry "${e.name}" twice`);
    names.add(e.name);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const size = e.data.length;
    if (offset + 30 + name.length + size > 0xffffffff) throw new RangeError('zip: archive beyond 4 GiB (no ZIP64): export fewer rows');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(size, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal attributes: 0
    cd.writeUInt32LE(0, 38); // external attributes
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + size;
  }
  const cdBytes = Buffer.concat(central);
  if (offset + cdBytes.length > 0xffffffff) throw new RangeError('zip: archive beyond 4 GiB (no ZIP64): export fewer rows');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}

/** The bytes of an .npz holding each array as NAME.npy (numpy.load(file)[NAME]). */
export function npzBytes(arrays: Record<string, NpyArray>): Buffer {
  return zipStored(Object.entries(arrays).map(([name, a]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`npz: array name "${name}" is not an identifier`);
    return { name: `${name}.npy`, data: npyBytes(a) };
  }));
}

/** Write an .npz atomically (temporary name, then rename); returns its size in bytes. */
export function writeNpzAtomic(file: string, arrays: Record<string, NpyArray>): number {
  const bytes = npzBytes(arrays);
  writeFileAtomic(file, bytes);
  return bytes.length;
}
