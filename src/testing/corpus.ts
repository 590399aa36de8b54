/**
 * The bad-input corpus: malformed examples of every data file the toolkit reads and of every
 * option that takes a value. Each case names the CLI call, the files it replaces in a copy of the
 * 24-hour case, the exit code and the message expected. The corpus test runs every case and also
 * checks that nothing was written. Two cases are *accepted* inputs (a BOM, CRLF line ends).
 *
 * In args, {data} is the case directory of the test and {out} an output directory that must
 * stay empty.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_24H } from './helpers';

export interface CorpusCase {
  name: string;
  tool: 'powerflow' | 'faultmaker' | 'mdpc';
  args: string[];
  /** file name -> new content (a function receives the bundled file's text) */
  files?: Record<string, string | Buffer | ((orig: string) => string | Buffer)>;
  exit: number;
  /** expected on stderr (exit != 0) or nothing (exit 0) */
  stderr?: RegExp;
}

const orig = (f: string): string => fs.readFileSync(path.join(DATA_24H, f), 'utf8');
/** replace cell `col` (0-based) of data row `row` (0-based, after the header if any) */
const cell = (row: number, col: number, value: string, header = true) => (text: string): string => {
  const lines = text.split('\n');
  const k = row + (header ? 1 : 0);
  const cells = lines[k].split(',');
  cells[col] = value;
  lines[k] = cells.join(',');
  return lines.join('\n');
};
const row = (k: number, f: (cells: string[]) => string[]) => (text: string): string => {
  const lines = text.split('\n');
  lines[k] = f(lines[k].split(',')).join(',');
  return lines.join('\n');
};

/** a header of the ids 1..n, with id `from` written as `to` (a repeated id, a missing one) */
const idHeader = (n: number, from: number, to: number): string => Array.from({ length: n }, (_, i) => (i + 1 === from ? to : i + 1)).join(',');
/** the 24-hour load in the plain layout p2,q2,...: `header` maps the regular header to the one under test */
const plainLoad = (header: (h: string[]) => string[]) => (t: string): string => {
  const rows = t.trimEnd().split('\n').map((l) => l.split(',').slice(1).flatMap((c) => /^([\d.e+-]+)\+([\d.e+-]+)im$/.exec(c)!.slice(1, 3)));
  const h = header(Array.from({ length: 32 }, (_, i) => [`p${i + 2}`, `q${i + 2}`]).flat());
  return [h.join(','), ...rows.map((r) => r.slice(0, h.length).join(','))].join('\n') + '\n';
};
const LONG = 'n'.repeat(300);

const PF = ['run', '--data', '{data}', '--step', '1', '--csv', '{out}/r'];
const FM = ['enumerate', '--k', '1', '--data', '{data}', '--out-dir', '{out}'];
const REPLAY = ['replay', '--data', '{data}', '--start', '0', '--out', '{out}/r.csv', '--actions'];
const SCENE = ['scene', '--steps', '10', '--p-n1', '0.1', '--seed', '1', '--out', '{out}/e.csv'];

export const CORPUS: CorpusCase[] = [
  // buses.csv
  { name: 'buses: non-numeric load', tool: 'powerflow', args: PF, files: { 'buses.csv': cell(1, 2, 'lots') }, exit: 2,
    stderr: /buses\.csv, row 3, column pKw: expected a number, found "lots"/ },
  { name: 'buses: NaN', tool: 'powerflow', args: PF, files: { 'buses.csv': cell(1, 3, 'NaN') }, exit: 2,
    stderr: /buses\.csv, row 3, column qKvar: expected a number, found "NaN"/ },
  { name: 'buses: Infinity', tool: 'powerflow', args: PF, files: { 'buses.csv': cell(2, 1, 'Infinity') }, exit: 2,
    stderr: /buses\.csv, row 4, column baseKv: expected a number, found "Infinity"/ },
  { name: 'buses: missing column', tool: 'powerflow', args: PF,
    files: { 'buses.csv': (t) => t.split('\n').map((l) => l.split(',').slice(0, 6).join(',')).join('\n') }, exit: 2,
    stderr: /buses\.csv, row 1: expected a column named "substation"/ },
  { name: 'buses: extra column in a row', tool: 'powerflow', args: PF, files: { 'buses.csv': row(5, (c) => [...c, '7']) }, exit: 2,
    stderr: /buses\.csv, row 6: expected 7 columns/ },
  { name: 'buses: duplicate id', tool: 'powerflow', args: PF, files: { 'buses.csv': cell(3, 0, '2') }, exit: 2,
    stderr: /buses\.csv, row 5, column bus: expected a unique bus id, bus 2 appears twice/ },
  { name: 'buses: disconnected bus', tool: 'powerflow', args: PF, files: { 'buses.csv': (t) => t.trimEnd() + '\n34,12.66,10,5,0.95,1.05,0\n' }, exit: 2,
    stderr: /buses\.csv, row 35, column bus: .*bus 34 is not/ },
  { name: 'buses: no substation', tool: 'powerflow', args: PF, files: { 'buses.csv': cell(0, 6, '0') }, exit: 2,
    stderr: /buses\.csv, column substation: expected at least one bus with substation = 1/ },
  { name: 'buses: empty file', tool: 'powerflow', args: PF, files: { 'buses.csv': '' }, exit: 2, stderr: /buses\.csv: .*empty/ },
  { name: 'buses: binary garbage', tool: 'powerflow', args: PF,
    files: { 'buses.csv': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) }, exit: 2,
    stderr: /buses\.csv, row 3: expected text CSV, found binary data/ },
  { name: 'buses: repeated column name', tool: 'powerflow', args: PF,
    files: { 'buses.csv': (t) => t.replace(/^bus,baseKv,pKw,qKvar/, 'bus,baseKv,pKw,pKw') }, exit: 2,
    stderr: /buses\.csv, row 1, column 4: expected each column name once in the header, "pKw" appears twice \(columns 3 and 4\)/ },
  { name: 'buses: BOM accepted', tool: 'powerflow', args: PF, files: { 'buses.csv': (t) => '\uFEFF' + t }, exit: 0 },
  { name: 'buses: CRLF accepted', tool: 'powerflow', args: PF,
    files: { 'buses.csv': (t) => t.replace(/\n/g, '\r\n'), 'lines.csv': (t) => t.replace(/\n/g, '\r\n') }, exit: 0 },
  // lines.csv
  { name: 'lines: negative impedance', tool: 'powerflow', args: PF, files: { 'lines.csv': cell(4, 4, '-0.2') }, exit: 2,
    stderr: /lines\.csv, row 6, column xOhm: expected a reactance >= 0 ohm, found -0\.2/ },
  { name: 'lines: zero impedance', tool: 'powerflow', args: PF, files: { 'lines.csv': (t) => cell(2, 4, '0')(cell(2, 3, '0')(t)) }, exit: 2,
    stderr: /lines\.csv, row 4, column rOhm: expected a non-zero impedance/ },
  { name: 'lines: unknown bus', tool: 'powerflow', args: PF, files: { 'lines.csv': cell(6, 2, '77') }, exit: 2,
    stderr: /lines\.csv, row 8, column to: expected a bus listed in buses\.csv, found unknown bus 77/ },
  { name: 'lines: duplicate id', tool: 'powerflow', args: PF, files: { 'lines.csv': cell(8, 0, '3') }, exit: 2,
    stderr: /lines\.csv, row 10, column line: expected a unique line id, line 3 appears twice/ },
  { name: 'lines: bad flag', tool: 'powerflow', args: PF, files: { 'lines.csv': cell(1, 6, 'maybe') }, exit: 2,
    stderr: /lines\.csv, row 3, column switchable: expected 0\/1 or true\/false, found "maybe"/ },
  { name: 'lines: a single line of several MB', tool: 'powerflow', args: PF, files: { 'lines.csv': cell(0, 3, '9'.repeat(4 * 1024 * 1024)) }, exit: 2,
    stderr: /lines\.csv, row 2, column rOhm: expected a number of finite size, found "9{20,}…"/ },
  { name: 'lines: repeated column name (case differs)', tool: 'powerflow', args: PF,
    files: { 'lines.csv': (t) => t.replace(/^line,from,to,rOhm,xOhm,ampacityA/, 'line,from,to,rOhm,xOhm,ROHM') }, exit: 2,
    stderr: /lines\.csv, row 1, column 6: expected each column name once in the header, "rOhm" appears twice \(columns 4 and 6\)/ },
  // generators.csv
  { name: 'generators: unknown kind', tool: 'powerflow', args: PF, files: { 'generators.csv': cell(0, 2, 'DIESEL') }, exit: 2,
    stderr: /generators\.csv, row 2, column kind: expected kind MT, PV or WT, found "DIESEL"/ },
  { name: 'generators: pMin > pMax', tool: 'powerflow', args: PF, files: { 'generators.csv': cell(1, 3, '900') }, exit: 2,
    stderr: /generators\.csv, row 3, column pMinKw: expected pMinKw <= pMaxKw, found 900 > 500/ },
  { name: 'generators: unknown bus', tool: 'powerflow', args: PF, files: { 'generators.csv': cell(2, 1, '40') }, exit: 2,
    stderr: /generators\.csv, row 4, column bus: .*unknown bus 40/ },
  // series
  { name: 'load: wrong bus count', tool: 'powerflow', args: PF,
    files: { 'load.csv': (t) => t.trimEnd().split('\n').map((l) => l.split(',').slice(0, 30).join(',')).join('\n') + '\n' }, exit: 2,
    stderr: /load\.csv, row 1: expected 33 columns, one per bus of the case \(33 buses\), found 30/ },
  { name: 'load: not a complex number', tool: 'powerflow', args: PF, files: { 'load.csv': cell(3, 5, '12.5+abc', false) }, exit: 2,
    stderr: /load\.csv, row 4, column 6: expected a complex power like 12\.5\+3\.1j or 12\.5\+3\.1im, found "12\.5\+abc"/ },
  { name: 'load: NaN', tool: 'powerflow', args: PF, files: { 'load.csv': cell(0, 2, 'NaN', false) }, exit: 2,
    stderr: /load\.csv, row 1, column 3: expected a complex power/ },
  { name: 'load: empty', tool: 'powerflow', args: PF, files: { 'load.csv': '\n' }, exit: 2, stderr: /load\.csv: .*empty/ },
  { name: 'load: header names a bus twice (and omits one)', tool: 'powerflow', args: PF, files: { 'load.csv': (t) => idHeader(33, 7, 6) + '\n' + t },
    exit: 2, stderr: /load\.csv, row 1, column 7: expected each bus once in the header, bus 6 appears twice \(columns 6 and 7\)/ },
  { name: 'load: p/q header names a bus twice', tool: 'powerflow', args: PF,
    files: { 'load.csv': plainLoad((h) => h.map((c) => c.replace(/^([pq])7$/, '$16'))) }, exit: 2,
    stderr: /load\.csv, row 1, column 11: expected each p<bus> and q<bus> once in the header, p6 appears twice \(columns 9 and 11\)/ },
  { name: 'load: p/q header, a bus without its q', tool: 'powerflow', args: PF, files: { 'load.csv': plainLoad((h) => h.slice(0, 9)) }, exit: 2,
    stderr: /load\.csv, row 1: expected a column for every p<bus> and q<bus> of each bus listed in the header, q6 is missing/ },
  { name: 'wt: header names a bus twice', tool: 'powerflow', args: PF, files: { 'wt.csv': (t) => t.replace(/^28,30/, '28,28') }, exit: 2,
    stderr: /wt\.csv, row 1, column 2: expected each bus once in the header, bus 28 appears twice \(columns 1 and 2\)/ },
  { name: 'pv: unequal length', tool: 'powerflow', args: PF, files: { 'pv.csv': (t) => t.trimEnd().split('\n').slice(0, 20).join('\n') + '\n' }, exit: 2,
    stderr: /pv\.csv: expected 24 rows \(steps\) like load\.csv, found 19/ },
  { name: 'wt: header bus without WT', tool: 'powerflow', args: PF, files: { 'wt.csv': (t) => t.replace(/^28,30/, '27,30') }, exit: 2,
    stderr: /wt\.csv, row 2: expected 0 at bus 27: generators\.csv has no WT there/ },
  { name: 'price: three columns', tool: 'powerflow', args: PF,
    files: { 'price.csv': (t) => t.trimEnd().split('\n').map((l, i) => (i === 0 ? 'a,b,c' : `${l},1,2`)).join('\n') + '\n' }, exit: 2,
    stderr: /price\.csv, row 1: expected 1 or 2 columns/ },
  { name: 'price: non-numeric', tool: 'powerflow', args: PF, files: { 'price.csv': cell(5, 0, 'free') }, exit: 2,
    stderr: /price\.csv, row 7, column 1: expected a price per kWh, found "free"/ },
  { name: 'event: bad flag', tool: 'powerflow', args: PF, files: { 'event.csv': '0,'.repeat(36) + '2\n' + ('0,'.repeat(36) + '0\n').repeat(23) }, exit: 2,
    stderr: /event\.csv, row 1, column 37: expected 0 or 1, found "2"/ },
  { name: 'event: missing column', tool: 'powerflow', args: PF, files: { 'event.csv': ('0,'.repeat(35) + '0\n').repeat(24) }, exit: 2,
    stderr: /event\.csv, row 1: expected 37 columns, one per line of the case \(37 lines\), found 36/ },
  { name: 'event: header names a line twice', tool: 'powerflow', args: PF,
    files: { 'event.csv': idHeader(37, 7, 6) + '\n' + ('0,'.repeat(36) + '0\n').repeat(24) }, exit: 2,
    stderr: /event\.csv, row 1, column 7: expected each line once in the header, line 6 appears twice \(columns 6 and 7\)/ },
  { name: 'event: header of some lines accepted (the others never fault)', tool: 'powerflow', args: PF,
    files: { 'event.csv': idHeader(36, 0, 0) + '\n' + ('0,'.repeat(35) + '0\n').repeat(24) }, exit: 0 },
  { name: 'mt: header names an MT twice', tool: 'powerflow', args: PF, files: { 'mt.csv': (t) => t.replace(/^4,8,22/, '4,8,8') }, exit: 2,
    stderr: /mt\.csv, row 1, column 3: expected each MT bus once in the header, MT bus 8 appears twice \(columns 2 and 3\)/ },
  { name: 'mt: header without an MT', tool: 'powerflow', args: PF, files: { 'mt.csv': (t) => t.replace(/,[^,\n]*$/gm, '') }, exit: 2,
    stderr: /mt\.csv, row 1: expected a column for every MT bus of generators\.csv in the header, MT bus 22 is missing/ },
  { name: 'mt: unknown MT bus', tool: 'powerflow', args: PF, files: { 'mt.csv': (t) => t.replace(/^4,8,22/, '4,9,22') }, exit: 2,
    stderr: /mt\.csv, row 1, column 2: expected the bus id of an MT in the header, found "9"/ },
  // reward config
  { name: 'config: not JSON', tool: 'powerflow', args: [...PF, '--config', '{data}/w.json'], files: { 'w.json': '{lossPrice: 1' }, exit: 2,
    stderr: /w\.json: expected JSON/ },
  { name: 'config: unknown key', tool: 'powerflow', args: [...PF, '--config', '{data}/w.json'], files: { 'w.json': '{"lossPrice": 1}' }, exit: 2,
    stderr: /w\.json, column lossPrice: unknown key "lossPrice"/ },
  { name: 'config: negative weight', tool: 'powerflow', args: [...PF, '--config', '{data}/w.json'], files: { 'w.json': '{"voltageWeight": -1}' }, exit: 2,
    stderr: /w\.json, column voltageWeight: expected "voltageWeight" >= 0, found -1/ },
  // powerflow run options
  { name: 'run --step non-numeric', tool: 'powerflow', args: [...PF, '--step', 'noon'], exit: 2, stderr: /option --step: expected an integer, found "noon"/ },
  { name: 'run --open unknown line', tool: 'powerflow', args: [...PF, '--open', '99'], exit: 2, stderr: /option --open: unknown line 99/ },
  { name: 'run --fault malformed', tool: 'powerflow', args: [...PF, '--fault', '1;2'], exit: 2,
    stderr: /option --fault: expected line ids like 33,34, found "1;2"/ },
  { name: 'run --mt Infinity', tool: 'powerflow', args: [...PF, '--mt', '8:Infinity:0'], exit: 2, stderr: /option --mt: expected a number, found "Infinity"/ },
  { name: 'run --noise out of range', tool: 'powerflow', args: [...PF, '--noise', '-0.1'], exit: 2,
    stderr: /option --noise: expected a (number|standard deviation)/ },
  { name: 'run --seed negative', tool: 'powerflow', args: [...PF, '--seed', '-1'], exit: 2,
    stderr: /option --seed: expected an integer in 0\.\.4294967295, found -1/ },
  { name: 'run --method unknown', tool: 'powerflow', args: [...PF, '--method', 'dc'], exit: 2, stderr: /argument 'dc' is invalid/ },
  { name: 'run --load unknown', tool: 'powerflow', args: ['run', '--data', '{data}', '--load', 'peak', '--csv', '{out}/r'], exit: 2,
    stderr: /option --load: expected "nominal", found "peak"/ },
  { name: 'run --plot not svg', tool: 'powerflow', args: [...PF, '--plot', '{out}/p.pdf'], exit: 2,
    stderr: /option --plot: expected a file name ending in \.svg/ },
  { name: 'run --data missing', tool: 'powerflow', args: ['run', '--data', '{data}/nope', '--csv', '{out}/r'], exit: 2,
    stderr: /option --data: data directory .*nope" does not exist/ },
  // environment commands (replay, serve, actions) and their files
  { name: 'replay: action file without MT columns for every MT', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv'],
    files: { 'a.csv': 'Pmt_1,Qmt_1\nx,1\n' }, exit: 2, stderr: /a\.csv, row 1: expected P and Q columns for all 3 MTs/ },
  { name: 'replay: non-numeric configuration index', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv'], files: { 'a.csv': 'config\n12\nabc\n' }, exit: 2,
    stderr: /a\.csv, row 3, column 1: expected a configuration index, found "abc"/ },
  { name: 'replay: empty action file', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv'], files: { 'a.csv': '' }, exit: 2, stderr: /a\.csv: .*empty/ },
  { name: 'replay: action file missing', tool: 'powerflow', args: [...REPLAY, '{data}/none.csv'], exit: 2, stderr: /none\.csv: file not found/ },
  { name: 'replay --start beyond the data', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--start', '30'], files: { 'a.csv': 'config\n1\n' },
    exit: 2, stderr: /option --start: expected an integer in 0\.\.23, found 30/ },
  { name: 'replay --schema unknown', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--schema', 'wide'], files: { 'a.csv': 'config\n1\n' }, exit: 2,
    stderr: /option --schema: expected one of case33py, full, found "wide"/ },
  { name: 'replay --mode unknown', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--mode', 'island'], files: { 'a.csv': 'config\n1\n' }, exit: 2,
    stderr: /option --mode: expected one of reconfig, restore, found "island"/ },
  { name: 'replay --noise negative', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--noise', '-1'], files: { 'a.csv': 'config\n1\n' }, exit: 2,
    stderr: /option --noise: expected a standard deviation >= 0, found -1/ },
  { name: 'replay --faults missing file', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--faults', '{data}/nope.csv'],
    files: { 'a.csv': 'config\n1\n' }, exit: 2, stderr: /nope\.csv: file not found/ },
  { name: 'replay --weights bad JSON', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--weights', '{data}/w.json'],
    files: { 'a.csv': 'config\n1\n', 'w.json': '[1,2]' }, exit: 2, stderr: /w\.json: expected a JSON object of reward weights/ },
  { name: 'replay --faults: scenario header names a line twice', tool: 'powerflow', args: [...REPLAY, '{data}/a.csv', '--faults', '{data}/s.csv'],
    files: { 'a.csv': 'config\n1\n', 's.csv': idHeader(37, 2, 1) + '\n' + '1,' + '0,'.repeat(35) + '0\n' }, exit: 2,
    stderr: /s\.csv, row 1, column 2: expected each line once in the header, line 1 appears twice \(columns 1 and 2\)/ },
  { name: 'replay --out under a plain file', tool: 'powerflow',
    args: ['replay', '--data', '{data}', '--start', '0', '--out', '{data}/buses.csv/x.csv', '--actions', '{data}/a.csv'], files: { 'a.csv': 'config\n1\n' },
    exit: 2, stderr: /option --out: ".*buses\.csv" is a file, not a directory/ },
  { name: 'replay --out name too long', tool: 'powerflow',
    args: ['replay', '--data', '{data}', '--start', '0', '--out', `{out}/${LONG}.csv`, '--actions', '{data}/a.csv'],
    files: { 'a.csv': 'config\n1\n' }, exit: 2,
    stderr: new RegExp(/option --out: expected a file name of at most \d+ bytes \(255 with the temporary suffix of an atomic write\), /.source +
      /found "n+…n*\.csv" of 304 bytes/.source) },
  { name: 'replay --out not csv', tool: 'powerflow',
    args: ['replay', '--data', '{data}', '--start', '0', '--out', '{out}/r.txt', '--actions', '{data}/a.csv'], files: { 'a.csv': 'config\n1\n' }, exit: 2,
    stderr: /option --out: expected a file name ending in \.csv/ },
  { name: 'serve --horizon 0', tool: 'powerflow', args: ['serve', '--data', '{data}', '--horizon', '0'], exit: 2,
    stderr: /option --horizon: expected an integer in 1\.\.23, found 0/ },
  { name: 'serve --obs unknown', tool: 'powerflow', args: ['serve', '--data', '{data}', '--obs', 'wide'], exit: 2,
    stderr: /option --obs: expected one of case33py, full, vector, found "wide"/ },
  { name: 'serve --action-space unknown', tool: 'powerflow', args: ['serve', '--data', '{data}', '--action-space', 'swap'], exit: 2,
    stderr: /option --action-space: expected one of config, move, toggle, found "swap"/ },
  { name: 'serve --forecast without --obs vector', tool: 'powerflow', args: ['serve', '--data', '{data}', '--forecast'], exit: 2,
    stderr: /option --forecast: the forecast is part of the vector observation: add --obs vector/ },
  { name: 'serve --mt unknown', tool: 'powerflow', args: ['serve', '--data', '{data}', '--mt', 'on'], exit: 2,
    stderr: /option --mt: expected one of action, fixed, off, found "on"/ },
  { name: 'serve --mt-levels 1', tool: 'powerflow', args: ['serve', '--data', '{data}', '--mt-levels', '1'], exit: 2,
    stderr: /option --mt-levels: expected an integer in 2\.\.101, found 1/ },
  { name: 'serve --events with --faults none', tool: 'powerflow', args: ['serve', '--data', '{data}', '--events', '{data}/e.csv', '--faults', 'none'],
    files: { 'e.csv': '0\n' }, exit: 2, stderr: /option --events: --events gives the faults: it cannot be used with --faults none/ },
  { name: 'serve --events short table', tool: 'powerflow', args: ['serve', '--data', '{data}', '--events', '{data}/e.csv'], files: { 'e.csv': '0,0\n' },
    exit: 2, stderr: /e\.csv/ },
  { name: 'serve --start not a step', tool: 'powerflow', args: ['serve', '--data', '{data}', '--start', 'x'], exit: 2,
    stderr: /option --start: expected an integer, found "x"/ },
  { name: 'serve --termination unknown', tool: 'powerflow', args: ['serve', '--data', '{data}', '--termination', 'never'], exit: 2,
    stderr: /option --termination: / },
  { name: 'actions --limit 0', tool: 'powerflow', args: ['actions', '--data', '{data}', '--limit', '0', '--out', '{out}/a'], exit: 2,
    stderr: /option --limit: expected an integer in 1\.\./ },
  { name: 'actions --out under a plain file', tool: 'powerflow', args: ['actions', '--data', '{data}', '--out', '{data}/buses.csv/a'], exit: 2,
    stderr: /option --out: ".*buses\.csv" is a file, not a directory/ },
  { name: 'run --plot under a plain file', tool: 'powerflow', args: [...PF, '--plot', '{data}/buses.csv/p.svg'], exit: 2,
    stderr: /option --plot: ".*buses\.csv" is a file, not a directory/ },
  { name: 'run --csv name too long', tool: 'powerflow', args: ['run', '--data', '{data}', '--csv', `{out}/${LONG}`], exit: 2,
    stderr: /option --csv: expected a file name of at most \d+ bytes/ },
  // faultmaker options
  { name: 'enumerate --k2 (unknown option, not a missing --k)', tool: 'faultmaker', args: ['enumerate', '--k2', '--data', '{data}', '--out-dir', '{out}'],
    exit: 2, stderr: /unknown option '--k2'/ },
  { name: 'enumerate --k 0', tool: 'faultmaker', args: [...FM, '--k', '0'], exit: 2, stderr: /option --k: expected an integer in 1\.\./ },
  { name: 'enumerate --exclude unknown', tool: 'faultmaker', args: [...FM, '--exclude', '38'], exit: 2, stderr: /option --exclude: unknown line 38/ },
  { name: 'enumerate --class unknown', tool: 'faultmaker', args: [...FM, '--class', 'tie,foo'], exit: 2, stderr: /option --class: .*foo/ },
  { name: 'scene --p-n1 > 1', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--p-n1', '1.5'], exit: 2,
    stderr: /option --p-n1: expected a probability in \[0, 1\], found 1\.5/ },
  { name: 'scene probabilities sum over 1', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--p-n1', '0.7', '--p-n2', '0.6'], exit: 2,
    stderr: /--p-n1.*--p-n2.*sum|sum.*over 1|add up to more than 1/ },
  { name: 'scene --repair-hours malformed', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--repair-hours', '5:2'], exit: 2,
    stderr: /option --repair-hours: / },
  { name: 'scene --steps 0', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--steps', '0'], exit: 2,
    stderr: /option --steps: expected an integer in 1\.\./ },
  { name: 'scene --seed NaN', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--seed', 'NaN'], exit: 2,
    stderr: /option --seed: expected an integer/ },
  { name: 'scene --classes empty', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--classes', ''], exit: 2, stderr: /option --classes: / },
  { name: 'run --csv into a file path', tool: 'powerflow', args: ['run', '--data', '{data}', '--csv', '{data}/buses.csv/x'], exit: 2,
    stderr: /option --csv: ".*buses\.csv" is a file, not a directory/ },
  { name: 'enumerate --out-dir is a file', tool: 'faultmaker', args: ['enumerate', '--k', '1', '--data', '{data}', '--out-dir', '{data}/buses.csv'],
    exit: 2, stderr: /option --out-dir: ".*buses\.csv" is a file, not a directory/ },
  { name: 'enumerate --out-dir under a plain file', tool: 'faultmaker',
    args: ['enumerate', '--k', '1', '--data', '{data}', '--out-dir', '{data}/buses.csv/sub'], exit: 2,
    stderr: /option --out-dir: ".*buses\.csv" is a file, not a directory/ },
  { name: 'scene --out under a plain file', tool: 'faultmaker', args: [...SCENE.slice(0, -1), '{data}/buses.csv/e.csv', '--data', '{data}'], exit: 2,
    stderr: /option --out: ".*buses\.csv" is a file, not a directory/ },
  { name: 'scene --p-n3 non-numeric', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--p-n3', 'often'], exit: 2, stderr: /option --p-n3: / },
  { name: 'scene --exclude unknown line', tool: 'faultmaker', args: [...SCENE, '--data', '{data}', '--exclude', '40'], exit: 2,
    stderr: /option --exclude: unknown line 40/ },
  // mdpc
  { name: 'mdpc run --objective unknown', tool: 'mdpc',
    args: ['run', '--data', '{data}', '--out-dir', '{out}', '--log-dir', '{out}', '--objective', 'profit'], exit: 2,
    stderr: /option --objective: expected one of reward, cost, loss, found "profit"/ },
  { name: 'mdpc run --branch unknown', tool: 'mdpc', args: ['run', '--data', '{data}', '--out-dir', '{out}', '--log-dir', '{out}', '--branch', 'dc'],
    exit: 2, stderr: /option --branch: expected one of soc, lindistflow, found "dc"/ },
  { name: 'mdpc run --gap negative', tool: 'mdpc', args: ['run', '--data', '{data}', '--out-dir', '{out}', '--log-dir', '{out}', '--gap', '-0.1'], exit: 2,
    stderr: /option --gap: expected a relative gap in \[0, 1\), found -0\.1/ },
  { name: 'mdpc run --episode 0', tool: 'mdpc', args: ['run', '--data', '{data}', '--out-dir', '{out}', '--log-dir', '{out}', '--episode', '0'], exit: 2,
    stderr: /option --episode: expected an integer in 1\.\./ },
  { name: 'mdpc run --steps beyond the data', tool: 'mdpc', args: ['run', '--data', '{data}', '--out-dir', '{out}', '--log-dir', '{out}', '--steps', '30'],
    exit: 2, stderr: /option --steps: expected an integer in 1\.\.23, found 30/ },
  { name: 'mdpc run --weights unknown key', tool: 'mdpc',
    args: ['run', '--data', '{data}', '--out-dir', '{out}', '--log-dir', '{out}', '--weights', '{data}/w.json'], files: { 'w.json': '{"price": 1}' },
    exit: 2, stderr: /w\.json, column price: unknown key "price"/ },
  { name: 'mdpc merge --out not csv', tool: 'mdpc', args: ['merge', '--out', '{out}/m.txt', '{data}/load.csv'], exit: 2,
    stderr: /option --out: expected a file name ending in \.csv/ },
  { name: 'mdpc merge --out under a plain file', tool: 'mdpc', args: ['merge', '--out', '{data}/buses.csv/m.csv', '{data}/load.csv'], exit: 2,
    stderr: /option --out: ".*buses\.csv" is a file, not a directory/ },
  { name: 'mdpc merge: a directory as a shard file', tool: 'mdpc', args: ['merge', '--out', '{out}/m.csv', '{data}'], exit: 2,
    stderr: /mdpc: .*case33ts-[^,]*: expected a chain file, found a directory/ },
  { name: 'mdpc merge --out-dir under a plain file', tool: 'mdpc', args: ['merge', '--run', 'big', '--shards', '2', '--out-dir', '{data}/buses.csv/o'],
    exit: 2, stderr: /option --out-dir: ".*buses\.csv" is a file, not a directory/ },
  { name: 'mdpc clean --log-dir is a file', tool: 'mdpc', args: ['clean', '--log-dir', '{data}/buses.csv', '--keep-runs', '1'], exit: 2,
    stderr: /option --log-dir: ".*buses\.csv" is a file, not a directory/ },
  { name: 'mdpc solve --run name too long', tool: 'mdpc', args: ['solve', '--data', '{data}', '--step', '1', '--run', LONG], exit: 2,
    stderr: /option --run: expected names of at most 255 bytes in the path, found "n+…n+" of 300 bytes/ },
  { name: 'mdpc clean --keep-runs negative', tool: 'mdpc', args: ['clean', '--log-dir', '{out}', '--keep-runs', '-1'], exit: 2,
    stderr: /option --keep-runs: expected an integer in 0\.\./ },
  { name: 'mdpc solve --time-limit 0', tool: 'mdpc', args: ['solve', '--data', '{data}', '--step', '1', '--time-limit', '0', '--no-log'], exit: 2,
    stderr: /option --time-limit: expected a time limit > 0 seconds/ },
  { name: 'mdpc solve --step beyond the data', tool: 'mdpc', args: ['solve', '--data', '{data}', '--step', '24', '--no-log'], exit: 2,
    stderr: /option --step: expected an integer in 0\.\.23, found 24/ },
];
