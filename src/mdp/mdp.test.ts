import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { Network } from '../grid/network';
import { chainSchema, case33pyLayout, case33pyMisfit, configNumber, SchemaError, PAD } from './schema';
import { enumerateRadialConfigurations } from '../topology/spanning-trees';
import { ChainWriter, readChainRows, readChainSteps } from './writer';
import { readActionFile } from './action-file';
import { ChainState, Transition } from './types';
import { defaultGridForming } from '../grid/action';
import { zeroReward } from '../powerflow/reward';

const ROOT = path.join(__dirname, '..', '..');
const IEEE33 = path.join(ROOT, 'data', 'ieee33');
const EXAMPLE = path.join(ROOT, 'src', 'mdp', 'fixtures', 'case33py_mdpc_example.csv');

function state(net: Network, step: number, open: number[], faulted: number[] = []): ChainState {
  const nb = net.buses.length;
  const ng = net.generators.length;
  const s: ChainState = {
    step,
    loadPKw: Float64Array.from(net.buses, (b) => b.pKw),
    loadQKvar: Float64Array.from(net.buses, (b) => b.qKvar),
    genPKw: new Float64Array(ng),
    genQKvar: new Float64Array(ng),
    lineOpen: new Uint8Array(net.lines.length),
    lineFaulted: new Uint8Array(net.lines.length),
    vPu: new Float64Array(nb).fill(1),
  };
  for (const l of open) s.lineOpen[l] = 1;
  for (const l of faulted) s.lineFaulted[l] = 1;
  return s;
}

function transition(net: Network, step: number, open: number[], faulted: number[] = []): Transition {
  const mts = net.generators.filter((g) => g.kind === 'MT').length;
  const a = { lineOpen: new Uint8Array(net.lines.length), mtPKw: new Float64Array(mts).fill(100), mtQKvar: new Float64Array(mts),
    pickup: new Float64Array(net.buses.length).fill(1), gridForming: defaultGridForming(net) };
  for (const l of open) a.lineOpen[l] = 1;
  return {
    s: state(net, step, open, faulted), a, r: { ...zeroReward(), total: -1.5, loss: 1.5 },
    s1: state(net, step + 1, open, faulted), lossKw: 8.3, unservedKw: 0, switchOps: 0, valid: true, terminated: false, truncated: false, pfStatus: 'converged',
  };
}

test('case33py schema: exactly the original header (92 columns) on the 33-bus case', () => {
  const net = loadCase(IEEE33);
  const schema = chainSchema('case33py', net);
  const header = fs.readFileSync(EXAMPLE, 'utf8').split(/\r?\n/)[0];
  assert.equal(schema.header, header);
  assert.equal(schema.columns.length, 92);
  assert.equal(schema.columns[schema.stepColumn], 'current_time');
  const L = case33pyLayout(net);
  assert.deepEqual([L.pinBuses.length, L.openSlots, L.faultSlots, L.mts.length], [32, 5, 2, 3]);
});

test('case33py rows: rounded net load, 0-based lines padded with -99; SchemaError when lines do not fit', () => {
  const net = loadCase(IEEE33);
  const schema = chainSchema('case33py', net);
  const row = schema.formatRow(transition(net, 4, [32, 33, 34, 35, 36])).split(',');
  assert.equal(row.length, 92);
  assert.equal(row[0], '100'); // bus 2 nominal load
  assert.deepEqual(row.slice(32, 40), ['32', '33', '34', '35', '36', String(PAD), String(PAD), '4']);
  assert.equal(row[schema.columns.indexOf('R(t+1)')], '-1.5');
  assert.equal(row[91], '5');
  // six lines out of service do not fit five slots
  assert.throws(() => schema.formatRow(transition(net, 4, [32, 33, 34, 35, 36], [3])), SchemaError);
  // three faults do not fit two slots
  assert.throws(() => schema.formatRow(transition(net, 4, [1, 2, 3, 33, 34], [1, 2, 3])), SchemaError);
});

test('full schema: columns per line, bus and generator from the data; rows as wide as the header', () => {
  const net = loadCase(IEEE33);
  const schema = chainSchema('full', net);
  const nb = net.buses.length, nl = net.lines.length, ng = net.generators.length;
  const nm = 3; // MTs
  // step, open + faulted per line, P + Q per bus, P + Q per generator, pick-up per bus, grid-forming per MT, voltage per bus, config
  const stateCols = 1 + 2 * nl + 2 * nb + 2 * ng + nb + nm + nb + 1;
  // episode; A(t): open per line, P + Q + grid-forming per MT, pick-up per bus, config; R(t+1) and its 7 terms; 7 diagnostics
  assert.equal(schema.columns.length, 1 + 2 * stateCols + nl + 3 * nm + nb + 1 + 1 + 7 + 7);
  assert.deepEqual([schema.columns[0], schema.columns[schema.stepColumn]], ['episode', 'S(t)_step']);
  for (const c of ['S(t)_config', 'A(t)_config', 'S(t+1)_config', 'terminated', 'truncated']) assert.ok(schema.columns.includes(c), c);
  assert.ok(schema.columns.includes('A(t)_pickup_B18') && schema.columns.includes('A(t)_gridForming_G2') && schema.columns.includes('R_grid'));
  assert.equal(new Set(schema.columns).size, schema.columns.length);
  assert.equal(schema.formatRow(transition(net, 0, [32, 33, 34, 35, 36], [1, 2, 3])).split(',').length, schema.columns.length);
});

test('chain writer: complete rows only; append resumes after cutting a partial line; create refuses an existing file', () => {
  const net = loadCase(IEEE33);
  const schema = chainSchema('case33py', net);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chain-'));
  const file = path.join(dir, 'c.csv');
  const w = ChainWriter.open(file, schema);
  w.append(transition(net, 0, [32, 33, 34, 35, 36]));
  w.append(transition(net, 1, [32, 33, 34, 35, 36]));
  w.close();
  assert.deepEqual(readChainSteps(file, schema), [0, 1]);
  assert.throws(() => ChainWriter.open(file, schema), /exists/);
  // a crash in the middle of a row
  fs.appendFileSync(file, '12,13,14');
  assert.deepEqual(readChainSteps(file, schema), [0, 1]);
  const w2 = ChainWriter.open(file, schema, { mode: 'append' });
  assert.equal(w2.rows, 2);
  w2.append(transition(net, 2, [32, 33, 34, 35, 36]));
  // a row that does not fit is not written at all
  assert.throws(() => w2.append(transition(net, 3, [32, 33, 34, 35, 36], [3])), SchemaError);
  w2.close();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.length, 5); // header, 3 rows, trailing empty
  assert.ok(lines.slice(1, 4).every((l) => l.split(',').length === 92));
  assert.deepEqual(readChainSteps(file, schema), [0, 1, 2]);
  // the full schema's status word is not taken for a cut row
  const full = chainSchema('full', net);
  const ff = path.join(dir, 'f.csv');
  const wf = ChainWriter.open(ff, full);
  wf.append(transition(net, 0, [32, 33, 34, 35, 36]));
  wf.close();
  assert.deepEqual(readChainRows(ff, full), { steps: [0], bad: null });
  fs.appendFileSync(ff, fs.readFileSync(ff, 'utf8').split('\n')[1].split(',').slice(0, 49).join(',') + '\n');
  assert.deepEqual(readChainRows(ff, full).bad, { row: 3, reason: `49 of ${full.columns.length} cells` });
  // appending with another schema is refused
  assert.throws(() => ChainWriter.open(file, chainSchema('full', net), { mode: 'append' }), /header of the full schema/);
  fs.rmSync(dir, { recursive: true });
});

test('action files: the original example (A(t) columns, 0-based lines), config, open and full layouts', () => {
  const net = loadCase(IEEE33);
  const ex = readActionFile(EXAMPLE, net);
  assert.equal(ex.layout, 'case33py');
  assert.equal(ex.actions.length, 7);
  assert.deepEqual(ex.actions[0], { open: [2, 5, 12, 26, 33], mtPKw: [750, 125, 375], mtQKvar: [50, 60, 29] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'act-'));
  const f = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  assert.deepEqual(readActionFile(f('c.csv', 'config\n5\n7\n'), net), { layout: 'config', actions: [{ config: 5 }, { config: 7 }] });
  assert.deepEqual(readActionFile(f('o.csv', 'open,Pmt_1,Pmt_2,Pmt_3,Qmt_1,Qmt_2,Qmt_3\n33 34 35 36 37,0,0,0,0,0,0\n'), net).actions[0],
    { open: [33, 34, 35, 36, 37], mtPKw: [0, 0, 0], mtQKvar: [0, 0, 0] });
  const full = chainSchema('full', net).columns.filter((c) => c.startsWith('A(t)_'));
  const cells = full.map((c) => (/open_L3[3-7]$/.test(c) ? '1' : c.includes('open') ? '0' : /pickup_B1[0-9]$/.test(c) ? '0' : c.includes('pickup') ? '1'
    : c.includes('gridForming_G2') ? '0' : c.includes('gridForming') ? '1' : '10'));
  const pickup = net.buses.map((b) => (b.id >= 10 && b.id <= 19 ? 0 : 1));
  assert.deepEqual(readActionFile(f('f.csv', full.join(',') + '\n' + cells.join(',') + '\n'), net).actions[0],
    { open: [33, 34, 35, 36, 37], mtPKw: [10, 10, 10], mtQKvar: [10, 10, 10], pickup, gridForming: [1, 0, 1] });
  // pick-up columns: all or none, fractions in [0, 1]
  const bad = full.filter((c) => c !== 'A(t)_pickup_B5');
  assert.throws(() => readActionFile(f('g.csv', bad.join(',') + '\n' + bad.map(() => '0').join(',') + '\n'), net), /expected a column pickup_B5/);
  const over = cells.map((v, k) => (full[k] === 'A(t)_pickup_B5' ? '1.5' : v));
  assert.throws(() => readActionFile(f('h.csv', full.join(',') + '\n' + over.join(',') + '\n'), net),
    /row 2, column \d+: expected a pick-up fraction in \[0, 1\], found "1.5"/);
  assert.throws(() => readActionFile(f('bad.csv', 'open_line_1,open_line_2\n3,99\n'), net), /row 2, column 2: expected a 0-based line index/);
  assert.throws(() => readActionFile(f('none.csv', 'foo\n1\n'), net), /expected action columns/);
  fs.rmSync(dir, { recursive: true });
});

test('full schema config columns: 1-based row of the radial table, -1 off the table; episode as given', () => {
  const net = loadCase(IEEE33);
  const table = enumerateRadialConfigurations(net);
  const schema = chainSchema('full', net, { radialTable: table });
  const cols = schema.columns;
  const at = (row: string, name: string): string => row.split(',')[cols.indexOf(name)];
  // the normal topology (ties 33..37 open): the last configuration in lexicographic order
  const k = table.openCount;
  const normal = [32, 33, 34, 35, 36];
  const idx = table.open.slice((table.count - 1) * k, table.count * k);
  assert.deepEqual([...idx], normal);
  const tr = transition(net, 7, normal);
  tr.episode = 3;
  const row = schema.formatRow(tr);
  assert.equal(at(row, 'episode'), '3');
  assert.equal(at(row, 'S(t)_config'), String(table.count)); // 50751: 1-based
  assert.equal(at(row, 'A(t)_config'), String(table.count));
  // configuration 0 of the table is 1 in the chain
  const first = [...table.open.slice(0, k)];
  assert.equal(at(schema.formatRow(transition(net, 7, first)), 'S(t)_config'), '1');
  // six lines open (a fault beside a radial configuration): not in the table
  assert.equal(at(schema.formatRow(transition(net, 7, [3, ...normal])), 'S(t)_config'), '-1');
  // configNumber agrees with findConfiguration on a sample of rows
  for (const c of [1, 1234, 50000]) {
    const open = new Uint8Array(net.lines.length);
    for (const l of table.open.slice(c * k, (c + 1) * k)) open[l] = 1;
    assert.equal(configNumber(table, open), c + 1);
  }
  assert.equal(configNumber(null, new Uint8Array(net.lines.length)), -1);
  // no episode given: 0
  assert.equal(at(schema.formatRow(transition(net, 7, normal)), 'episode'), '0');
});

test('case33py refused before a run that can need more slots: faults counted, cut off, at episode start, beginning mid-episode', () => {
  const net = loadCase(IEEE33);
  const nl = net.lines.length;
  const steps = 10;
  const table = (faults: [number, number[]][]): Uint8Array => {
    const f = new Uint8Array(steps * nl);
    for (const [t, ids] of faults) for (const id of ids) f[t * nl + net.lineIndex.get(id)!] = 1;
    return f;
  };
  const one = [{ start: 0, length: 4 }];
  assert.equal(case33pyMisfit(net, null, one, 'reconfig'), null);
  assert.equal(case33pyMisfit(net, table([]), one, 'reconfig'), null);
  // a fault on a tie line (normally open) from the start, persisting: fits
  assert.equal(case33pyMisfit(net, table([[0, [33]], [1, [33]], [2, [33]], [3, [33]], [4, [33]]]), one, 'reconfig'), null);
  // a fault after the range's last S(t+1) (step 4) is not looked at
  assert.equal(case33pyMisfit(net, table([[5, [7]]]), one, 'reconfig'), null);
  assert.deepEqual(case33pyMisfit(net, table([[3, [7]]]), one, 'reconfig'), { step: 3, message: 'line 7 becomes faulted: protection opens it beside the ' +
    '5 open lines of the configuration in force, the case33py schema has 5 open-line slots' });
  assert.match(case33pyMisfit(net, table([[0, [7]]]), one, 'reconfig')!.message,
    /^the episode starts from the normal topology with line 7 faulted: 6 lines open/);
  // a tie fault present from the start of both episodes fits; a fault on a closed line at an episode start does not
  const two = [{ start: 0, length: 2 }, { start: 2, length: 2 }];
  assert.equal(case33pyMisfit(net, table([[0, [33]], [1, [33]], [2, [33]], [3, [33]]]), two, 'reconfig'), null);
  const atStart = case33pyMisfit(net, table([[2, [7]], [3, [7]]]), [{ start: 2, length: 2 }], 'reconfig')!;
  assert.equal(atStart.step, 2);
  assert.match(atStart.message, /^the episode starts from the normal topology with line 7 faulted/);
  assert.match(case33pyMisfit(net, table([[2, [3, 4, 5]]]), one, 'reconfig')!.message,
    /^3 lines faulted \(3, 4, 5\), the case33py schema has 2 faulted-line slots$/);
  // lines 17 and 36 (17-18, 18-33) both out: bus 18 is cut off
  const cut = case33pyMisfit(net, table([[1, [17, 36]], [2, [17, 36]]]), [{ start: 1, length: 1 }], 'reconfig')!;
  assert.match(cut.message, /^the faults of lines 17, 36 cut bus 18 off: more than 5 lines open/);
  assert.match(case33pyMisfit(net, null, one, 'restore')!.message, /^restore mode: MT islands can leave more than 5 lines open/);
});
