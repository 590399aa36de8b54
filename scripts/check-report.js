#!/usr/bin/env node
/*
 * Open a report page (mdpc report) in headless Chromium, offline, take a screenshot and check it:
 * the PNG is not blank (enough non-white pixels, several colours) and Chromium logged no console
 * error and no failed load (the page must need nothing from the network).
 *
 *   node scripts/check-report.js --html out/res_MDPC/day8.report.html [--png out/day8.png] [--width 1200] [--height 2400]
 *
 * Prints one JSON line (png, size, nonWhiteFraction, colours, problems) and exits 0 when the page
 * passes, 1 when it does not, 2 on bad usage, 4 when no chromium is installed
 * (Debian: apt-get install -y chromium).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');

function usage(msg) {
  process.stderr.write(`check-report: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { width: 1200, height: 2400 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) usage(`option ${a}: expected a value`); return argv[++i]; };
    if (a === '--html') o.html = v();
    else if (a === '--png') o.png = v();
    else if (a === '--width') o.width = Number(v());
    else if (a === '--height') o.height = Number(v());
    else if (a === '--chromium') o.chromium = v();
    else usage(`unknown option ${a}`);
  }
  if (!o.html) usage('option --html: give the report page');
  if (!fs.existsSync(o.html)) usage(`option --html: ${o.html} not found`);
  for (const k of ['width', 'height']) if (!Number.isInteger(o[k]) || o[k] < 100 || o[k] > 20000) usage(`option --${k}: expected an integer in 100..20000`);
  return o;
}

/** The chromium binary on PATH (chromium, chromium-browser), or null. */
function findChromium() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

/** Decode an 8-bit RGB / RGBA PNG (non-interlaced) into { width, height, channels, pixels }. */
function decodePng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8, width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      bitDepth = data[8]; colorType = data[9]; interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (bitDepth !== 8 || !channels || interlace) throw new Error(`unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : null;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels] : 0;
      const b = prev ? prev[i] : 0;
      const c = prev && i >= channels ? prev[i - channels] : 0;
      let v = src[i];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[i] = v & 255;
    }
  }
  return { width, height, channels, pixels: px };
}

/** Share of pixels that are not (near) white, and the number of distinct colours (5-bit per channel). */
function pngStats(img) {
  const { width, height, channels, pixels } = img;
  let ink = 0;
  const colours = new Set();
  for (let i = 0; i < width * height; i++) {
    const r = pixels[i * channels], g = pixels[i * channels + 1], b = pixels[i * channels + 2];
    if (r < 235 || g < 235 || b < 235) ink++;
    colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
  }
  return { nonWhiteFraction: ink / (width * height), colours: colours.size };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const bin = o.chromium ?? findChromium();
  if (!bin) {
    process.stderr.write('check-report: no chromium found on PATH (Debian: apt-get install -y chromium)\n');
    process.exit(4);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-report-'));
  const png = path.resolve(o.png ?? path.join(tmp, 'page.png'));
  fs.mkdirSync(path.dirname(png), { recursive: true });
  fs.rmSync(png, { force: true });
  const url = 'file://' + path.resolve(o.html);
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(tmp, 'profile')}`,
    '--enable-logging=stderr', '--v=0', '--hide-scrollbars',
    `--screenshot=${png}`, `--window-size=${o.width},${o.height}`, url,
  ];
  const t0 = Date.now();
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120000 });
  const ms = Date.now() - t0;
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const problems = [];
  // console errors of the page, scripts that failed, resources it tried to load
  for (const line of log.split('\n')) {
    if (/ERROR:CONSOLE|Uncaught|Failed to load resource|net::ERR_/.test(line)) problems.push(line.trim().slice(0, 300));
  }
  if (r.error) problems.push(`chromium did not run: ${r.error.message}`);
  let stats = null;
  if (!fs.existsSync(png)) problems.push(`no screenshot written (chromium exit ${r.status})`);
  else {
    const img = decodePng(fs.readFileSync(png));
    stats = { width: img.width, height: img.height, ...pngStats(img) };
    if (img.width !== o.width || img.height !== o.height) problems.push(`screenshot is ${img.width}x${img.height}, expected ${o.width}x${o.height}`);
    if (stats.nonWhiteFraction < 0.02) problems.push(`the page looks blank: ${(stats.nonWhiteFraction * 100).toFixed(2)} % non-white pixels`);
    if (stats.colours < 16) problems.push(`the page has only ${stats.colours} colours`);
  }
  fs.rmSync(path.join(tmp, 'profile'), { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ html: o.html, png, ms, ...(stats ?? {}), problems }) + '\n');
  process.exit(problems.length ? 1 : 0);
}

if (require.main === module) main();
module.exports = { decodePng, pngStats, findChromium };
