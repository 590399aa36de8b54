/** `powerflow run --plot FILE.png`: the feeder map rendered without a browser (optional @resvg/resvg-js). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, runCli, tmpDir } from '../testing/helpers';
import { svgToPng } from '../plot/png';

function resvgMissing(): string | null {
  try {
    require.resolve('@resvg/resvg-js');
    return null;
  } catch {
    return 'the optional package @resvg/resvg-js is not installed';
  }
}

const hex = (rgba: Uint8Array, i: number): string => '#' + [0, 1, 2].map((k) => rgba[i + k].toString(16).padStart(2, '0')).join('');

test('powerflow run --plot x.png: the SVG map at 2x, buses in their colours, manifest beside it', { skip: resvgMissing() ?? false }, () => {
  const dir = tmpDir('plot-png-');
  try {
    const args = ['run', '--load', 'nominal', '--open', '33,34,35,36,37'];
    const a = runCli('powerflow', [...args, '--plot', path.join(dir, 'map.svg')]);
    assert.equal(a.code, 0, a.stderr);
    const b = runCli('powerflow', [...args, '--plot', path.join(dir, 'map.png')]);
    assert.equal(b.code, 0, b.stderr);
    const svg = fs.readFileSync(path.join(dir, 'map.svg'), 'utf8');
    const png = fs.readFileSync(path.join(dir, 'map.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const [w, h] = [/width="([\d.]+)"/, /height="([\d.]+)"/].map((re) => Number(re.exec(svg)![1]));
    // IHDR: width and height, big-endian, at bytes 16 and 20
    assert.equal(png.readUInt32BE(16), Math.round(2 * w));
    assert.equal(png.readUInt32BE(20), Math.round(2 * h));
    assert.ok(fs.existsSync(path.join(dir, 'map.manifest.json')));
    // the pixels: white background; every bus circle filled with its SVG colour (left of its id text)
    const img = svgToPng(svg);
    assert.equal(hex(img.rgba, 0), '#ffffff');
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="(#[0-9a-f]{6})"/g)];
    assert.ok(circles.length >= 33, `${circles.length} bus circles`);
    let matched = 0;
    for (const c of circles) {
      const [cx, cy, r] = [1, 2, 3].map((k) => Number(c[k]));
      const x = Math.round(2 * (cx - 0.7 * r));
      const y = Math.round(2 * cy);
      if (hex(img.rgba, 4 * (y * img.widthPx + x)) === c[4]) matched++;
    }
    assert.ok(matched >= 0.9 * circles.length, `${matched} of ${circles.length} bus circles in their colour`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('powerflow run --plot: only .svg or .png, nothing written otherwise', () => {
  const dir = tmpDir('plot-png-');
  try {
    const r = runCli('powerflow', ['run', '--load', 'nominal', '--plot', path.join(dir, 'map.pdf')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /option --plot: expected a file name ending in \.svg or \.png, found ".*map\.pdf"/);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('powerflow run --plot x.png without @resvg/resvg-js: exit 2 saying how to add it, nothing written', () => {
  const dir = tmpDir('plot-png-');
  try {
    // a preloaded module that hides the package, as on a machine without it
    const hide = path.join(dir, 'hide.js');
    fs.writeFileSync(hide, `const M = require('module'); const r = M._resolveFilename;
M._resolveFilename = function (id, ...rest) { if (id === '@resvg/resvg-js') throw new Error('not found'); return r.call(this, id, ...rest); };`);
    const out = path.join(dir, 'o');
    const r = spawnSync(process.execPath, ['-r', hide, path.join(ROOT, 'bin', 'powerflow.js'), 'run', '--load', 'nominal', '--plot', path.join(out, 'map.png')],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'powerflow: option --plot: PNG output needs the npm package @resvg/resvg-js, which is not installed: ' +
      'npm install @resvg/resvg-js@2.6.2 (or write .svg)\n');
    assert.equal(fs.existsSync(out), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
