import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCase } from './load-case';
import { loadSeries, snapshot, nominalSnapshot, readEventTable } from './series';
import { InputError } from '../io/errors';
import { DATA_33, DATA_24H, copyCase, writeCase } from '../testing/helpers';
import { Rng } from '../util/rng';

test('bundled IEEE 33-bus case: Baran & Wu sizes and totals', () => {
  const net = loadCase(DATA_33);
  assert.equal(net.buses.length, 33);
  assert.equal(net.lines.length, 37);
  const p = net.buses.reduce((s, b) => s + b.pKw, 0);
  const q = net.buses.reduce((s, b) => s + b.qKvar, 0);
  assert.equal(p, 3715);
  assert.equal(q, 2300);
  const ties = net.lines.filter((l) => l.normallyOpen).map((l) => `${l.id}:${net.buses[l.from].id}-${net.buses[l.to].id}`);
  assert.deepEqual(ties, ['33:8-21', '34:9-15', '35:12-22', '36:18-33', '37:25-29']);
  // the value the seed's grid.csv gets wrong (1.966): published r of line 10 (10-11) is 0.1966 ohm
  const l10 = net.lines[net.lineIndex.get(10)!];
  assert.equal(l10.rOhm, 0.1966);
  assert.deepEqual(net.generators.map((g) => `${g.kind}@${net.buses[g.bus].id}`), ['MT@4', 'MT@8', 'MT@22', 'PV@8', 'PV@14', 'WT@28', 'WT@30']);
  assert.deepEqual(net.substations, [0]);
});

test('bundled series: 12864 hourly steps; 24-hour case with MT availability', () => {
  const net = loadCase(DATA_33);
  const s = loadSeries(net, DATA_33)!;
  assert.equal(s.steps, 12864);
  assert.ok(s.faulted && s.gridPricePerKwh && s.mtPricePerKwh);
  assert.equal(s.gridPricePerKwh[0], 0.15);
  assert.equal(s.mtPricePerKwh![100], 0.23);
  const snap = snapshot(s, 0);
  // first WT row of the original wt_full.csv: bus 28 at 167.284+76.8616j
  const wt28 = net.generators.findIndex((g) => g.kind === 'WT' && net.buses[g.bus].id === 28);
  assert.equal(snap.genPKw[wt28], 167.284);
  assert.ok(Math.abs(snap.genQKvar[wt28] - 76.8617) < 1e-4);
  // every load keeps its bus's nominal power factor
  for (let b = 1; b < 33; b++) {
    const nominal = net.buses[b];
    assert.ok(Math.abs(snap.loadQKvar[b] / snap.loadPKw[b] - nominal.qKvar / nominal.pKw) < 2e-3, `bus ${b + 1}`);
  }
  const net24 = loadCase(DATA_24H);
  const s24 = loadSeries(net24, DATA_24H)!;
  assert.equal(s24.steps, 24);
  assert.ok(s24.available);
});

test('measurement noise is seeded: same seed, same loads; mean factor near 1', () => {
  const net = loadCase(DATA_24H);
  const s = loadSeries(net, DATA_24H)!;
  const a = snapshot(s, 5, undefined, { noiseSd: 0.05, rng: new Rng(3) });
  const b = snapshot(s, 5, undefined, { noiseSd: 0.05, rng: new Rng(3) });
  const c = snapshot(s, 5);
  assert.deepEqual(a.loadPKw, b.loadPKw);
  assert.notDeepEqual(a.loadPKw, c.loadPKw);
  const rng = new Rng(11);
  let sum = 0, sum2 = 0;
  const N = 20000;
  for (let i = 0; i < N; i++) { const x = rng.normal(1, 0.05); sum += x; sum2 += x * x; }
  const mean = sum / N, sd = Math.sqrt(sum2 / N - mean * mean);
  assert.ok(Math.abs(mean - 1) < 0.002 && Math.abs(sd - 0.05) < 0.002, `${mean} ${sd}`);
});

test('series layouts: "P+Qj", "P+Qim", header of bus ids, plain p/q columns all give the same numbers', () => {
  const buses = 'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n1,12.66,0,0,0.9,1.1,1\n2,12.66,10,5,0.9,1.1,0\n3,12.66,20,8,0.9,1.1,0\n';
  const lines = 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,2,0.1,0.1,100,1,0\n2,2,3,0.1,0.1,100,1,0\n';
  const layouts = [
    '0+0j,1.5+0.5j,2+1j\n0+0j,3-1j,4.25+0j\n',
    '0.0 + 0.0im,1.5 + 0.5im,2.0 + 1.0im\n0+0im,3.0 - 1.0im,4.25 + 0im\n',
    '2,3\n1.5+0.5j,2+1j\n3-1j,4.25+0j\n',
    'p2,q2,p3,q3\n1.5,0.5,2,1\n3,-1,4.25,0\n',
    '\uFEFFp2,q2,p3,q3\r\n1.5,0.5,2,1\r\n3,-1,4.25,0\r\n',
  ];
  for (const load of layouts) {
    const dir = writeCase({ buses, lines, load });
    const s = loadSeries(loadCase(dir), dir)!;
    assert.equal(s.steps, 2, load);
    assert.deepEqual([...s.loadPKw], [0, 1.5, 2, 0, 3, 4.25], load);
    assert.deepEqual([...s.loadQKvar], [0, 0.5, 1, 0, -1, 0], load);
  }
});

function expectInputError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

test('network validation names the file, row and column', () => {
  const bad: [string, string, RegExp][] = [
    ['lines.csv', 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,2,-0.1,0.047,420,1,0\n',
      /lines\.csv, row 2, column rOhm: expected a resistance >= 0 ohm, found -0.1/],
    ['lines.csv', 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,99,0.1,0.047,420,1,0\n', /lines\.csv, row 2, column to: .*unknown bus 99/],
    ['lines.csv', 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n1,1,2,NaN,0.047,420,1,0\n', /row 2, column rOhm: expected .*"NaN"/],
    ['lines.csv', 'line,from,to,rOhm,xOhm,ampacityA,switchable\n1,1,2,0.1,0.047,420,1\n', /normallyOpen/],
    ['buses.csv', 'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n1,12.66,0,0,0.95,1.05,1\n1,12.66,0,0,0.95,1.05,0\n',
      /buses\.csv, row 3, column bus: expected a unique bus id, bus 1 appears twice/],
    ['generators.csv', 'gen,bus,kind,pMinKw,pMaxKw,qMinKvar,qMaxKvar,costPerKwh,gridForming\n1,4,XX,0,1,0,1,0,1\n',
      /generators\.csv, row 2, column kind: expected kind MT, PV or WT/],
  ];
  for (const [file, text, re] of bad) {
    const dir = copyCase(DATA_33, { [file]: text });
    expectInputError(() => loadCase(dir), re);
  }
  // a bus that no line reaches
  const dir = copyCase(DATA_33, { 'buses.csv': fs.readFileSync(path.join(DATA_33, 'buses.csv'), 'utf8') + '34,12.66,10,5,0.95,1.05,0\n' });
  expectInputError(() => loadCase(dir), /buses\.csv, row 35, column bus: .*bus 34 is not/);
});

test('series validation: wrong bus count, unequal lengths, generation at a bus without that DER', () => {
  const longer = fs.readFileSync(path.join(DATA_24H, 'price.csv'), 'utf8') + '0.1,0.1\n';
  expectInputError(() => loadSeries(loadCase(DATA_24H), copyCase(DATA_24H, { 'price.csv': longer })),
    /price\.csv: expected 24 rows \(steps\) like load\.csv, found 25/);
  const dir = copyCase(DATA_24H, { 'pv.csv': 'p8,q8,p9,q9\n' + '1,0,1,0\n'.repeat(24) });
  expectInputError(() => loadSeries(loadCase(dir), dir), /pv\.csv, row 2: expected 0 at bus 9: generators\.csv has no PV there/);
  const nominal = nominalSnapshot(loadCase(DATA_33));
  assert.equal(nominal.loadPKw.reduce((a, b) => a + b, 0), 3715);
});

test('event table: headerless in line order, or under a header of line ids (any order, a subset)', () => {
  const net = loadCase(DATA_33);
  const dir = copyCase(DATA_24H);
  const a = path.join(dir, 'a.csv');
  fs.writeFileSync(a, '37,1,6\n0,0,1\n1,1,0\n');
  const ev = readEventTable(a, net);
  assert.equal(ev.length, 2 * 37);
  const on = (s: number): number[] => net.lines.flatMap((l, i) => (ev[s * 37 + i] ? [l.id] : []));
  assert.deepEqual(on(0), [6]);
  assert.deepEqual(on(1), [1, 37]);
  fs.writeFileSync(a, '1,2\n0,1\n');
  const ev2 = readEventTable(a, net); // "1,2" is a header: 2 is not a 0/1 flag
  assert.equal(ev2[net.lineIndex.get(2)!], 1);
  fs.writeFileSync(a, '38,1\n0,1\n');
  expectInputError(() => readEventTable(a, net), /a\.csv, row 1, column 1: expected a line id of the case in the header, found "38"/);
});
