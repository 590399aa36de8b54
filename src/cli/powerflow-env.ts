/**
 * Environment commands of `powerflow`:
 *   actions  the table of radial configurations (CSV + JSON + manifest)
 *   replay   a file of actions through the environment into an MDP chain (CSV + manifest)
 *   serve    the environment over stdin/stdout, one JSON object per line
 */
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Command } from 'commander';
import { checkOutputFile, choice, configure, loadContext, dataFiles, parseIntStrict, parseFloatStrict, UsageError, CaseContext } from './common';
import { writeFileAtomic } from '../io/atomic';
import { buildManifest, writeManifest } from '../io/manifest';
import { loadWeights } from '../powerflow/reward';
import {
  RestorationEnv, EnvOptions, FaultSource, ActionError, Termination, TERMINATIONS, EnvMode, ObservationEncoding, ResetOptions,
  OBSERVATION_ENCODINGS, DISCRETE_KINDS, MT_CONTROLS, DiscreteKind, MtControl,
} from '../env/restoration-env';
import { withEventTable } from '../grid/series';
import { readScenarioFile } from '../env/scenarios';
import { spaceToJSON } from '../env/spaces';
import { VectorRestorationEnv } from '../env/vector-env';
import { enumerateRadialConfigurations } from '../topology/spanning-trees';
import { chainSchema, DEFAULT_SCHEMA, SchemaError, SchemaName, SCHEMA_NAMES } from '../mdp/schema';
import { readActionFile } from '../mdp/action-file';
import { Transition } from '../mdp/types';

interface EnvCliOptions {
  data?: string;
  mode: string;
  start?: string;
  horizon?: string;
  weights?: string;
  faults?: string;
  noise?: string;
  obs: string;
  seed?: string;
  termination: string;
  mask?: boolean;
  actionSpace?: string;
  mt?: string;
  mtLevels?: string;
  events?: string;
  forecast?: boolean;
}

function addEnvOptions(cmd: Command, withStart: boolean): Command {
  cmd
    .option('--data <dir>', 'case directory (buses.csv, lines.csv, generators.csv and series)')
    .option('--mode <mode>', 'reconfig (every bus supplied radially from the substation) or restore (faults may split the feeder, MTs may energize ' +
      'islands)', choice('--mode', ['reconfig', 'restore']), 'reconfig')
    .option('--weights <file>', 'JSON file of reward weights (defaults reproduce the original)')
    .option('--faults <source>', 'series (the event table, default when there is one), none, or a scenario file from faultmaker (.csv or .json)')
    .option('--noise <sd>', 'standard deviation of the multiplicative Gaussian noise on observed loads', '0')
    .option('--termination <rule>', 'default = powerflow (only a failed power flow ends an episode; lost supply is paid through the reward), any-loss ' +
      '(the original: any dark bus ends it), supply-lost (a dark bus that switching could supply ends it)', choice('--termination', [...TERMINATIONS]),
      'default')
    .option('--seed <n>', 'seed of the generator (random start, scenario draw, noise)', '0')
    .option('--events <file>', 'event table to use instead of the case\'s event.csv (same format and rows, e.g. data/ieee33/event-repair.csv); implies ' +
      '--faults series')
    .option('--mt <control>', 'MT control: action (set-points in the action), fixed (held at pMin from reset), off (off throughout)',
      choice('--mt', [...MT_CONTROLS]), 'action')
    .option('--mt-levels <n>', 'levels of the discrete mtLevel action, off included (off, then pMin..pMax evenly)', '4');
  if (withStart) {
    cmd
      .option('--start <t>', 'first step of an episode (0-based row of the series) or "random"', '0')
      .option('--horizon <n>', 'steps per episode (default: 24, or fewer when the series is shorter)')
      .option('--obs <encoding>', 'observation encoding: case33py (the original\'s 40 values), full (an object of arrays) or vector (one flat vector ' +
        'with finite bounds)', choice('--obs', [...OBSERVATION_ENCODINGS]), 'full')
      .option('--action-space <space>', 'discrete action space of the mask: config (radial configurations), move (close one open line and open one of ' +
        'its loop, or close one), toggle (flip one switch); keep is the last index of each', choice('--action-space', [...DISCRETE_KINDS]), 'config')
      .option('--forecast', 'vector observation: add the perfect forecast of step t+1 (loads, PV/WT, price) that the expert uses')
      .option('--mask', 'put the action mask of the discrete action space (--action-space) in every info');
  }
  return cmd;
}

function faultSource(ctx: CaseContext, spec: string | undefined): FaultSource | undefined {
  if (spec === undefined) return undefined;
  if (spec === 'series') {
    if (!ctx.series?.faulted) throw new UsageError(`the case in ${ctx.dir} has no event.csv`, '--faults');
    return { kind: 'series' };
  }
  if (spec === 'none') return { kind: 'none' };
  return { kind: 'scenarios', scenarios: readScenarioFile(spec, ctx.net) };
}

function buildEnv(o: EnvCliOptions, extra: Partial<EnvOptions> = {}): { env: RestorationEnv; ctx: CaseContext; files: string[]; options: EnvOptions } {
  const ctx = loadContext(o.data, true);
  if (!ctx.series) throw new UsageError(`the case in ${ctx.dir} has no load.csv: the environment needs a time series`, '--data');
  if (o.events !== undefined) {
    if (o.faults !== undefined && o.faults !== 'series') throw new UsageError(`--events gives the faults: it cannot be used with --faults ${o.faults}`,
      '--events');
    ctx.series = withEventTable(ctx.series, ctx.net, o.events);
  }
  const mtLevels = parseIntStrict(o.mtLevels ?? '4', '--mt-levels', 2, 101);
  const weights = loadWeights(o.weights);
  const faults = faultSource(ctx, o.events !== undefined ? 'series' : o.faults);
  const noise = parseFloatStrict(o.noise ?? '0', '--noise');
  if (noise < 0) throw new UsageError(`expected a standard deviation >= 0, found ${noise}`, '--noise');
  const seed = parseIntStrict(o.seed ?? '0', '--seed', 0, 2 ** 32 - 1);
  const steps = ctx.series.steps;
  if (steps < 2) throw new UsageError(`the series in ${ctx.dir} has ${steps} step: an episode needs at least 2`, '--data');
  // an action at step t is evaluated at t + 1: a series of S steps holds episodes of up to S - 1 steps
  const horizon = o.horizon !== undefined ? parseIntStrict(o.horizon, '--horizon', 1, steps - 1) : Math.min(24, steps - 1);
  let start: number | 'random' | undefined;
  if (o.start !== undefined) {
    start = o.start === 'random' ? 'random' : parseIntStrict(o.start, '--start', 0, steps - 1 - (horizon ?? 1));
  }
  const options: EnvOptions = {
    net: ctx.net,
    series: ctx.series,
    mode: o.mode as EnvMode,
    start,
    horizon,
    weights,
    faults,
    noiseSd: noise,
    observation: o.obs as ObservationEncoding,
    seed,
    termination: o.termination as Termination,
    actionMask: !!o.mask,
    actions: (o.actionSpace ?? 'config') as DiscreteKind,
    mt: (o.mt ?? 'action') as MtControl,
    mtLevels,
    forecast: !!o.forecast,
    ...extra,
  };
  if (options.forecast && options.observation !== 'vector') throw new UsageError('the forecast is part of the vector observation: add --obs vector',
    '--forecast');
  const env = new RestorationEnv(options);
  const files = dataFiles(ctx);
  if (o.weights) files.push(o.weights);
  if (faults?.kind === 'scenarios') files.push(o.faults!);
  // a feeder whose move table is too large: say so now, not at the first step
  if (options.actions === 'move') {
    try {
      env.moveTable();
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message, '--action-space');
      throw e;
    }
  }
  return { env, ctx, files, options };
}

// ---------------------------------------------------------------- actions

/** The three files of `powerflow actions --out PREFIX` can be written (checked before any work). */
function checkPrefix(prefix: string): void {
  for (const s of ['.csv', '.json', '.manifest.json']) checkOutputFile(prefix + s, '--out');
}

function actionsCommand(): Command {
  return configure(new Command('actions'))
    .description('write the table of radial configurations of the case (the discrete action space): CSV, JSON and a manifest')
    .option('--data <dir>', 'case directory')
    .option('--out <prefix>', 'output prefix: writes PREFIX.csv, PREFIX.json, PREFIX.manifest.json (default out/actions/<case>)')
    .option('--limit <n>', 'refuse cases with more configurations than this', '5000000')
    .addHelpText('after', `
Rows are the configurations in lexicographic order of their open lines (1-based line ids); the
row number (from 0) is the action index "config" of the environment. Their count equals the number
of spanning trees of the feeder graph with the substations merged (matrix-tree theorem).
A summary JSON object is printed on stdout.

Examples:
  powerflow actions                                   # IEEE 33-bus: 50751 configurations
  powerflow actions --data data/ieee33-24h --out out/actions/ieee33-24h`)
    .action((opts: { data?: string; out?: string; limit: string }) => {
      const limit = parseIntStrict(opts.limit, '--limit', 1);
      if (opts.out !== undefined) checkPrefix(opts.out);
      const ctx = loadContext(opts.data, false);
      let table;
      try {
        table = enumerateRadialConfigurations(ctx.net, limit);
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message, '--limit');
        throw e;
      }
      const prefix = opts.out ?? path.join('out', 'actions', ctx.net.name);
      checkPrefix(prefix);
      const k = table.openCount;
      const ids = (c: number): number[] => Array.from(table.open.subarray(c * k, (c + 1) * k), (l) => ctx.net.lines[l].id);
      const csv: string[] = [['config', ...Array.from({ length: k }, (_, j) => `open_${j + 1}`)].join(',')];
      const rows: number[][] = [];
      for (let c = 0; c < table.count; c++) {
        const r = ids(c);
        rows.push(r);
        csv.push(`${c},${r.join(',')}`);
      }
      const json = { case: ctx.net.name, count: table.count, openCount: k, lineIds: 'configurations hold 1-based line ids of the open lines',
        configurations: rows };
      writeFileAtomic(prefix + '.csv', csv.join('\n') + '\n');
      writeFileAtomic(prefix + '.json', JSON.stringify(json) + '\n');
      writeManifest(prefix + '.manifest.json', buildManifest('powerflow', { command: 'actions', data: ctx.dir, out: prefix }, dataFiles(ctx),
        { count: table.count, openCount: k }));
      process.stdout.write(JSON.stringify({ count: table.count, openCount: k, csv: prefix + '.csv', json: prefix + '.json',
        manifest: prefix + '.manifest.json' }) + '\n');
    });
}

// ---------------------------------------------------------------- replay

function replayCommand(): Command {
  const cmd = configure(new Command('replay'))
    .description('run a file of actions (one per step) through the environment and write the MDP chain S(t), A(t), R(t+1), S(t+1)')
    .requiredOption('--actions <file>', 'CSV of actions, one row per step (layouts: see below)')
    .requiredOption('--start <t>', 'step of the first action (0-based row of the series)')
    .requiredOption('--out <file.csv>', 'the chain CSV; a manifest NAME.manifest.json is written beside it')
    .option('--schema <name>', 'chain columns: full (default: every step, with episode, terminated, truncated, config) or case33py (the original\'s 92 ' +
      'columns)', choice('--schema', [...SCHEMA_NAMES]), DEFAULT_SCHEMA)
    .option('--episode <H>', 'steps per episode: the environment is reset (normal topology) every H actions, as mdpc run does (default: all actions in ' +
      'one episode)');
  addEnvOptions(cmd, false);
  return cmd
    .addHelpText('after', `
Action file layouts (header required, recognised by its columns; an A(t)_ prefix is allowed, so a
chain file is itself an action file):
  case33py  Pmt_1..,Qmt_1..,open_line_1..  (0-based line indices, -99 = empty slot, as the original)
  full      open_L<id> (0/1 per line), pMtKw_G<id>, qMtKvar_G<id>
  config    config (index into the table of "powerflow actions"), optional MT columns
  open      open ("33 34 35 36 37", 1-based line ids), optional MT columns
Action A(t) takes effect at step t+1 (R(t+1) and S(t+1) are computed there), as in the original.
The environment is reset at the start of each episode and, after a step that terminates, at the
next step (the rest of the episode), as in mdpc run; the chain's episode column numbers the
episodes from 0, truncated marks each episode's last row. The chain is written at the end,
atomically; with --schema case33py a transition that does not fit (more lines open or faulted
than its slots) is an error (exit 2, nothing written) naming the step: use --schema full.
A summary JSON object is printed on stdout.

Examples:
  # the original's example actions (from the checkout), full schema; then in the original's layout
  powerflow replay --actions src/mdp/fixtures/case33py_mdpc_example.csv --start 1 --faults none --out out/res_MDPC/example-full.csv
  powerflow replay --actions src/mdp/fixtures/case33py_mdpc_example.csv --start 1 --schema case33py --faults none --out out/res_MDPC/example.csv
  powerflow replay --actions out/res_MDPC/tendays.csv --start 0 --episode 24 --out out/res_MDPC/tendays-replayed.csv   # an mdpc run chain again`)
    .action((opts: EnvCliOptions & { actions: string; out: string; schema: string; start: string; episode?: string }) => {
      if (!/\.csv$/i.test(opts.out)) throw new UsageError(`expected a file name ending in .csv, found "${opts.out}"`, '--out');
      for (const f of [opts.out, opts.out.replace(/\.csv$/i, '.manifest.json')]) checkOutputFile(f, '--out');
      const ctx0 = loadContext(opts.data, true);
      if (!ctx0.series) throw new UsageError(`the case in ${ctx0.dir} has no load.csv: the environment needs a time series`, '--data');
      const af = readActionFile(opts.actions, ctx0.net);
      const n = af.actions.length;
      const steps = ctx0.series.steps;
      const start = parseIntStrict(opts.start, '--start', 0, steps - 1);
      if (start + n > steps - 1) throw new UsageError(`${n} actions from step ${start} need steps up to ${start + n}, the series ends at ${steps - 1}`,
        '--start');
      const episodeLength = opts.episode !== undefined ? parseIntStrict(opts.episode, '--episode', 1, 1_000_000) : n;
      const { env, ctx, files } = buildEnv({ ...opts, obs: 'full', start: String(start), horizon: String(Math.min(n, episodeLength)) });
      const schema = chainSchema(opts.schema as SchemaName, ctx.net);
      const rows: string[] = [schema.header];
      let total = 0;
      let invalid = 0;
      let terminatedAt: number | null = null;
      let terminations = 0;
      const episodes: { index: number; start: number; length: number }[] = [];
      for (let t = start, k = 0; t < start + n; t += episodeLength, k++) episodes.push({ index: k, start: t, length: Math.min(episodeLength, start + n - t) });
      for (const ep of episodes) {
        env.reset({ options: { start: ep.start, horizon: ep.length } });
        for (let k = 0; k < ep.length; k++) {
          const i = ep.start - start + k;
          const r = env.step(af.actions[i]);
          const tr: Transition = { ...(env.lastTransition() as Transition), episode: ep.index };
          try {
            rows.push(schema.formatRow(tr));
          } catch (e) {
            if (e instanceof SchemaError) throw new UsageError(`${opts.actions}, action row ${i + 1}: ` +
              `${e.message.replace(/\(use the full schema\)$/, '')}: use --schema full (the default)`, '--schema');
            throw e;
          }
          total += r.reward;
          if (!r.info.valid) invalid++;
          if (r.terminated) {
            terminations++;
            if (terminatedAt === null) terminatedAt = tr.s1.step;
            // as mdpc run: the rest of the episode starts again from the normal topology
            if (k + 1 < ep.length) env.reset({ options: { start: tr.s1.step, horizon: ep.length - k - 1 } });
          }
        }
      }
      const manifestFile = opts.out.replace(/\.csv$/i, '.manifest.json');
      writeFileAtomic(opts.out, rows.join('\n') + '\n');
      writeManifest(manifestFile, buildManifest('powerflow', { command: 'replay', ...opts }, [...files, opts.actions], {
        schema: schema.name, columns: schema.columns.length, rows: n, episodes: episodes.length, episodeLength, actionLayout: af.layout, totalReward: total,
          invalidActions: invalid, terminatedAt, terminations,
      }));
      process.stdout.write(JSON.stringify({ out: opts.out, manifest: manifestFile, schema: schema.name, columns: schema.columns.length, rows: n,
        episodes: episodes.length, actionLayout: af.layout, totalReward: total, invalidActions: invalid, terminatedAt, terminations }) + '\n');
    });
}

// ---------------------------------------------------------------- serve

/**
 * JSON text of a response: typed arrays as arrays. Written by hand (JSON.stringify with a replacer
 * calls it once per element: 190 us for one vector-observation step reply, this takes a tenth).
 */
export function toJsonLine(obj: unknown): string {
  if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
    const a = obj as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return JSON.stringify(Array.from(a));
    return '[' + Array.prototype.join.call(a, ',') + ']';
  }
  if (Array.isArray(obj)) return '[' + obj.map((v) => (v === undefined || typeof v === 'function' ? 'null' : toJsonLine(v))).join(',') + ']';
  if (obj !== null && typeof obj === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(JSON.stringify(k) + ':' + toJsonLine(v));
    }
    return '{' + parts.join(',') + '}';
  }
  return JSON.stringify(obj) ?? 'null';
}

/** A serve session: the environment, and the vectorised one once `vreset` asked for it. */
export interface ServeSession {
  env: RestorationEnv;
  options: EnvOptions;
  vec: VectorRestorationEnv | null;
  /** the masks last sent (the environment's, then one per vectorised environment): sent again only when they change */
  sentMask?: Uint8Array | null;
  sentVecMasks?: (Uint8Array | null)[];
}

/** The mask as a packed bitset (bit c of byte c >> 3, least significant bit first), base64. */
export function packMask(mask: Uint8Array): string {
  const bytes = Buffer.alloc((mask.length + 7) >> 3);
  for (let c = 0; c < mask.length; c++) if (mask[c]) bytes[c >> 3] |= 1 << (c & 7);
  return bytes.toString('base64');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** packed masks by mask array (the environment returns the same array for the same faults) */
const packedMasks = new WeakMap<Uint8Array, { bits: string; count: number }>();

/**
 * The action mask over the pipe: `actionMaskBits` (packMask), `actionMaskCount` (valid
 * configurations) and `maskFaults` only when the mask differs from the one last sent to this
 * client for that environment (always after reset); otherwise nothing, and the client keeps the
 * mask it has. An episode's final info (vstep) carries no mask.
 */
function compactInfo(info: Record<string, unknown>, last: Uint8Array | null | undefined, force: boolean): { info: Record<string,
  unknown>; sent: Uint8Array | null | undefined } {
  const mask = info.actionMask as Uint8Array | undefined;
  const final = info.final as { info: Record<string, unknown> } | undefined;
  const { actionMask: _m, ...rest } = info;
  if (final) rest.final = { ...final, info: (({ actionMask: _f, ...fi }) => fi)(final.info) };
  if (!mask) return { info: rest, sent: last };
  if (!force && last && (mask === last || sameBytes(mask, last))) {
    delete rest.maskFaults;
    return { info: rest, sent: last };
  }
  let packed = packedMasks.get(mask);
  if (!packed) {
    let count = 0;
    for (let c = 0; c < mask.length; c++) count += mask[c];
    packed = { bits: packMask(mask), count };
    packedMasks.set(mask, packed);
  }
  rest.actionMaskBits = packed.bits;
  rest.actionMaskCount = packed.count;
  return { info: rest, sent: mask };
}

function compactOne(session: ServeSession, info: Record<string, unknown>, force: boolean): Record<string, unknown> {
  const c = compactInfo(info, session.sentMask, force);
  session.sentMask = c.sent;
  return c.info;
}

function compactMany(session: ServeSession, infos: Record<string, unknown>[], force: boolean): Record<string, unknown>[] {
  const sent = (session.sentVecMasks ??= []);
  return infos.map((info, i) => {
    const c = compactInfo(info, sent[i], force);
    sent[i] = c.sent ?? null;
    return c.info;
  });
}

const MAX_VECTOR = 1024;

function checkResetOptions(r: Record<string, unknown>): ResetOptions {
  if (r.seed !== undefined && r.seed !== null && (typeof r.seed !== 'number' || !Number.isInteger(r.seed))) throw new ActionError('seed: expected an integer');
  const options = r.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ActionError('options: expected an object');
  for (const k of Object.keys(options)) if (!['start', 'horizon', 'scenario', 'actionMask'].includes(k)) throw new ActionError(`options: unknown key ` +
    `"${k}", expected start, horizon, scenario, actionMask`);
  return options as ResetOptions;
}

/** Path (like action.mtPKw[0]) of the first number in a parsed request that is not finite; null if none. */
export function nonFinitePath(v: unknown, at: string): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : at;
  if (typeof v !== 'object' || v === null) return null;
  for (const [k, x] of Object.entries(v)) {
    const p = nonFinitePath(x, Array.isArray(v) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
    if (p !== null) return p;
  }
  return null;
}

/** The number literals of a JSON text, in order (strings skipped), as written. */
function numberTokens(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (m) {
        out.push(m[0]);
        i += m[0].length - 1;
      }
    }
  }
  return out;
}

/** Handle one request line of the serve protocol; returns the response line (no newline) and whether to stop. */
export function handleRequest(session: ServeSession, line: string): { response: string; stop: boolean } {
  const env = session.env;
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return { response: JSON.stringify({ error: 'malformed JSON: expected one JSON object per line' }), stop: false };
  }
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return { response: JSON.stringify({ error: 'expected a JSON object with "cmd"' }),
    stop: false };
  const r = req as Record<string, unknown>;
  const id = r.id;
  const withId = (o: Record<string, unknown>): Record<string, unknown> => (id === undefined ? o : { id, ...o });
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would show as null
  const overflow = nonFinitePath(r, '');
  if (overflow !== null) {
    const text = numberTokens(line).find((t) => !Number.isFinite(Number(t)));
    return { response: JSON.stringify(withId({ error: `${overflow}: expected a finite number, found ${text ?? 'a number'} (beyond the largest double, ` +
      `1.8e308)` })), stop: false };
  }
  try {
    switch (r.cmd) {
      case 'reset': {
        const options = checkResetOptions(r);
        const out = env.reset({ seed: (r.seed as number | null) ?? undefined, options });
        const info = compactOne(session, out.info as unknown as Record<string, unknown>, true);
        return { response: toJsonLine(withId({ observation: out.observation, info })), stop: false };
      }
      case 'vreset': {
        const options = checkResetOptions(r);
        const n = r.n ?? session.vec?.size;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_VECTOR) throw new ActionError(`n: expected the number of environments, an ` +
          `integer in 1..${MAX_VECTOR}`);
        if (!session.vec || session.vec.size !== n) session.vec = new VectorRestorationEnv(n,
          { ...session.options, radialTable: env.tableIfBuilt() ?? undefined });
        const out = session.vec.reset({ seed: (r.seed as number | null) ?? undefined, options });
        const infos = compactMany(session, out.infos as unknown as Record<string, unknown>[], true);
        return { response: toJsonLine(withId({ observations: out.observations, infos })), stop: false };
      }
      case 'vstep': {
        if (!session.vec) throw new ActionError('vstep before vreset');
        if (!Array.isArray(r.actions)) throw new ActionError(`vstep: expected "actions", an array of ${session.vec.size} actions`);
        const out = session.vec.step(r.actions as never);
        const infos = compactMany(session, out.infos as unknown as Record<string, unknown>[], false);
        return { response: toJsonLine(withId({ ...out, infos })), stop: false };
      }
      case 'step': {
        if (!('action' in r)) throw new ActionError('step: expected "action"');
        const out = env.step(r.action as never);
        const info = compactOne(session, out.info as unknown as Record<string, unknown>, false);
        return { response: toJsonLine(withId({ ...out, info })), stop: false };
      }
      case 'spaces': {
        // a feeder with too many radial configurations has no index form
        let configAction: unknown = null;
        try {
          configAction = spaceToJSON(env.configActionSpace());
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
        }
        const n = env.discreteSize();
        const discreteAction = { kind: env.actionKind, n, keep: n - 1,
          labels: env.actionKind !== 'config' ? Array.from({ length: n }, (_, i) => env.discreteLabel(i)) : null };
        return {
          response: JSON.stringify(withId({
            observation: spaceToJSON(env.observationSpace),
            action: spaceToJSON(env.actionSpace),
            configAction,
            encoding: env.encoding,
            observationNames: env.encoding === 'vector' ? env.vector.names : null,
            discreteAction,
            mt: env.mtControl,
            mtLevels: env.mtLevels,
            mode: env.mode,
            lineIds: env.net.lines.map((l) => l.id),
            busIds: env.net.buses.map((b) => b.id),
            mtIds: env.mts.map((g) => env.net.generators[g].id),
          })),
          stop: false,
        };
      }
      case 'configs': {
        const tb = env.radialTable();
        const k = tb.openCount;
        const rows: number[][] = [];
        for (let c = 0; c < tb.count; c++) rows.push(Array.from(tb.open.subarray(c * k, (c + 1) * k), (l) => env.net.lines[l].id));
        return { response: JSON.stringify(withId({ count: tb.count, openCount: k, configurations: rows })), stop: false };
      }
      case 'close':
        return { response: JSON.stringify(withId({ ok: true })), stop: true };
      default:
        throw new ActionError(`unknown cmd ${JSON.stringify(r.cmd)}, expected reset, step, vreset, vstep, spaces, configs, close`);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { response: JSON.stringify(withId({ error: msg })), stop: false };
  }
}

function serveCommand(): Command {
  const cmd = configure(new Command('serve'))
    .description('serve the environment over stdin/stdout: one JSON request per line, one JSON response line each');
  addEnvOptions(cmd, true);
  return cmd
    .addHelpText('after', `
Requests (an optional "id" is echoed back):
  {"cmd":"reset","seed":1,"options":{"start":120,"horizon":24,"scenario":3,"actionMask":true}}
      -> {"observation":...,"info":{...}}
  {"cmd":"step","action":{"open":[33,34,35,36,37],"mtPKw":[750,125,375],"mtQKvar":[0,0,0]}}
  {"cmd":"step","action":{"config":1234}}        {"cmd":"step","action":{"switches":[0,...,1]}}
  {"cmd":"step","action":{"move":12,"mtLevel":[0,4,2]}}   a local move and MT levels (--action-space move);
      the last index of each discrete part is "keep": {"move":N} with N = moves, mtLevel = --mt-levels
      -> {"observation":...,"reward":-1.2,"terminated":false,"truncated":false,"info":{...}}
  {"cmd":"vreset","n":16,"seed":1,"options":{...}}   N environments (seeds seed..seed+N-1)
      -> {"observations":[...],"infos":[...]}
  {"cmd":"vstep","actions":[a0,...,a15]}   one step of each; an environment whose episode ends is
      reset at once (infos[i].final holds its last observation and info)
      -> {"observations":[...],"rewards":[...],"terminated":[...],"truncated":[...],"infos":[...]}
  {"cmd":"spaces"}   -> observation, action (switch form) and configAction (index form) spaces,
      observationNames (--obs vector), discreteAction {kind, n, keep, labels}, mt, mtLevels
  {"cmd":"configs"}  -> the table of radial configurations (1-based line ids)
  {"cmd":"close"}    -> {"ok":true}, then the process exits
A malformed or invalid request is answered with {"error":"..."} and the session goes on; end of
input ends the session cleanly (exit 0). Infinite space bounds are written as "inf" / "-inf".
With --mask (or the reset option actionMask), info carries the mask of the discrete action space
(--action-space) only when it changes (always after a reset): "actionMaskBits" (base64 of a packed
bitset, bit i of byte i>>3 least significant first, 1 = step accepts index i in the returned
observation's state; keep, the last index, is always 1), "actionMaskCount" and "maskFaults" (the
faulted line ids); without them the last mask sent still holds.
Python: scripts/python/case33_env.py wraps this as a Gymnasium-style class (standard library only);
scripts/python/case33ts_gym.py is a gymnasium.Env on top of it (ids case33ts/Reconfig-v0, case33ts/Restore-v0).

Examples:
  echo '{"cmd":"reset","seed":1}' | powerflow serve --obs case33py --faults none
  echo '{"cmd":"spaces"}' | powerflow serve --obs vector --action-space move --mask --mode restore --events data/ieee33/event-repair.csv
  powerflow serve --mode restore --faults out/res_faultmaker/n2.csv --start random --horizon 24   # N-2 scenarios of "faultmaker enumerate --k 2"`)
    .action(async (opts: EnvCliOptions) => {
      const { env, options } = buildEnv(opts);
      const session: ServeSession = { env, options, vec: null };
      // the client went away: end quietly
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
      await new Promise<void>((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
        let done = false;
        rl.on('line', (line) => {
          if (done) return;
          if (line.trim() === '') return;
          const { response, stop } = handleRequest(session, line);
          process.stdout.write(response + '\n');
          if (stop) {
            done = true;
            rl.close();
          }
        });
        rl.on('close', () => resolve());
      });
    });
}

export function registerEnvCommands(program: Command): void {
  program.addCommand(actionsCommand());
  program.addCommand(replayCommand());
  program.addCommand(serveCommand());
}

