/**
 * The .npy / .npz writer: bytes checked by hand (magic, header dict, 64-byte alignment, C-order
 * data, ZIP signatures, offsets and CRC-32 against its published check value), then, when
 * python3 has numpy, read back by numpy.load itself.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { bool, crc32, f64, i64, npyBytes, npyHeader, npzBytes, strings, writeNpzAtomic, zipStored } from './npz';
import { tmpDir, listFiles, numpyMissing } from '../testing/helpers';

test('CRC-32: the check value of "123456789" and of nothing', () => {
  assert.equal(crc32(Buffer.from('123456789', 'ascii')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  // chained over two pieces equals one pass
  const all = Buffer.from('The quick brown fox jumps over the lazy dog');
  assert.equal(crc32(all), 0x414fa339);
  assert.equal(crc32(all.subarray(10), crc32(all.subarray(0, 10))), 0x414fa339);
});

test('npy v1.0 bytes: magic, version, header dict padded to 64 bytes, little-endian C-order data', () => {
  const a = npyBytes(f64([1, 2.5, -3, 4, 5, 6], [2, 3]));
  assert.deepEqual([...a.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY 1.0
  const hlen = a.readUInt16LE(8);
  assert.equal((10 + hlen) % 64, 0);
  const dict = a.subarray(10, 10 + hlen).toString('latin1');
  assert.match(dict, /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  assert.equal(a.length, 10 + hlen + 6 * 8);
  assert.equal(a.readDoubleLE(10 + hlen + 8), 2.5);
  assert.equal(a.readDoubleLE(10 + hlen + 16), -3);
  // 1-D shapes carry the trailing comma, 0-d is ()
  assert.match(npyHeader('<i8', [7]).toString('latin1'), /'shape': \(7,\), \}/);
  assert.match(npyHeader('<f8', []).toString('latin1'), /'shape': \(\), \}/);
  const i = npyBytes(i64([-1, 2 ** 40]));
  const ih = i.readUInt16LE(8);
  assert.equal(i.readBigInt64LE(10 + ih), -1n);
  assert.equal(i.readBigInt64LE(10 + ih + 8), 2n ** 40n);
  const b = npyBytes(bool([true, false, 1]));
  assert.match(b.toString('latin1'), /'descr': '\|b1'/);
  assert.deepEqual([...b.subarray(b.length - 3)], [1, 0, 1]);
  // strings: fixed width in code points, UTF-32LE, zero padded
  const s = npyBytes(strings(['ab', 'é', 'L33']));
  const sh = s.readUInt16LE(8);
  assert.match(s.toString('latin1', 10, 10 + sh), /'descr': '<U3'/);
  const body = s.subarray(10 + sh);
  assert.equal(body.length, 3 * 3 * 4);
  assert.deepEqual([body.readUInt32LE(0), body.readUInt32LE(4), body.readUInt32LE(8), body.readUInt32LE(12)], [0x61, 0x62, 0, 0xe9]);
  assert.throws(() => npyBytes(f64([1, 2, 3], [2, 2])), /shape \[2,2\] holds 4 elements, the data has 3/);
  assert.throws(() => i64([1.5]), /not an integer/);
});

test('stored zip: local headers, CRC and sizes, central directory and end record point at each other', () => {
  const entries = [{ name: 'a.npy', data: Buffer.from('hello') }, { name: 'bb.npy', data: Buffer.from('123456789') }];
  const z = zipStored(entries);
  let off = 0;
  const offsets: number[] = [];
  for (const e of entries) {
    offsets.push(off);
    assert.equal(z.readUInt32LE(off), 0x04034b50);
    assert.equal(z.readUInt16LE(off + 8), 0, 'stored');
    assert.equal(z.readUInt32LE(off + 14), crc32(e.data));
    assert.equal(z.readUInt32LE(off + 18), e.data.length);
    assert.equal(z.readUInt32LE(off + 22), e.data.length);
    const n = z.readUInt16LE(off + 26);
    assert.equal(z.toString('utf8', off + 30, off + 30 + n), e.name);
    assert.deepEqual(z.subarray(off + 30 + n, off + 30 + n + e.data.length), e.data);
    off += 30 + n + e.data.length;
  }
  const end = z.length - 22;
  assert.equal(z.readUInt32LE(end), 0x06054b50);
  assert.equal(z.readUInt16LE(end + 10), 2);
  const cdSize = z.readUInt32LE(end + 12);
  const cdOff = z.readUInt32LE(end + 16);
  assert.equal(cdOff, off);
  assert.equal(cdOff + cdSize, end);
  let p = cdOff;
  entries.forEach((e, k) => {
    assert.equal(z.readUInt32LE(p), 0x02014b50);
    assert.equal(z.readUInt32LE(p + 16), crc32(e.data));
    assert.equal(z.readUInt32LE(p + 42), offsets[k]);
    p += 46 + z.readUInt16LE(p + 28);
  });
  // the same arrays give the same bytes (no clock in the archive)
  assert.deepEqual(npzBytes({ x: f64([1, 2]) }), npzBytes({ x: f64([1, 2]) }));
  assert.throws(() => zipStored([entries[0], entries[0]]), /entry "a.npy" twice/);
  assert.throws(() => npzBytes({ 'bad name': f64([1]) }), /not an identifier/);
});

test('numpy.load reads every dtype back (skipped without numpy)', (t) => {
  const why = numpyMissing();
  if (why) { t.skip(why); return; }
  const dir = tmpDir('npz-');
  const file = path.join(dir, 'x.npz');
  const bytes = writeNpzAtomic(file, {
    m: f64([0.1, -2, 1e300, 5e-324, 3, Math.PI], [3, 2]),
    k: i64([-5, 0, 2 ** 53]),
    b: bool([1, 0, 0, 1]),
    s: strings(['S(t)_open_L1', 'é', '']),
    z: f64([42], []),
    e: f64([], [0, 4]),
  });
  assert.equal(fs.statSync(file).size, bytes);
  assert.deepEqual(listFiles(dir), ['x.npz'], 'no temporary file left');
  const py = `
import json, sys, zipfile, numpy as np
assert zipfile.ZipFile(sys.argv[1]).testzip() is None
d = np.load(sys.argv[1], allow_pickle=False)
out = {k: {"dtype": str(d[k].dtype), "shape": list(d[k].shape)} for k in d.files}
out["m"]["values"] = d["m"].tolist(); out["k"]["values"] = d["k"].tolist(); out["b"]["values"] = d["b"].tolist()
out["s"]["values"] = d["s"].tolist(); out["z"]["values"] = float(d["z"])
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.deepEqual(got.m, { dtype: 'float64', shape: [3, 2], values: [[0.1, -2], [1e300, 5e-324], [3, Math.PI]] });
  assert.deepEqual(got.k, { dtype: 'int64', shape: [3], values: [-5, 0, 2 ** 53] });
  assert.deepEqual(got.b, { dtype: 'bool', shape: [4], values: [true, false, false, true] });
  assert.deepEqual(got.s, { dtype: '<U12', shape: [3], values: ['S(t)_open_L1', 'é', ''] });
  assert.deepEqual(got.z, { dtype: 'float64', shape: [], values: 42 });
  assert.deepEqual(got.e, { dtype: 'float64', shape: [0, 4] });
  fs.rmSync(dir, { recursive: true });
});
