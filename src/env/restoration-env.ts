/**
 * RestorationEnv: the Gym-like distribution-restoration environment.
 *
 *   reset({seed, options}) -> {observation, info}
 *   step(action)           -> {observation, reward, terminated, truncated, info}
 *
 * Timing (as the original's MDP chains): at step t the agent sees S(t) (loads, generation, switch
 * states and faults at t); its action A(t) takes effect at t+1: the power flow runs on step t+1's
 * loads, PV/WT and faults, giving R(t+1) and S(t+1).
 *
 * Action handling (documented in the README):
 *  - malformed action (wrong type or length, both `open` and `switches`, ...): ActionError thrown,
 *    nothing changes (the serve protocol answers {"error": ...});
 *  - unknown line id, configuration index out of range, in reconfig mode a commanded topology that
 *    is not radial from the substations: rejected; the previous switch states and MT set-points stay, the step is
 *    taken, info.valid = false, info.errors says why, and the reward carries invalidActionPenalty;
 *  - a line faulted when the action takes effect but left closed: opened by protection (clipped,
 *    info.clipped), no penalty;
 *  - MT set-point outside its limits: clipped (P <= 0 means off; 0 < P < pMin -> pMin; P > pMax ->
 *    pMax; Q into [qMin, qMax]), reported in info.clipped, no penalty. An unavailable MT is off.
 * Termination: the power flow does not converge; or supply is lost that must be kept: reconfig
 * mode, any de-energized bus (the original's rule); restore mode, a de-energized bus that is
 * connected to a substation through lines that are not faulted, or an MT holding an island
 * beyond its pMax. Truncation at the horizon.
 *
 * All randomness (random start, scenario draw, measurement noise) comes from one Rng seeded at reset.
 */
import { Network } from '../grid/network';
import { Series, Snapshot, emptySnapshot, snapshot } from '../grid/series';
import { PowerFlow } from '../powerflow/solver';
import { PfRequest, PfResult } from '../powerflow/types';
import { isRadialFromSubstations, reachable } from '../topology/graph';
import { RadialTable, enumerateRadialConfigurations, findConfiguration } from '../topology/spanning-trees';
import { Rng } from '../util/rng';
import { DEFAULT_WEIGHTS, RewardWeights, computeReward } from './reward';
import { Space, box, dict, discrete, multiBinary } from './spaces';
import { ChainAction, ChainReward, ChainState, Transition } from '../mdp/types';
import { Case33pyLayout, PAD, case33pyLayout, netLoadKw } from '../mdp/schema';

export type EnvMode = 'reconfig' | 'restore';
export type ObservationEncoding = 'case33py' | 'full';
export type Termination = 'default' | 'any-loss' | 'powerflow';

/** Where faults come from: the series' event table, none, or a list of scenarios (0-based line indices). */
export type FaultSource = { kind: 'series' } | { kind: 'none' } | { kind: 'scenarios'; scenarios: number[][] };

export interface EnvOptions {
  net: Network;
  series: Series;
  mode?: EnvMode;
  /** first step of an episode (0-based row of the series), or 'random' (drawn at reset) */
  start?: number | 'random';
  /** steps per episode */
  horizon?: number;
  weights?: Partial<RewardWeights>;
  /** default: the series' event table when it has one, else none */
  faults?: FaultSource;
  /** standard deviation of the multiplicative Gaussian noise on observed loads (0 = exact) */
  noiseSd?: number;
  observation?: ObservationEncoding;
  seed?: number;
  termination?: Termination;
  /** case33py observation: faulted-line slots (the original: 2) */
  faultSlots?: number;
  /** put the action mask over the radial-configuration table in every info (builds the table) */
  actionMask?: boolean;
  /** a table of radial configurations built already for this network (shared by vectorised environments) */
  radialTable?: RadialTable;
}

export interface ResetOptions {
  start?: number | 'random';
  horizon?: number;
  /** index of the fault scenario (scenario source); default drawn by the generator */
  scenario?: number;
  actionMask?: boolean;
}

/** The action, in any of its forms (see the README). */
export type Action =
  | number
  | {
      switches?: ArrayLike<number>;
      open?: ArrayLike<number>;
      config?: number;
      mtPKw?: ArrayLike<number>;
      mtQKvar?: ArrayLike<number>;
    };

export type Observation = Float64Array | FullObservation;

export interface FullObservation {
  switchOpen: Uint8Array;
  faulted: Uint8Array;
  loadPKw: Float64Array;
  loadQKvar: Float64Array;
  genPKw: Float64Array;
  genQKvar: Float64Array;
  vPu: Float64Array;
  hour: Float64Array;
  step: number;
}

export interface StepInfo {
  step: number;
  reward: ChainReward;
  lossKw: number;
  loadKw: number;
  servedKw: number;
  unservedKw: number;
  vMinPu: number;
  switchOps: number;
  pfStatus: string;
  valid: boolean;
  errors: string[];
  clipped: string[];
  terminationReason: null | 'supply-lost' | 'powerflow' | 'mt-overload';
  /** index of the switch state in the radial table (-1: not in it); only with actionMask */
  config?: number;
  /** 1 = configuration valid given the faults of the returned observation; only when asked for */
  actionMask?: Uint8Array;
  scenario?: number;
  /** case33py observation: more lines open or faulted than slots (the first ones are listed) */
  encodingOverflow?: boolean;
}

export interface StepResult {
  observation: Observation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

/** A malformed action or a call out of order: nothing changed. */
export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionError';
  }
}

export class RestorationEnv {
  readonly net: Network;
  readonly series: Series;
  readonly mode: EnvMode;
  readonly encoding: ObservationEncoding;
  readonly weights: RewardWeights;
  readonly faults: FaultSource;
  readonly noiseSd: number;
  readonly termination: Termination;
  readonly observationSpace: Space;
  /** switch-vector form; `config` and `open` forms are accepted too (configActionSpace) */
  readonly actionSpace: Space;
  /** generator indices of the MTs */
  readonly mts: number[];
  readonly layout: Case33pyLayout;

  private readonly defaults: { start: number | 'random'; horizon: number; seed: number; actionMask: boolean };
  private rng: Rng;
  private seeded = false;
  private readonly pf: PowerFlow;
  private table: RadialTable | null = null;
  private maskCache: { key: string; mask: Uint8Array } | null = null;
  private actionMask = false;

  // episode state
  private t = -1;
  private t0 = 0;
  private horizon = 0;
  private scenario = -1;
  private lineOpen: Uint8Array<ArrayBuffer>;
  private mtP: Float64Array<ArrayBuffer>;
  private mtQ: Float64Array<ArrayBuffer>;
  private state: ChainState | null = null;
  private last: Transition | null = null;
  private readonly snap: Snapshot;
  private readonly req: PfRequest;
  private readonly faultBuf: Uint8Array<ArrayBuffer>;

  constructor(opts: EnvOptions) {
    const net = (this.net = opts.net);
    this.series = opts.series;
    this.mode = opts.mode ?? 'reconfig';
    this.encoding = opts.observation ?? 'full';
    this.weights = { ...DEFAULT_WEIGHTS, ...(opts.weights ?? {}) };
    this.faults = opts.faults ?? (opts.series.faulted ? { kind: 'series' } : { kind: 'none' });
    if (this.faults.kind === 'scenarios' && this.faults.scenarios.length === 0) throw new RangeError('the fault scenario list is empty');
    this.noiseSd = opts.noiseSd ?? 0;
    this.termination = opts.termination ?? 'default';
    this.defaults = { start: opts.start ?? 0, horizon: opts.horizon ?? 24, seed: opts.seed ?? 0, actionMask: opts.actionMask ?? false };
    this.rng = new Rng(this.defaults.seed);
    this.mts = net.generators.map((g, i) => (g.kind === 'MT' ? i : -1)).filter((i) => i >= 0);
    this.layout = case33pyLayout(net, opts.faultSlots ?? 2);
    this.pf = new PowerFlow(net);
    this.table = opts.radialTable ?? null;
    const nl = net.lines.length;
    const ng = net.generators.length;
    this.lineOpen = new Uint8Array(nl);
    this.mtP = new Float64Array(this.mts.length);
    this.mtQ = new Float64Array(this.mts.length);
    this.snap = emptySnapshot(net);
    this.faultBuf = new Uint8Array(nl);
    this.req = {
      loadPKw: this.snap.loadPKw,
      loadQKvar: this.snap.loadQKvar,
      genPKw: new Float64Array(ng),
      genQKvar: new Float64Array(ng),
      genOn: new Uint8Array(ng),
      lineOpen: this.lineOpen,
      lineFaulted: new Uint8Array(nl),
      islanding: this.mode === 'restore',
    };
    this.observationSpace = this.buildObservationSpace();
    const mtG = this.mts.map((g) => net.generators[g]);
    this.actionSpace = dict({
      switches: multiBinary(nl),
      mtPKw: box(mtG.length, 0, mtG.map((g) => g.pMaxKw)),
      mtQKvar: box(mtG.length, mtG.map((g) => Math.min(0, g.qMinKvar)), mtG.map((g) => g.qMaxKvar)),
    });
  }

  // ------------------------------------------------------------------ spaces and table

  private buildObservationSpace(): Space {
    const net = this.net;
    const nb = net.buses.length;
    const nl = net.lines.length;
    const ng = net.generators.length;
    if (this.encoding === 'case33py') {
      const L = this.layout;
      const low: number[] = [];
      const high: number[] = [];
      for (let k = 0; k < L.pinBuses.length; k++) { low.push(-Infinity); high.push(Infinity); }
      for (let k = 0; k < L.openSlots + L.faultSlots; k++) { low.push(PAD); high.push(nl - 1); }
      low.push(0);
      high.push(this.series.steps - 1);
      return box(low.length, low, high);
    }
    return dict({
      switchOpen: multiBinary(nl),
      faulted: multiBinary(nl),
      loadPKw: box(nb, -Infinity, Infinity),
      loadQKvar: box(nb, -Infinity, Infinity),
      genPKw: box(ng, -Infinity, Infinity),
      genQKvar: box(ng, -Infinity, Infinity),
      vPu: box(nb, 0, Infinity),
      hour: box(1, 0, 24),
      step: discrete(this.series.steps),
    });
  }

  /** The table of radial configurations (built on first use). */
  radialTable(): RadialTable {
    if (!this.table) this.table = enumerateRadialConfigurations(this.net);
    return this.table;
  }

  /** The table if it was built (null otherwise). */
  tableIfBuilt(): RadialTable | null {
    return this.table;
  }

  /** Use a table built for the same network (by another environment). */
  useRadialTable(table: RadialTable): void {
    this.table = table;
  }

  /** The action space with a configuration index instead of switch states. */
  configActionSpace(): Space {
    const a = this.actionSpace as { kind: 'Dict'; spaces: Record<string, Space> };
    return dict({ config: discrete(this.radialTable().count), mtPKw: a.spaces.mtPKw, mtQKvar: a.spaces.mtQKvar });
  }

  /** 1 = configuration keeps every faulted line open (cached per fault set). */
  maskFor(faulted: Uint8Array): Uint8Array {
    const key = faultKey(faulted);
    if (this.maskCache && this.maskCache.key === key) return this.maskCache.mask;
    const tb = this.radialTable();
    const k = tb.openCount;
    const mask = new Uint8Array(tb.count);
    const need: number[] = [];
    for (let l = 0; l < faulted.length; l++) if (faulted[l]) need.push(l);
    for (let c = 0; c < tb.count; c++) {
      let ok = 1;
      for (const l of need) {
        let found = false;
        for (let j = 0; j < k; j++) if (tb.open[c * k + j] === l) { found = true; break; }
        if (!found) { ok = 0; break; }
      }
      mask[c] = ok;
    }
    this.maskCache = { key, mask };
    return mask;
  }

  /** Current step (S(t)'s t), -1 before the first reset. */
  get currentStep(): number {
    return this.t;
  }

  /** Faults (0/1 per line) in force at step t for the current episode. */
  faultsAt(t: number, out: Uint8Array = new Uint8Array(this.net.lines.length)): Uint8Array {
    out.fill(0);
    const f = this.faults;
    if (f.kind === 'series' && this.series.faulted) {
      const nl = this.net.lines.length;
      for (let l = 0; l < nl; l++) out[l] = this.series.faulted[t * nl + l];
    } else if (f.kind === 'scenarios') {
      for (const l of f.scenarios[this.scenario]) out[l] = 1;
    }
    return out;
  }

  // ------------------------------------------------------------------ reset

  reset(args: { seed?: number; options?: ResetOptions } = {}): { observation: Observation; info: StepInfo } {
    const o = args.options ?? {};
    if (args.seed !== undefined) {
      if (!Number.isInteger(args.seed)) throw new ActionError(`seed: expected an integer, found ${args.seed}`);
      this.rng = new Rng(args.seed);
      this.seeded = true;
    } else if (!this.seeded) {
      this.rng = new Rng(this.defaults.seed);
      this.seeded = true;
    }
    const steps = this.series.steps;
    const horizon = o.horizon ?? this.defaults.horizon;
    if (!Number.isInteger(horizon) || horizon < 1 || horizon > steps - 1) throw new ActionError(`horizon: expected an integer in 1..${steps - 1}, found ${horizon}`);
    const start = o.start ?? this.defaults.start;
    let t0: number;
    if (start === 'random') t0 = this.rng.int(steps - horizon);
    else {
      if (!Number.isInteger(start) || start < 0 || start + horizon > steps - 1) {
        throw new ActionError(`start: expected an integer in 0..${steps - 1 - horizon} (the series has ${steps} steps, horizon ${horizon}), found ${start}`);
      }
      t0 = start;
    }
    if (this.faults.kind === 'scenarios') {
      const n = this.faults.scenarios.length;
      if (o.scenario !== undefined) {
        if (!Number.isInteger(o.scenario) || o.scenario < 0 || o.scenario >= n) throw new ActionError(`scenario: expected an integer in 0..${n - 1}, found ${o.scenario}`);
        this.scenario = o.scenario;
      } else this.scenario = this.rng.int(n);
    } else if (o.scenario !== undefined) throw new ActionError('scenario: the environment has no scenario list (fault source is not scenarios)');
    this.actionMask = o.actionMask ?? this.defaults.actionMask;
    this.t0 = t0;
    this.t = t0;
    this.horizon = horizon;
    // initial topology: normally open lines open, faulted lines open too; MTs at their minimum
    const net = this.net;
    net.lines.forEach((l, i) => (this.lineOpen[i] = l.normallyOpen ? 1 : 0));
    const f0 = this.faultsAt(t0, this.faultBuf);
    for (let l = 0; l < f0.length; l++) if (f0[l]) this.lineOpen[l] = 1;
    this.mts.forEach((g, k) => {
      const gen = net.generators[g];
      this.mtP[k] = gen.pMinKw;
      this.mtQ[k] = Math.max(0, gen.qMinKvar);
    });
    this.last = null;
    const pf = this.runPowerFlow(t0);
    this.state = this.captureState(t0, pf);
    const info = this.baseInfo(pf);
    info.reward = { total: 0, voltage: 0, loss: 0, blackout: 0, mt: 0, switching: 0, invalid: 0 };
    return { observation: this.observe(this.state, info), info };
  }

  // ------------------------------------------------------------------ step

  step(action: Action): StepResult {
    if (!this.state) throw new ActionError('step before reset');
    const t1 = this.t + 1;
    if (t1 >= this.series.steps) throw new ActionError(`the series ends at step ${this.series.steps - 1}: reset to start a new episode`);
    const net = this.net;
    const nl = net.lines.length;
    const parsed = this.parseAction(action);
    const errors: string[] = parsed.errors;
    const clipped: string[] = parsed.clipped;
    const sPrev = this.state;

    // topology
    const prevOpen = this.lineOpen.slice();
    let valid = errors.length === 0;
    if (valid && parsed.open) {
      if (this.mode === 'reconfig' && !parsed.fromTable && !isRadialFromSubstations(net, parsed.open)) {
        errors.push('topology is not radial from the substations (a loop, or a bus cut off)');
        valid = false;
      }
    }
    if (valid && parsed.open) this.lineOpen.set(parsed.open);
    let switchOps = 0;
    for (let l = 0; l < nl; l++) if (this.lineOpen[l] !== prevOpen[l]) switchOps++;
    // MT set-points (clipped, never rejected on their own; a rejected action changes nothing)
    if (valid && parsed.mtP) this.mtP.set(parsed.mtP);
    if (valid && parsed.mtQ) this.mtQ.set(parsed.mtQ);
    if (!valid) clipped.length = 0;

    // faults at t+1: closed faulted lines are opened by protection
    const f1 = this.faultsAt(t1, this.faultBuf);
    for (let l = 0; l < nl; l++) {
      if (f1[l] && !this.lineOpen[l]) {
        clipped.push(`line ${net.lines[l].id} is faulted at step ${t1}: opened`);
        this.lineOpen[l] = 1;
      }
    }

    const pf = this.runPowerFlow(t1, clipped);
    const rw = computeReward(net, pf, this.weights, { mtPricePerKwh: this.snap.mtPricePerKwh, switchOps, invalidActions: valid ? 0 : 1 });
    let reward: ChainReward = { total: rw.total, voltage: rw.voltage, loss: rw.loss, blackout: rw.blackout, mt: rw.mt, switching: rw.switching, invalid: rw.invalid };
    let terminated = false;
    let reason: StepInfo['terminationReason'] = null;
    if (!pf.converged) {
      terminated = true;
      reason = 'powerflow';
      const blackout = this.weights.blackoutPricePerKwh * pf.loadKw * this.weights.stepHours;
      reward = { total: -(blackout + rw.switching + rw.invalid), voltage: 0, loss: 0, blackout, mt: 0, switching: rw.switching, invalid: rw.invalid };
    } else if (this.termination !== 'powerflow') {
      reason = this.supplyLost(pf);
      terminated = reason !== null;
    }
    this.t = t1;
    const s1 = this.captureState(t1, pf);
    this.state = s1;
    const truncated = t1 - this.t0 >= this.horizon;
    const info = this.baseInfo(pf);
    info.reward = reward;
    info.switchOps = switchOps;
    info.valid = valid;
    info.errors = errors;
    info.clipped = clipped;
    info.terminationReason = reason;
    if (!pf.converged) {
      info.lossKw = 0;
      info.servedKw = 0;
      info.unservedKw = pf.loadKw;
    }
    const a: ChainAction = { lineOpen: valid && parsed.open ? parsed.open : prevOpen, mtPKw: this.mtP.slice(), mtQKvar: this.mtQ.slice() };
    this.last = {
      s: sPrev, a, r: reward, s1,
      lossKw: info.lossKw, unservedKw: info.unservedKw, switchOps, valid, terminated, truncated, pfStatus: info.pfStatus,
    };
    return { observation: this.observe(s1, info), reward: reward.total, terminated, truncated, info };
  }

  /** Throw the ActionError that step(action) would throw, without stepping. */
  checkAction(action: Action): void {
    if (!this.state) throw new ActionError('step before reset');
    if (this.t + 1 >= this.series.steps) throw new ActionError(`the series ends at step ${this.series.steps - 1}: reset to start a new episode`);
    this.parseAction(action);
  }

  /** The last step as an MDP transition (S(t), A(t), R(t+1), S(t+1)), for chain writers. */
  lastTransition(): Transition | null {
    return this.last;
  }

  /** The current state S(t) as chain data. */
  currentState(): ChainState | null {
    return this.state;
  }

  // ------------------------------------------------------------------ internals

  private parseAction(action: Action): { open: Uint8Array | null; fromTable: boolean; mtP: Float64Array | null; mtQ: Float64Array | null; errors: string[]; clipped: string[] } {
    const net = this.net;
    const nl = net.lines.length;
    const errors: string[] = [];
    const clipped: string[] = [];
    let open: Uint8Array | null = null;
    let fromTable = false;
    let a: Exclude<Action, number>;
    if (typeof action === 'number') a = { config: action };
    else if (action === null || typeof action !== 'object' || Array.isArray(action)) throw new ActionError('action: expected an object {switches | open | config, mtPKw, mtQKvar} or a configuration index');
    else a = action;
    for (const k of Object.keys(a)) if (!['switches', 'open', 'config', 'mtPKw', 'mtQKvar'].includes(k)) throw new ActionError(`action: unknown key "${k}", expected switches, open, config, mtPKw, mtQKvar`);
    const forms = ['switches', 'open', 'config'].filter((k) => (a as Record<string, unknown>)[k] !== undefined && (a as Record<string, unknown>)[k] !== null);
    if (forms.length > 1) throw new ActionError(`action: give one of switches, open, config, found ${forms.join(' and ')}`);
    if (a.switches != null) {
      const s = numbers(a.switches, 'switches');
      if (s.length !== nl) throw new ActionError(`switches: expected ${nl} values (one per line, 1 = open), found ${s.length}`);
      open = new Uint8Array(nl);
      for (let l = 0; l < nl; l++) {
        if (s[l] !== 0 && s[l] !== 1) throw new ActionError(`switches[${l}]: expected 0 or 1, found ${s[l]}`);
        open[l] = s[l];
      }
    } else if (a.open != null) {
      const ids = numbers(a.open, 'open');
      open = new Uint8Array(nl);
      for (const id of ids) {
        const li = net.lineIndex.get(id);
        if (li === undefined) errors.push(`unknown line ${id}`);
        else open[li] = 1;
      }
      if (errors.length) open = null;
    } else if (a.config != null) {
      const c = a.config;
      if (typeof c !== 'number' || !Number.isInteger(c)) throw new ActionError(`config: expected an integer, found ${JSON.stringify(c)}`);
      const tb = this.radialTable();
      if (c < 0 || c >= tb.count) errors.push(`configuration ${c} outside 0..${tb.count - 1}`);
      else {
        open = new Uint8Array(nl);
        for (let j = 0; j < tb.openCount; j++) open[tb.open[c * tb.openCount + j]] = 1;
        fromTable = true;
      }
    }
    const M = this.mts.length;
    let mtP: Float64Array | null = null;
    let mtQ: Float64Array | null = null;
    if (a.mtPKw != null) {
      const p = numbers(a.mtPKw, 'mtPKw');
      if (p.length !== M) throw new ActionError(`mtPKw: expected ${M} values (one per MT), found ${p.length}`);
      mtP = Float64Array.from(p);
    }
    if (a.mtQKvar != null) {
      const q = numbers(a.mtQKvar, 'mtQKvar');
      if (q.length !== M) throw new ActionError(`mtQKvar: expected ${M} values (one per MT), found ${q.length}`);
      mtQ = Float64Array.from(q);
    }
    if (mtP || mtQ) {
      mtP = mtP ?? this.mtP.slice();
      mtQ = mtQ ?? this.mtQ.slice();
      for (let k = 0; k < M; k++) {
        const g = net.generators[this.mts[k]];
        const p = mtP[k];
        let np = p;
        if (p <= 0) np = 0;
        else if (p < g.pMinKw) np = g.pMinKw;
        else if (p > g.pMaxKw) np = g.pMaxKw;
        if (np !== p && p !== 0) clipped.push(`MT ${g.id}: P ${p} kW outside {0} or [${g.pMinKw}, ${g.pMaxKw}]: set to ${np}`);
        mtP[k] = np;
        const q = mtQ[k];
        let nq = np === 0 ? 0 : Math.min(g.qMaxKvar, Math.max(g.qMinKvar, q));
        if (np === 0 && q !== 0) clipped.push(`MT ${g.id}: off (P = 0), Q ${q} kvar set to 0`);
        else if (nq !== q) clipped.push(`MT ${g.id}: Q ${q} kvar outside [${g.qMinKvar}, ${g.qMaxKvar}]: set to ${nq}`);
        if (nq === 0) nq = 0; // no -0
        mtQ[k] = nq;
      }
    }
    return { open, fromTable, mtP, mtQ, errors, clipped };
  }

  /** Power flow at step t with the current switch states, MT set-points and faults. */
  private runPowerFlow(t: number, clipped?: string[]): PfResult {
    const net = this.net;
    snapshot(this.series, t, this.snap);
    const req = this.req;
    const ng = net.generators.length;
    for (let g = 0; g < ng; g++) {
      req.genPKw[g] = this.snap.genPKw[g];
      req.genQKvar[g] = this.snap.genQKvar[g];
      req.genOn[g] = 1;
    }
    for (let k = 0; k < this.mts.length; k++) {
      const g = this.mts[k];
      if (!this.snap.available[g] && this.mtP[k] !== 0) {
        clipped?.push(`MT ${net.generators[g].id} is not available at step ${t}: off`);
        this.mtP[k] = 0;
        this.mtQ[k] = 0;
      }
      req.genPKw[g] = this.mtP[k];
      req.genQKvar[g] = this.mtQ[k];
      req.genOn[g] = this.mtP[k] > 0 ? 1 : 0;
    }
    this.faultsAt(t, req.lineFaulted);
    return this.pf.solve(req);
  }

  private supplyLost(pf: PfResult): StepInfo['terminationReason'] {
    const net = this.net;
    const n = net.buses.length;
    if (this.mode === 'reconfig' || this.termination === 'any-loss') {
      for (let i = 0; i < n; i++) if (!pf.energized[i]) return 'supply-lost';
      return null;
    }
    // restore: buses that some switching could connect to a substation must be supplied
    const canReach = reachable(net, this.req.lineFaulted, net.substations);
    for (let i = 0; i < n; i++) if (canReach[i] && !pf.energized[i]) return 'supply-lost';
    for (const isl of pf.islands) {
      if (isl.sourceKind !== 'MT') continue;
      const g = net.generators[isl.sourceGen];
      if (pf.genPKw[isl.sourceGen] > g.pMaxKw * (1 + 1e-9) + 1e-9) return 'mt-overload';
    }
    return null;
  }

  /** S(t) as chain data: observed loads (with noise), generation in force, switches, faults, voltages. */
  private captureState(t: number, pf: PfResult): ChainState {
    const net = this.net;
    const nb = net.buses.length;
    const loadPKw = this.snap.loadPKw.slice();
    const loadQKvar = this.snap.loadQKvar.slice();
    if (this.noiseSd > 0) {
      for (let b = 0; b < nb; b++) {
        const f = this.rng.normal(1, this.noiseSd);
        loadPKw[b] *= f;
        loadQKvar[b] *= f;
      }
    }
    const genPKw = new Float64Array(net.generators.length);
    const genQKvar = new Float64Array(net.generators.length);
    for (let g = 0; g < genPKw.length; g++) {
      genPKw[g] = this.req.genOn[g] ? this.req.genPKw[g] : 0;
      genQKvar[g] = this.req.genOn[g] ? this.req.genQKvar[g] : 0;
    }
    const vPu = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      const v = pf.vPu[b];
      vPu[b] = Number.isFinite(v) && v > 0 ? v : 0;
    }
    return { step: t, loadPKw, loadQKvar, genPKw, genQKvar, lineOpen: this.lineOpen.slice(), lineFaulted: this.req.lineFaulted.slice(), vPu };
  }

  private baseInfo(pf: PfResult): StepInfo {
    const status = pf.converged ? 'converged' : pf.islands.some((i) => i.status === 'diverged') ? 'diverged' : 'max-iterations';
    const info: StepInfo = {
      step: this.t,
      reward: { total: 0, voltage: 0, loss: 0, blackout: 0, mt: 0, switching: 0, invalid: 0 },
      lossKw: pf.lossKw,
      loadKw: pf.loadKw,
      servedKw: pf.servedKw,
      unservedKw: pf.unservedKw,
      vMinPu: Number.isFinite(pf.vMinPu) ? pf.vMinPu : 0,
      switchOps: 0,
      pfStatus: status,
      valid: true,
      errors: [],
      clipped: [],
      terminationReason: null,
    };
    if (this.faults.kind === 'scenarios') info.scenario = this.scenario;
    if (this.actionMask) {
      const tb = this.radialTable();
      const open: number[] = [];
      for (let l = 0; l < this.lineOpen.length; l++) if (this.lineOpen[l]) open.push(l);
      info.config = findConfiguration(tb, open);
    }
    if (this.actionMask) info.actionMask = this.maskFor(this.req.lineFaulted);
    return info;
  }

  private observe(s: ChainState, info: StepInfo): Observation {
    if (this.encoding === 'full') {
      const hour = new Float64Array(1);
      hour[0] = (((s.step * this.weights.stepHours) % 24) + 24) % 24;
      return {
        switchOpen: s.lineOpen,
        faulted: s.lineFaulted,
        loadPKw: s.loadPKw,
        loadQKvar: s.loadQKvar,
        genPKw: s.genPKw,
        genQKvar: s.genQKvar,
        vPu: s.vPu!,
        hour,
        step: s.step,
      };
    }
    const L = this.layout;
    const out = new Float64Array(L.pinBuses.length + L.openSlots + L.faultSlots + 1);
    netLoadKw(this.net, s, L.pinBuses, out);
    for (let k = 0; k < L.pinBuses.length; k++) out[k] = Math.round(out[k]) || 0;
    let pos = L.pinBuses.length;
    let overflow = false;
    const fill = (flags: (l: number) => boolean, slots: number): void => {
      let used = 0;
      for (let l = 0; l < s.lineOpen.length; l++) {
        if (!flags(l)) continue;
        if (used < slots) out[pos + used] = l;
        else overflow = true;
        used++;
      }
      for (let j = used; j < slots; j++) out[pos + j] = PAD;
      pos += slots;
    };
    fill((l) => s.lineOpen[l] === 1 || s.lineFaulted[l] === 1, L.openSlots);
    fill((l) => s.lineFaulted[l] === 1, L.faultSlots);
    out[pos] = s.step;
    if (overflow) info.encodingOverflow = true;
    return out;
  }
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ActionError(`${what}: expected an array of numbers`);
  const arr = Array.from(v as ArrayLike<unknown>);
  for (let i = 0; i < arr.length; i++) {
    if (typeof arr[i] !== 'number' || !Number.isFinite(arr[i] as number)) throw new ActionError(`${what}[${i}]: expected a finite number, found ${JSON.stringify(arr[i])}`);
  }
  return arr as number[];
}

function faultKey(f: Uint8Array): string {
  let s = '';
  for (let l = 0; l < f.length; l++) if (f[l]) s += l + ',';
  return s;
}
