import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'powerflow.js');
const EXAMPLE = path.join(ROOT, 'src', 'mdp', 'fixtures', 'case33py_mdpc_example.csv');
const PY = path.join(ROOT, 'scripts', 'python');

function run(args: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pf-env-'));
}

function csv(file: string): string[][] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
}

test('powerflow actions: the table of radial configurations as CSV, JSON and manifest', () => {
  const dir = tmp();
  const prefix = path.join(dir, 'ieee33');
  const r = run(['actions', '--out', prefix]);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.equal(summary.count, 50751);
  const rows = csv(prefix + '.csv');
  assert.deepEqual(rows[0], ['config', 'open_1', 'open_2', 'open_3', 'open_4', 'open_5']);
  assert.equal(rows.length, 50752);
  const json = JSON.parse(fs.readFileSync(prefix + '.json', 'utf8'));
  assert.equal(json.configurations.length, 50751);
  assert.deepEqual(json.configurations[7].map(String), rows[8].slice(1));
  assert.ok(rows.some((row) => row.slice(1).join(' ') === '33 34 35 36 37'), 'the normal configuration is in the table');
  assert.equal(JSON.parse(fs.readFileSync(prefix + '.manifest.json', 'utf8')).count, 50751);
  fs.rmSync(dir, { recursive: true });
});

test('powerflow replay of the original example: its 92-column layout, its A(t) columns reproduced, chained states', () => {
  const dir = tmp();
  const out = path.join(dir, 'res_MDPC', 'example.csv');
  const r = run(['replay', '--actions', EXAMPLE, '--start', '1', '--faults', 'none', '--schema', 'case33py', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const ex = csv(EXAMPLE);
  const got = csv(out);
  assert.deepEqual(got[0], ex[0], 'same header');
  assert.equal(got.length, ex.length);
  const h = ex[0];
  const aCols = h.map((c, i) => (c.startsWith('A(t)_') ? i : -1)).filter((i) => i >= 0);
  assert.equal(aCols.length, 11);
  const t = h.indexOf('current_time');
  const nt = h.indexOf('next_time');
  const s1Open = h.map((c, i) => (c.startsWith('S(t+1)_opened_line') ? i : -1)).filter((i) => i >= 0);
  const sOpen = h.map((c, i) => (c.startsWith('S(t)_opened_line') ? i : -1)).filter((i) => i >= 0);
  const aOpen = h.map((c, i) => (c.startsWith('A(t)_open_line') ? i : -1)).filter((i) => i >= 0);
  for (let i = 1; i < got.length; i++) {
    assert.equal(got[i].length, 92);
    assert.deepEqual(aCols.map((c) => got[i][c]), aCols.map((c) => ex[i][c]), `row ${i}: A(t) as in the original`);
    assert.equal(got[i][t], String(i)); // --start 1
    assert.equal(got[i][nt], String(i + 1));
    assert.deepEqual(s1Open.map((c) => got[i][c]), aOpen.map((c) => got[i][c]), 'S(t+1) open lines = A(t) (no faults)');
    if (i > 1) assert.deepEqual(sOpen.map((c) => got[i][c]), s1Open.map((c) => got[i - 1][c]), 'S(t) = previous S(t+1)');
    for (const c of [...Array(32).keys()]) assert.match(got[i][c], /^-?\d+$/, 'Pin are integers');
  }
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'res_MDPC', 'example.manifest.json'), 'utf8'));
  assert.equal(m.rows, 7);
  assert.equal(m.invalidActions, 0);
  // byte-identical on a second run; the full schema from the same actions
  const out2 = path.join(dir, 'again.csv');
  assert.equal(run(['replay', '--actions', EXAMPLE, '--start', '1', '--faults', 'none', '--schema', 'case33py', '--out', out2]).code, 0);
  assert.equal(fs.readFileSync(out2, 'utf8'), fs.readFileSync(out, 'utf8'));
  const full = path.join(dir, 'full.csv');
  const rf = run(['replay', '--actions', EXAMPLE, '--start', '1', '--faults', 'none', '--schema', 'full', '--out', full]);
  assert.equal(rf.code, 0, rf.err);
  const fr = csv(full);
  const open = fr[0].map((c, i) => (c.startsWith('A(t)_open_L') && fr[1][i] === '1' ? c.slice('A(t)_open_L'.length) : '')).filter(Boolean);
  assert.deepEqual(open, ['2', '5', '12', '26', '33']); // the original's 0-based 1,4,11,25,32
  fs.rmSync(dir, { recursive: true });
});

test('replay bad input: one line on stderr, exit 2, nothing written', () => {
  const dir = tmp();
  const out = path.join(dir, 'x.csv');
  const acts = path.join(dir, 'acts.csv');
  fs.writeFileSync(acts, 'open\n1 2 3 33 34 35\n');
  const bad: string[][] = [
    ['replay', '--actions', path.join(dir, 'missing.csv'), '--start', '0', '--out', out],
    ['replay', '--actions', EXAMPLE, '--start', '12863', '--out', out],
    ['replay', '--actions', EXAMPLE, '--start', 'x', '--out', out],
    ['replay', '--actions', EXAMPLE, '--start', '0', '--noise', 'abc', '--out', out],
    ['replay', '--actions', EXAMPLE, '--start', '0', '--schema', 'foo', '--out', out],
    ['replay', '--actions', EXAMPLE, '--start', '0', '--mode', 'islands', '--out', out],
    ['replay', '--actions', EXAMPLE, '--start', '0', '--out', path.join(dir, 'x.txt')],
    ['replay', '--actions', EXAMPLE, '--start', '0', '--weights', path.join(dir, 'nope.json'), '--out', out],
    // six lines out of service do not fit the case33py schema's five slots
    ['replay', '--actions', acts, '--start', '0', '--mode', 'restore', '--faults', 'none', '--schema', 'case33py', '--out', out],
  ];
  for (const args of bad) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' ') + '\n' + r.err);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /^powerflow: /);
    assert.equal(r.out, '');
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), ['acts.csv']);
  fs.rmSync(dir, { recursive: true });
});

test('powerflow serve: one response line per request, errors answered and the session goes on, close and EOF end cleanly', () => {
  const reqs = [
    '{"cmd":"spaces"}',
    '{"cmd":"step","action":{"config":0}}',
    '{"cmd":"reset","seed":1,"options":{"start":3,"horizon":2}}',
    'this is not json',
    '[1,2]',
    '{"cmd":"fly"}',
    '{"cmd":"step","action":{"switches":[1,0]}}',
    '{"cmd":"step","action":{"open":[99,33,34,35,36]},"id":7}',
    '{"cmd":"reset","options":{"bogus":1}}',
    '{"cmd":"step","action":{"open":[33,34,35,36,37],"mtPKw":[800,200,400],"mtQKvar":[10,10,10]}}',
    '{"cmd":"close"}',
    '{"cmd":"spaces"}',
  ];
  const r = run(['serve', '--obs', 'case33py', '--faults', 'none'], reqs.join('\n') + '\n');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const res = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(res.length, 11, 'nothing after close');
  assert.equal(res[0].observation.kind, 'Box');
  assert.deepEqual(res[0].observation.shape, [40]);
  assert.equal(res[0].configAction.spaces.config.n, 50752);
  assert.match(res[1].error, /before reset/);
  assert.equal(res[2].observation.length, 40);
  assert.equal(res[2].observation[39], 3);
  assert.match(res[3].error, /malformed JSON/);
  assert.match(res[4].error, /JSON object/);
  assert.match(res[5].error, /unknown cmd/);
  assert.match(res[6].error, /switches: expected 37 values/);
  assert.equal(res[7].id, 7);
  assert.equal(res[7].info.valid, false);
  assert.equal(res[7].reward <= -100, true);
  assert.match(res[8].error, /unknown key "bogus"/);
  assert.equal(res[9].truncated, true, 'horizon 2 reached');
  assert.equal(res[9].observation[39], 5);
  assert.deepEqual(res[10], { ok: true });
  // EOF without close: all answered, exit 0; the same input gives the same bytes
  const input = reqs.slice(2, 3).concat(['{"cmd":"step","action":17}', '{"cmd":"step","action":{"config":3}}']).join('\n');
  const a = run(['serve', '--faults', 'series', '--noise', '0.05'], input);
  const b = run(['serve', '--faults', 'series', '--noise', '0.05'], input);
  assert.equal(a.code, 0);
  assert.equal(a.out.trim().split('\n').length, 3);
  assert.equal(a.out, b.out);
  // vectorised: all or nothing
  const v = run(['serve', '--obs', 'case33py', '--faults', 'none'], [
    '{"cmd":"vstep","actions":[1]}',
    '{"cmd":"vreset","n":4,"seed":2,"options":{"start":5,"horizon":3}}',
    '{"cmd":"vstep","actions":[1,2,"x",4]}',
    '{"cmd":"vstep","actions":[1,2,3,{"open":[33,34,35,36,37]}]}',
    '{"cmd":"vstep","actions":[1,2,3,4]}',
    '{"cmd":"vstep","actions":[1,2,3,4]}',
  ].join('\n'));
  assert.equal(v.code, 0, v.err);
  const vr = v.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.match(vr[0].error, /vstep before vreset/);
  assert.equal(vr[1].observations.length, 4);
  assert.match(vr[2].error, /actions\[2\]/);
  assert.deepEqual(vr[3].observations.map((o: number[]) => o[39]), [6, 6, 6, 6], 'the rejected request stepped nothing');
  assert.deepEqual(vr[5].truncated, [true, true, true, true]);
  assert.deepEqual(vr[5].observations.map((o: number[]) => o[39]), [5, 5, 5, 5], 'reset at once');
  assert.equal(vr[5].infos[0].final.observation[39], 8);
  // bad serve options: one line, exit 2
  const bad = run(['serve', '--faults', '/nonexistent.csv'], '');
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim().split('\n').length, 1);
});

test('Python wrapper (standard library only) drives a full episode through powerflow serve', () => {
  const code = `
import json, sys
sys.path.insert(0, ${JSON.stringify(PY)})
from case33_env import Case33Env, Case33EnvError
env = Case33Env(cli=${JSON.stringify(CLI)}, obs="case33py", faults="none", horizon=6, start=10)
assert env.observation_space["kind"] == "Box" and env.observation_space["low"][0] == float("-inf")
obs, info = env.reset(seed=4)
steps, total, done, errors = 0, 0.0, False, 0
try:
    env.step({"switches": [0]})
except Case33EnvError:
    errors += 1
while not done:
    obs, reward, terminated, truncated, info = env.step({"config": env.sample_config(), "mtPKw": [750, 125, 375], "mtQKvar": [0, 0, 0]})
    assert len(obs) == 40
    steps += 1
    total += reward
    done = terminated or truncated
obs, infos = env.vreset(3, seed=1)
vo, vr, vterm, vtrunc, vinf = env.vstep([0, 1, {"open": [33, 34, 35, 36, 37]}])
assert len(vo) == 3 and len(vr) == 3 and len(vo[0]) == 40
env.close()
print(json.dumps({"steps": steps, "total": total, "truncated": truncated, "terminated": terminated, "errors": errors, "last": info["step"]}))
`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.errors, 1);
  assert.equal(s.steps, 6);
  assert.equal(s.truncated, true);
  assert.equal(s.last, 16);
  assert.ok(Number.isFinite(s.total) && s.total < 0);
});

test('serve --mask: the mask packed, sent only when it changes, equal to the library mask; the Python wrapper unpacks it', () => {
  // a scenario file: line 7 faulted throughout
  const dir = tmp();
  const faults = path.join(dir, 'n1.csv');
  const lineIds = Array.from({ length: 37 }, (_, i) => i + 1);
  fs.writeFileSync(faults, lineIds.join(',') + '\n' + lineIds.map((id) => (id === 7 ? 1 : 0)).join(',') + '\n');
  const reqs = [{ cmd: 'reset', seed: 1 }, { cmd: 'step', action: {} }, { cmd: 'step', action: {} }, { cmd: 'reset', seed: 2 }];
  const r = run(['serve', '--mask', '--faults', faults, '--start', '10', '--horizon', '5'], reqs.map((q) => JSON.stringify(q)).join('\n') + '\n');
  assert.equal(r.code, 0, r.err);
  const replies = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(replies.length, 4);
  const unpack = (b64: string, n: number): number[] => {
    const raw = Buffer.from(b64, 'base64');
    return Array.from({ length: n }, (_, c) => (raw[c >> 3] >> (c & 7)) & 1);
  };
  const first = replies[0].info;
  assert.equal(first.actionMask, undefined, 'no 50,751-number array over the pipe');
  assert.ok(typeof first.actionMaskBits === 'string' && first.actionMaskBits.length < 9000);
  assert.deepEqual(first.maskFaults, [7]);
  const mask = unpack(first.actionMaskBits, 50752);
  assert.equal(mask.reduce((a, b) => a + b, 0), first.actionMaskCount);
  assert.equal(mask[50751], 1, "the last index, keep, is always valid");
  // the same mask as the library computes for a fault on line 7 (configurations opening it)
  const { loadCase } = require(path.join(ROOT, 'dist', 'grid', 'load-case'));
  const { enumerateRadialConfigurations } = require(path.join(ROOT, 'dist', 'topology', 'spanning-trees'));
  const net = loadCase(path.join(ROOT, 'data', 'ieee33'));
  const tb = enumerateRadialConfigurations(net);
  for (let c = 0; c < tb.count; c += 97) {
    let opens7 = 0;
    for (let j = 0; j < tb.openCount; j++) if (tb.open[c * tb.openCount + j] === 6) opens7 = 1;
    assert.equal(mask[c], opens7, `configuration ${c}`);
  }
  // unchanged faults: no mask in the step replies; a reset sends it again
  assert.equal(replies[1].info.actionMaskBits, undefined);
  assert.equal(replies[2].info.actionMaskBits, undefined);
  assert.equal(replies[3].info.actionMaskBits, first.actionMaskBits);
  // Python: info["action_mask"] as bytes on every step (kept from the last one sent)
  const code = `
import json, sys
sys.path.insert(0, ${JSON.stringify(PY)})
from case33_env import Case33Env
with Case33Env(cli=${JSON.stringify(CLI)}, faults=${JSON.stringify(faults)}, start=10, horizon=5, mask=True) as env:
    obs, info = env.reset(seed=1)
    m0 = info["action_mask"]
    obs, r, te, tr, info = env.step({})
    print(json.dumps({"len": len(m0), "count": sum(m0), "kept": info["action_mask"] is m0, "api": env.action_masks() is m0, "type": type(m0).__name__}))
`;
  const py = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const p = JSON.parse(py.stdout);
  assert.deepEqual(p, { len: 50752, count: first.actionMaskCount, kept: true, api: true, type: 'bytes' });
});

test('--help of each environment command has examples', () => {
  for (const c of ['actions', 'replay', 'serve']) {
    const r = run([c, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Examples:/);
    assert.match(r.out, new RegExp(`powerflow ${c}`));
  }
});

test('powerflow serve: a number beyond the largest double (1e400) is named as not finite, the session goes on, nothing written', () => {
  const cwd = tmp();
  const reqs = [
    '{"cmd":"reset","seed":1}',
    '{"cmd":"step","action":{"open":[33,34,35,36,37],"mtPKw":[1e400,0,0],"mtQKvar":[0,0,0]},"id":"x"}',
    '{"cmd":"vstep","actions":[1,{"pickup":[-2E+999]}]}',
    '{"cmd":"reset","seed":1e400}',
    '{"cmd":"step","action":{"config":0}}',
  ];
  const r = spawnSync(process.execPath, [CLI, 'serve', '--obs', 'case33py', '--faults', 'none'], { cwd, input: reqs.join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const res = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(res.length, 5);
  assert.deepEqual(res[1], { id: 'x', error: 'action.mtPKw[0]: expected a finite number, found 1e400 (beyond the largest double, 1.8e308)' });
  assert.match(res[2].error, /^actions\[1\]\.pickup\[0\]: expected a finite number, found -2E\+999 /);
  assert.match(res[3].error, /^seed: expected a finite number, found 1e400 /);
  for (const e of res.slice(1, 4)) assert.doesNotMatch(e.error, /null/);
  assert.equal(typeof res[4].reward, 'number', 'the session goes on');
  assert.deepEqual(fs.readdirSync(cwd), []);
  fs.rmSync(cwd, { recursive: true });
});

test('powerflow actions / replay: an output under a plain file or with too long a name is exit 2, one line, nothing written', () => {
  const dir = tmp();
  const file = path.join(dir, 'F');
  fs.writeFileSync(file, 'x');
  const long = 'n'.repeat(300);
  const cases: [string[], RegExp][] = [
    [['actions', '--out', path.join(file, 'a')], /^powerflow: option --out: ".*F" is a file, not a directory\n$/],
    [['replay', '--actions', EXAMPLE, '--start', '1', '--faults', 'none', '--out', path.join(file, 'x.csv')],
      /^powerflow: option --out: ".*F" is a file, not a directory\n$/],
    [['replay', '--actions', EXAMPLE, '--start', '1', '--faults', 'none', '--out', path.join(dir, `${long}.csv`)],
      /^powerflow: option --out: expected a file name of at most \d+ bytes .*of 304 bytes\n$/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args[0]}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.out, '');
  }
  assert.deepEqual(fs.readdirSync(dir), ['F']);
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
  fs.rmSync(dir, { recursive: true });
});

test('--help of every powerflow command prints the exit codes exactly once', () => {
  const { buildProgram } = require('./powerflow') as typeof import('./powerflow');
  const names = buildProgram().commands.map((c) => c.name());
  assert.deepEqual(names, ['run', 'actions', 'replay', 'serve']);
  for (const c of names) {
    const r = run([c, '--help']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('Exit codes:').length - 1, 1, `powerflow ${c} --help`);
  }
});

test('serve --action-space move --obs vector --mask: spaces, labels, and the move mask over the pipe equal to the library', () => {
  const events = path.join(ROOT, 'data', 'ieee33', 'event-repair.csv');
  const opts = ['--action-space', 'move', '--obs', 'vector', '--mask', '--mode', 'restore', '--events', events, '--start', '120', '--horizon', '24'];
  const reqs = [{ cmd: 'spaces' }, { cmd: 'reset', seed: 3 }, { cmd: 'step', action: { move: 667 } },
    { cmd: 'step', action: { move: 0, mtLevel: [0, 2, 4] } }, { cmd: 'step', action: { move: 668 } }];
  const r = run(['serve', ...opts], reqs.map((q) => JSON.stringify(q)).join('\n') + '\n');
  assert.equal(r.code, 0, r.err);
  const [spaces, reset, keep, moved, bad] = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual({ kind: spaces.discreteAction.kind, n: spaces.discreteAction.n, keep: spaces.discreteAction.keep }, { kind: 'move', n: 668, keep: 667 });
  assert.equal(spaces.discreteAction.labels[667], 'keep');
  assert.equal(spaces.discreteAction.labels[666], 'close L37');
  assert.equal(spaces.observationNames.length, 226);
  assert.deepEqual(spaces.observation.shape, [226]);
  assert.ok(spaces.observation.low.every((v: unknown) => typeof v === 'number'), 'finite bounds, no "inf"');
  assert.deepEqual([spaces.mt, spaces.mtLevels], ['action', 4]);
  assert.equal(reset.observation.length, 226);
  // the library environment with the same options and seed computes the same mask
  const { loadCase } = require(path.join(ROOT, 'dist', 'grid', 'load-case'));
  const { loadSeries, withEventTable } = require(path.join(ROOT, 'dist', 'grid', 'series'));
  const { RestorationEnv } = require(path.join(ROOT, 'dist', 'env', 'restoration-env'));
  const net = loadCase(path.join(ROOT, 'data', 'ieee33'));
  const series = withEventTable(loadSeries(net, path.join(ROOT, 'data', 'ieee33')), net, events);
  const env = new RestorationEnv({ net, series, mode: 'restore', actions: 'move', actionMask: true, observation: 'vector', start: 120, horizon: 24 });
  const lib = env.reset({ seed: 3 });
  const unpack = (b64: string, n: number): number[] => {
    const raw = Buffer.from(b64, 'base64');
    return Array.from({ length: n }, (_, c) => (raw[c >> 3] >> (c & 7)) & 1);
  };
  assert.deepEqual(unpack(reset.info.actionMaskBits, 668), Array.from(lib.info.actionMask));
  assert.deepEqual(reset.observation, Array.from(lib.observation));
  // keep: same state, the mask is not sent again
  assert.equal(keep.info.valid, true);
  assert.equal(keep.info.actionMaskBits, undefined);
  const libMoved = (env.step({ move: 667 }), env.step({ move: 0, mtLevel: [0, 2, 4] }));
  assert.equal(moved.info.valid, libMoved.info.valid);
  assert.equal(moved.reward, libMoved.reward);
  assert.match(bad.error ?? bad.info.errors.join(';'), /move 668 outside 0\.\.667 \(667 = keep\)/);
});
