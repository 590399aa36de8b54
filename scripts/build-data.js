#!/usr/bin/env node
/*
 * Developer tool, run once: builds data/ieee33 and data/ieee33-24h from the public seed data
 * (../shared/seed-data, or the folder given as the first argument). Nothing at run or test time
 * reads the seed folder; the product ships the files this script writes.
 *
 *   node scripts/build-data.js [SEED_DIR]
 *
 * Network values are the published Baran & Wu (1989) tables, typed in below and checked against
 * the seed's grid.csv: every difference is printed (the seed has line 10 r = 1.966 ohm where the
 * published table has 0.1966 ohm).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const seed = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'shared', 'seed-data'));
const root = path.join(__dirname, '..', 'data');

// Baran & Wu 1989, Table: line, from, to, r (ohm), x (ohm)
const LINES = [
  [1, 1, 2, 0.0922, 0.047], [2, 2, 3, 0.493, 0.2511], [3, 3, 4, 0.366, 0.1864], [4, 4, 5, 0.3811, 0.1941],
  [5, 5, 6, 0.819, 0.707], [6, 6, 7, 0.1872, 0.6188], [7, 7, 8, 0.7114, 0.2351], [8, 8, 9, 1.03, 0.74],
  [9, 9, 10, 1.044, 0.74], [10, 10, 11, 0.1966, 0.065], [11, 11, 12, 0.3744, 0.1238], [12, 12, 13, 1.468, 1.155],
  [13, 13, 14, 0.5416, 0.7129], [14, 14, 15, 0.591, 0.526], [15, 15, 16, 0.7463, 0.545], [16, 16, 17, 1.289, 1.721],
  [17, 17, 18, 0.732, 0.574], [18, 2, 19, 0.164, 0.1565], [19, 19, 20, 1.5042, 1.3554], [20, 20, 21, 0.4095, 0.4784],
  [21, 21, 22, 0.7089, 0.9373], [22, 3, 23, 0.4512, 0.3083], [23, 23, 24, 0.898, 0.7091], [24, 24, 25, 0.896, 0.7011],
  [25, 6, 26, 0.203, 0.1034], [26, 26, 27, 0.2842, 0.1447], [27, 27, 28, 1.059, 0.9337], [28, 28, 29, 0.8042, 0.7006],
  [29, 29, 30, 0.5075, 0.2585], [30, 30, 31, 0.9744, 0.963], [31, 31, 32, 0.3105, 0.3619], [32, 32, 33, 0.341, 0.5302],
  [33, 8, 21, 2, 2], [34, 9, 15, 2, 2], [35, 12, 22, 2, 2], [36, 18, 33, 0.5, 0.5], [37, 25, 29, 0.5, 0.5],
];
// Baran & Wu 1989 bus loads: bus, P kW, Q kvar (bus 1 is the substation)
const LOADS = [
  [1, 0, 0], [2, 100, 60], [3, 90, 40], [4, 120, 80], [5, 60, 30], [6, 60, 20], [7, 200, 100], [8, 200, 100],
  [9, 60, 20], [10, 60, 20], [11, 45, 30], [12, 60, 35], [13, 60, 35], [14, 120, 80], [15, 60, 10], [16, 60, 20],
  [17, 60, 20], [18, 90, 40], [19, 90, 40], [20, 90, 40], [21, 90, 40], [22, 90, 40], [23, 90, 50], [24, 420, 200],
  [25, 420, 200], [26, 60, 25], [27, 60, 25], [28, 60, 20], [29, 120, 70], [30, 200, 600], [31, 150, 70],
  [32, 210, 100], [33, 60, 40],
];

function readRows(file) {
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(','));
}
function write(dir, name, text) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
}
function copy(a, b) {
  fs.writeFileSync(b, fs.readFileSync(a));
}
function cplx(s) {
  const m = /^([+-]?[\d.eE+-]+?)([+-][\d.eE]+)(?:j|im)$/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2])] : [Number(s), 0];
}

// --- compare the seed grid with the published table
const grid = readRows(path.join(seed, 'case33py', 'grid.csv')).slice(1, 38);
for (const [id, f, t, r, x] of LINES) {
  const g = grid[id - 1];
  if (Number(g[1]) !== f || Number(g[2]) !== t || Number(g[4]) !== r || Number(g[5]) !== x) {
    console.log(`seed grid.csv line ${id}: ${g.slice(1, 3).join('-')} r=${g[4]} x=${g[5]}; published ${f}-${t} r=${r} x=${x}`);
  }
}
// ampacity and tie flags from the Julia line table
const jl = readRows(path.join(seed, 'case33julia-24h', 'IEEE33BW_para_line.csv')).slice(1);
const node = readRows(path.join(seed, 'case33julia-24h', 'IEEE38BW_para_node_Xu2019TSG.csv')).slice(1);

function networkFiles(dir, pvRows, wtRows) {
  write(dir, 'buses.csv', 'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n' +
    LOADS.map(([b, p, q]) => `${b},12.66,${p},${q},0.95,1.05,${b === 1 ? 1 : 0}`).join('\n') + '\n');
  write(dir, 'lines.csv', 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n' +
    LINES.map(([id, f, t, r, x]) => {
      const j = jl[id - 1];
      return `${id},${f},${t},${r},${x},${Number(j[5])},1,${Number(j[6])}`;
    }).join('\n') + '\n');
  // generators: MTs from the Xu 2019 node table (W -> kW), PV and WT at their buses,
  // with limits from the largest value in the case's own series.
  const gens = [];
  let id = 1;
  for (const r of node) {
    if (r[4] === '1') gens.push(`${id++},${r[0]},MT,${Number(r[5]) / 1000},${Number(r[6]) / 1000},${Number(r[7]) / 1000},${Number(r[8]) / 1000},${Number(r[9])},1`);
  }
  const maxOf = (rows, col) => rows.reduce((m, row) => { const [p, q] = cplx(row[col]); return [Math.max(m[0], p), Math.max(m[1], q)]; }, [0, 0]);
  for (const [kind, flagCol, rows] of [['PV', 2, pvRows], ['WT', 3, wtRows]]) {
    for (const r of node) {
      if (r[flagCol] !== '1') continue;
      const [p, q] = maxOf(rows.data, rows.col(Number(r[0])));
      gens.push(`${id++},${r[0]},${kind},0,${Math.ceil(p)},0,${Math.ceil(q)},0,0`);
    }
  }
  write(dir, 'generators.csv', 'gen,bus,kind,pMinKw,pMaxKw,qMinKvar,qMaxKvar,costPerKwh,gridForming\n' + gens.join('\n') + '\n');
}

// --- data/ieee33: network + the original's long hourly series (load is generated separately)
const py = path.join(seed, 'case33py');
const ieee = path.join(root, 'ieee33');
const pvFull = readRows(path.join(py, 'pv_full.csv'));
const wtFull = readRows(path.join(py, 'wt_full.csv'));
networkFiles(ieee, { data: pvFull, col: (b) => b - 1 }, { data: wtFull, col: (b) => b - 1 });
for (const [src, dst] of [['pv_full.csv', 'pv.csv'], ['wt_full.csv', 'wt.csv']]) {
  copy(path.join(py, src), path.join(ieee, dst));
}
// price.csv and event.csv hold one row more (12865) than pv/wt (12864): the original read them
// step by step and never reached the last row. Keep the first 12864 rows so all series agree.
for (const name of ['price.csv', 'event.csv']) {
  const rows = readRows(path.join(py, name)).slice(0, pvFull.length);
  write(ieee, name, rows.map((r) => r.join(',')).join('\n') + '\n');
}

// --- data/ieee33-24h: the Julia day (Xu 2019 DER), copied in its own "P+Qim" text
const jdir = path.join(seed, 'case33julia-24h');
const day = path.join(root, 'ieee33-24h');
const pv24 = readRows(path.join(jdir, 'TEST24H_ts_33bus_PV_Xu2019TSG.csv'));
const wt24 = readRows(path.join(jdir, 'TEST24H_ts_33bus_WT_Xu2019TSG.csv'));
const colOf = (rows) => (b) => rows[0].indexOf(String(b));
networkFiles(day, { data: pv24.slice(1), col: colOf(pv24) }, { data: wt24.slice(1), col: colOf(wt24) });
copy(path.join(jdir, 'TEST24H_ISSDA_536Days_TS_33BW_load.csv'), path.join(day, 'load.csv'));
copy(path.join(jdir, 'TEST24H_ts_33bus_PV_Xu2019TSG.csv'), path.join(day, 'pv.csv'));
copy(path.join(jdir, 'TEST24H_ts_33bus_WT_Xu2019TSG.csv'), path.join(day, 'wt.csv'));
copy(path.join(jdir, 'TEST24H_FLAG_33bus_MT_Xu2019TSG.csv'), path.join(day, 'mt.csv'));
// price: the Julia file has grid buy and sell prices; we keep the buy price (column 1) as the
// grid energy price and take the MT cost from generators.csv (one column file).
const price24 = readRows(path.join(jdir, 'TEST24H_ts_33bus_Price_Xu2019TSG.csv')).slice(1);
write(day, 'price.csv', 'gridPerKwh\n' + price24.map((r) => r[0]).join('\n') + '\n');
console.log(`wrote ${ieee} and ${day}`);
