/**
 * RestorationEnv: the Gym-like distribution-restoration environment.
 *
 *   reset({seed, options}) -> {observation, info}
 *   step(action)           -> {observation, reward, terminated, truncated, info}
 *
 * Timing and information (README, "The MDP"): at step t the agent sees S(t) (loads, generation,
 * switch states, pick-up and faults at t); its action A(t) takes effect at t+1: the one AC
 * evaluation (src/powerflow/evaluate.ts) runs on step t+1's loads, PV/WT and faults, giving
 * R(t+1) and S(t+1). A fault that begins at t+1 is not in S(t): it shows in R(t+1) and S(t+1).
 * The action (src/grid/action.ts): switches, MT set-points, load pick-up, grid-forming MTs.
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
 *  - an MT holding an island beyond its limits trips (info.tripped): it is off until an action
 *    turns it on again; its island's load is unserved.
 * Termination ('default' = 'powerflow' in both modes): only a power flow that does not converge
 * ends an episode; lost supply, a fault's onset included, is paid through the reward. The
 * original's rule (any de-energized bus ends it) is 'any-loss'; 'supply-lost' ends it on a dark
 * bus that some switching could connect to a substation. Truncation at the horizon.
 *
 * All randomness (random start, scenario draw, measurement noise) comes from one Rng seeded at reset.
 */
import { Network } from '../grid/network';
import { Series, Snapshot, emptySnapshot, snapshot } from '../grid/series';
import { GridAction, cloneAction, defaultGridForming, mtIndices } from '../grid/action';
import { ActionEvaluator, Evaluation } from '../powerflow/evaluate';
import { PfResult } from '../powerflow/types';
import { isRadialFromSubstations, isRadialGivenFaults, reachable } from '../topology/graph';
import { RadialTable, enumerateRadialConfigurations, findConfiguration } from '../topology/spanning-trees';
import { Rng } from '../util/rng';
import { DEFAULT_WEIGHTS, RewardWeights, rewardValues, zeroReward } from '../powerflow/reward';
import { Space, box, dict, discrete, multiBinary } from './spaces';
import { ChainAction, ChainReward, ChainState, Transition } from '../mdp/types';
import { Case33pyLayout, PAD, case33pyLayout, netLoadKw } from '../mdp/schema';
import { MoveTable, applyMove, applyToggle, moveLabel, moveTable, mtLevelKw, toggleLabel, treeMoveMask, RadialCheck } from './discrete-actions';
import { VectorLayout, vectorLayout, writeVector } from './vector-observation';

export type EnvMode = 'reconfig' | 'restore';
export type ObservationEncoding = 'case33py' | 'full' | 'vector';
export const OBSERVATION_ENCODINGS: readonly ObservationEncoding[] = ['case33py', 'full', 'vector'];
/** The discrete action space the mask and discreteSize() describe (every form is accepted in step). */
export type DiscreteKind = 'config' | 'move' | 'toggle';
export const DISCRETE_KINDS: readonly DiscreteKind[] = ['config', 'move', 'toggle'];
/** MT control: set-points in the action (action), held at pMin from reset (fixed), or off throughout (off). */
export type MtControl = 'action' | 'fixed' | 'off';
export const MT_CONTROLS: readonly MtControl[] = ['action', 'fixed', 'off'];
export type Termination = 'default' | 'powerflow' | 'any-loss' | 'supply-lost';
export const TERMINATIONS: readonly Termination[] = ['default', 'powerflow', 'any-loss', 'supply-lost'];

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
  /** the discrete action space of the mask and of discreteSize() (default config) */
  actions?: DiscreteKind;
  /** MT control (default action) */
  mt?: MtControl;
  /** MT levels of the mtLevel action, off included (default 4: off, pMin, middle, pMax) */
  mtLevels?: number;
  /** vector observation: add the perfect forecast of step t+1 (loads, PV/WT, price) the expert uses */
  forecast?: boolean;
}

export interface ResetOptions {
  start?: number | 'random';
  horizon?: number;
  /** index of the fault scenario (scenario source); default drawn by the generator */
  scenario?: number;
  actionMask?: boolean;
}

/** The action, in any of its forms (see the README); absent parts keep what is in force. */
export type Action =
  | number
  | {
      switches?: ArrayLike<number>;
      open?: ArrayLike<number>;
      config?: number;
      mtPKw?: ArrayLike<number>;
      mtQKvar?: ArrayLike<number>;
      /** per bus, fraction of the load served (0 = shed, 1 = served) */
      pickup?: ArrayLike<number>;
      /** bus ids whose load is shed (every other bus served) */
      shed?: ArrayLike<number>;
      /** per MT, 1 = may hold an island's voltage */
      gridForming?: ArrayLike<number>;
      /** index into the move table (discrete-actions.ts); its size is "keep" */
      move?: number;
      /** index of the line to toggle; the number of lines is "keep" */
      toggle?: number;
      /** per MT, a level 0..mtLevels-1 (0 = off, then pMin..pMax evenly); mtLevels is "keep" */
      mtLevel?: ArrayLike<number>;
    };

const ACTION_KEYS = ['switches', 'open', 'config', 'move', 'toggle', 'mtPKw', 'mtQKvar', 'mtLevel', 'pickup', 'shed', 'gridForming'];
const TOPOLOGY_FORMS = ['switches', 'open', 'config', 'move', 'toggle'];

/** case33py and vector encodings: Float64Array; full: an object */
export type Observation = Float64Array | FullObservation;

export interface FullObservation {
  switchOpen: Uint8Array;
  faulted: Uint8Array;
  loadPKw: Float64Array;
  loadQKvar: Float64Array;
  genPKw: Float64Array;
  genQKvar: Float64Array;
  pickup: Float64Array;
  gridForming: Uint8Array;
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
  /** load shed by the action's pick-up at energized buses, kW (part of unservedKw) */
  shedKw: number;
  vMinPu: number;
  switchOps: number;
  pfStatus: string;
  valid: boolean;
  errors: string[];
  clipped: string[];
  /** MT ids tripped by protection at this step (an island beyond the MT's limits) */
  tripped: number[];
  terminationReason: null | 'supply-lost' | 'powerflow';
  /** index of the switch state in the radial table (-1: not in it); only with actionMask and actions config */
  config?: number;
  /**
   * Only when asked for: per index of the discrete action space (actions option; keep last, always 1),
   * 1 = step accepts it in the returned observation's state. config: the configuration keeps every
   * line faulted there open; move / toggle: it applies, closes no line faulted there and passes the
   * topology check of the mode.
   */
  actionMask?: Uint8Array;
  /** ids of the faulted lines the mask is for (those of the returned observation) */
  maskFaults?: number[];
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
  /** per MT: able to form an island (the default grid-forming flags) */
  readonly gridFormingDefault: Uint8Array;

  private readonly defaults: { start: number | 'random'; horizon: number; seed: number; actionMask: boolean };
  private rng: Rng;
  private seeded = false;
  private readonly evaluator: ActionEvaluator;
  private table: RadialTable | null = null;
  /** masks by fault set (most recently used last), at most MASK_CACHE of them */
  private readonly maskCache = new Map<string, Uint8Array>();
  /** the radial check of the last fault set a move/toggle mask was computed for */
  private check: { key: string; check: RadialCheck } | null = null;
  private lineOpenBits: Uint32Array[] | null = null;
  private actionMask = false;
  readonly actionKind: DiscreteKind;
  readonly mtControl: MtControl;
  readonly mtLevels: number;
  readonly forecast: boolean;
  private moves: MoveTable | null = null;
  private vecLayout: VectorLayout | null = null;
  private readonly scratchOpen: Uint8Array;

  // episode state
  private t = -1;
  private t0 = 0;
  private horizon = 0;
  private scenario = -1;
  /** the action in force: switch states (faulted lines opened by protection), set-points, pick-up, grid-forming */
  private cur: GridAction;
  private state: ChainState | null = null;
  private last: Transition | null = null;
  private readonly snap: Snapshot;
  private readonly faultBuf: Uint8Array<ArrayBuffer>;

  constructor(opts: EnvOptions) {
    const net = (this.net = opts.net);
    this.series = opts.series;
    this.mode = opts.mode ?? 'reconfig';
    this.encoding = opts.observation ?? 'full';
    if (!OBSERVATION_ENCODINGS.includes(this.encoding)) throw new RangeError(`observation: expected one of ${OBSERVATION_ENCODINGS.join(', ')}, found ` +
      `"${this.encoding}"`);
    this.actionKind = opts.actions ?? 'config';
    if (!DISCRETE_KINDS.includes(this.actionKind)) throw new RangeError(`actions: expected one of ${DISCRETE_KINDS.join(', ')}, found "${this.actionKind}"`);
    this.mtControl = opts.mt ?? 'action';
    if (!MT_CONTROLS.includes(this.mtControl)) throw new RangeError(`mt: expected one of ${MT_CONTROLS.join(', ')}, found "${this.mtControl}"`);
    this.mtLevels = opts.mtLevels ?? 4;
    this.forecast = opts.forecast ?? false;
    if (this.forecast && this.encoding !== 'vector') throw new RangeError('forecast: only the vector observation carries a forecast');
    if (!Number.isInteger(this.mtLevels) || this.mtLevels < 2 || this.mtLevels > 101) throw new RangeError(`mtLevels: expected an integer in 2..101, ` +
      `found ${this.mtLevels}`);
    this.weights = { ...DEFAULT_WEIGHTS, ...(opts.weights ?? {}) };
    this.faults = opts.faults ?? (opts.series.faulted ? { kind: 'series' } : { kind: 'none' });
    if (this.faults.kind === 'scenarios' && this.faults.scenarios.length === 0) throw new RangeError('the fault scenario list is empty');
    this.noiseSd = opts.noiseSd ?? 0;
    this.termination = opts.termination ?? 'default';
    this.defaults = { start: opts.start ?? 0, horizon: opts.horizon ?? 24, seed: opts.seed ?? 0, actionMask: opts.actionMask ?? false };
    this.rng = new Rng(this.defaults.seed);
    this.mts = mtIndices(net);
    this.gridFormingDefault = defaultGridForming(net);
    this.layout = case33pyLayout(net, opts.faultSlots ?? 2);
    this.evaluator = new ActionEvaluator(net);
    this.table = opts.radialTable ?? null;
    const nl = net.lines.length;
    const M = this.mts.length;
    this.cur = { lineOpen: new Uint8Array(nl), mtPKw: new Float64Array(M), mtQKvar: new Float64Array(M), pickup: new Float64Array(net.buses.length).fill(1),
      gridForming: this.gridFormingDefault.slice() };
    this.snap = emptySnapshot(net);
    this.faultBuf = new Uint8Array(nl);
    this.scratchOpen = new Uint8Array(nl);
    this.observationSpace = this.buildObservationSpace();
    const mtG = this.mts.map((g) => net.generators[g]);
    this.actionSpace = dict({
      switches: multiBinary(nl),
      mtPKw: box(mtG.length, 0, mtG.map((g) => g.pMaxKw)),
      mtQKvar: box(mtG.length, mtG.map((g) => Math.min(0, g.qMinKvar)), mtG.map((g) => g.qMaxKvar)),
      pickup: box(net.buses.length, 0, 1),
      gridForming: multiBinary(mtG.length),
    });
  }

  // ------------------------------------------------------------------ spaces and table

  private buildObservationSpace(): Space {
    const net = this.net;
    const nb = net.buses.length;
    const nl = net.lines.length;
    const ng = net.generators.length;
    if (this.encoding === 'vector') {
      const v = this.vector;
      return box(v.size, Array.from(v.low), Array.from(v.high));
    }
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
      pickup: box(nb, 0, 1),
      gridForming: multiBinary(this.mts.length),
      vPu: box(nb, 0, Infinity),
      hour: box(1, 0, 24),
      step: discrete(this.series.steps),
    });
  }

  /** Names and bounds of the vector observation (built on first use, whatever the encoding). */
  get vector(): VectorLayout {
    if (!this.vecLayout) this.vecLayout = vectorLayout(this.net, this.series, this.mts, this.noiseSd, this.forecast);
    return this.vecLayout;
  }

  /** The move table (built on first use; a RangeError on a feeder whose table is too large). */
  moveTable(): MoveTable {
    if (!this.moves) this.moves = moveTable(this.net);
    return this.moves;
  }

  /** Size of the discrete action space of `actions` (kind), keep included: the keep index is size - 1. */
  discreteSize(kind: DiscreteKind = this.actionKind): number {
    if (kind === 'config') return this.radialTable().count + 1;
    if (kind === 'move') return this.moveTable().count + 1;
    return this.net.lines.length + 1;
  }

  /** What index i of the discrete space does, in words (1-based line ids). */
  discreteLabel(i: number, kind: DiscreteKind = this.actionKind): string {
    const keep = this.discreteSize(kind) - 1;
    if (!Number.isInteger(i) || i < 0 || i > keep) throw new RangeError(`${kind} ${i} outside 0..${keep}`);
    if (i === keep) return 'keep';
    if (kind === 'move') return moveLabel(this.net, this.moveTable(), i);
    if (kind === 'toggle') return toggleLabel(this.net, i);
    const tb = this.radialTable();
    const ids = Array.from(tb.open.subarray(i * tb.openCount, (i + 1) * tb.openCount), (l) => this.net.lines[l].id);
    return `open ${ids.map((x) => 'L' + x).join(',')}`;
  }

  /** The mask of the discrete space in the current state S(t) (see StepInfo.actionMask). */
  discreteMask(kind: DiscreteKind = this.actionKind): Uint8Array {
    if (!this.state) throw new ActionError('mask before reset');
    if (kind === 'config') return this.maskFor(this.state.lineFaulted);
    const s = this.state;
    const size = this.discreteSize(kind);
    const mask = new Uint8Array(size);
    mask[size - 1] = 1;
    if (kind === 'move' && this.mode === 'reconfig' && treeMoveMask(this.net, this.moveTable(), s.lineOpen, s.lineFaulted, mask)) return mask;
    const cand = this.scratchOpen;
    // reconfig: the one-pass radial check (faulted lines are open in s and no valid move closes one)
    const check = this.mode === 'reconfig' ? this.radialCheck(s.lineFaulted) : null;
    const moves = kind === 'move' ? this.moveTable() : null;
    for (let i = 0; i < size - 1; i++) {
      // the line the move or toggle would close (faulted lines are open in s: such a move is invalid)
      const closing = moves ? (moves.b[i] < 0 || s.lineOpen[moves.a[i]] ? moves.a[i] : moves.b[i]) : i;
      if (s.lineOpen[closing] && s.lineFaulted[closing]) continue;
      const ok = moves ? applyMove(moves, i, s.lineOpen, cand) : applyToggle(this.net, i, s.lineOpen, cand);
      if (!ok) continue;
      if (check ? check.accepts(cand) : this.topologyErrors(cand, s).length === 0) mask[i] = 1;
    }
    return mask;
  }

  /**
   * Why step would reject the switch states `open` commanded in state s (empty: accepted): a line
   * without a switch changed; in reconfig mode, not radial from the substations (faulted lines
   * left closed are opened by protection) nor radial as far as the faults of s allow.
   */
  topologyErrors(open: Uint8Array, s: ChainState, radialCheck = true): string[] {
    const net = this.net;
    const errors: string[] = [];
    for (let l = 0; l < net.lines.length; l++) {
      if (!net.lines[l].switchable && open[l] !== s.lineOpen[l]) errors.push(`line ${net.lines[l].id} has no switch: its state cannot change`);
    }
    if (errors.length === 0 && this.mode === 'reconfig' && radialCheck) {
      const out = Uint8Array.from(open, (v, l) => (v || s.lineFaulted[l] ? 1 : 0));
      if (!isRadialFromSubstations(net, open) && !isRadialGivenFaults(net, out, s.lineFaulted)) {
        errors.push('topology is not radial from the substations (a loop, or a bus cut off that switching could supply)');
      }
    }
    return errors;
  }

  /** The radial check for a fault set, kept while the faults stay the same (faults last hours). */
  private radialCheck(faulted: Uint8Array): RadialCheck {
    const key = faultKey(faulted);
    if (!this.check || this.check.key !== key) this.check = { key, check: new RadialCheck(this.net, faulted) };
    return this.check.check;
  }

  /** topologyErrors, and a discrete move or toggle may not close a line faulted in s. */
  private discreteErrors(open: Uint8Array, s: ChainState): string[] {
    const l = closesFaulted(open, s);
    if (l) return [`line ${this.net.lines[l - 1].id} is faulted: it cannot be closed`];
    return this.topologyErrors(open, s);
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
    this.lineOpenBits = null;
    this.maskCache.clear();
  }

  /** The action space with a configuration index instead of switch states. */
  configActionSpace(): Space {
    const a = this.actionSpace as { kind: 'Dict'; spaces: Record<string, Space> };
    return dict({ config: discrete(this.radialTable().count + 1), mtPKw: a.spaces.mtPKw, mtQKvar: a.spaces.mtQKvar, pickup: a.spaces.pickup,
      gridForming: a.spaces.gridForming });
  }

  /**
   * 1 = configuration keeps every faulted line open; the last entry (index count, keep) is 1.
   * Cached per fault set (the same array is
   * returned while the faults are the same, so its identity tells a change), MASK_CACHE sets.
   */
  maskFor(faulted: Uint8Array): Uint8Array {
    const key = faultKey(faulted);
    const hit = this.maskCache.get(key);
    if (hit) {
      this.maskCache.delete(key);
      this.maskCache.set(key, hit);
      return hit;
    }
    const tb = this.radialTable();
    const bits = this.openBits();
    const words = (tb.count + 31) >>> 5;
    const acc = new Uint32Array(words).fill(0xffffffff);
    for (let l = 0; l < faulted.length; l++) {
      if (!faulted[l]) continue;
      const b = bits[l];
      for (let w = 0; w < words; w++) acc[w] &= b[w];
    }
    const mask = new Uint8Array(tb.count + 1);
    for (let c = 0; c < tb.count; c++) mask[c] = (acc[c >>> 5] >>> (c & 31)) & 1;
    mask[tb.count] = 1;
    if (this.maskCache.size >= MASK_CACHE) this.maskCache.delete(this.maskCache.keys().next().value!);
    this.maskCache.set(key, mask);
    return mask;
  }

  /** per line, the configurations that keep it open (bit c of word c >> 5) */
  private openBits(): Uint32Array[] {
    if (this.lineOpenBits) return this.lineOpenBits;
    const tb = this.radialTable();
    const k = tb.openCount;
    const words = (tb.count + 31) >>> 5;
    const bits = this.net.lines.map(() => new Uint32Array(words));
    for (let c = 0; c < tb.count; c++) for (let j = 0; j < k; j++) bits[tb.open[c * k + j]][c >>> 5] |= 1 << (c & 31);
    this.lineOpenBits = bits;
    return bits;
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
    if (!Number.isInteger(horizon) || horizon < 1 || horizon > steps - 1) throw new ActionError(`horizon: expected an integer in 1..${steps - 1}, found ` +
      `${horizon}`);
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
        if (!Number.isInteger(o.scenario) || o.scenario < 0 || o.scenario >= n) throw new ActionError(`scenario: expected an integer in 0..${n - 1}, ` +
          `found ${o.scenario}`);
        this.scenario = o.scenario;
      } else this.scenario = this.rng.int(n);
    } else if (o.scenario !== undefined) throw new ActionError('scenario: the environment has no scenario list (fault source is not scenarios)');
    this.actionMask = o.actionMask ?? this.defaults.actionMask;
    this.t0 = t0;
    this.t = t0;
    this.horizon = horizon;
    // initial state: normally open lines open, faulted lines open too; MTs at their minimum,
    // every load served, the default grid-forming flags
    const net = this.net;
    const cur = this.cur;
    net.lines.forEach((l, i) => (cur.lineOpen[i] = l.normallyOpen ? 1 : 0));
    const f0 = this.faultsAt(t0, this.faultBuf);
    for (let l = 0; l < f0.length; l++) if (f0[l]) cur.lineOpen[l] = 1;
    this.mts.forEach((g, k) => {
      const gen = net.generators[g];
      const off = this.mtControl === 'off';
      cur.mtPKw[k] = off ? 0 : gen.pMinKw;
      cur.mtQKvar[k] = off ? 0 : Math.max(0, gen.qMinKvar);
    });
    cur.pickup.fill(1);
    cur.gridForming.set(this.gridFormingDefault);
    this.last = null;
    const ev = this.evaluateAt(t0, null, false, []);
    this.state = this.captureState(t0, ev);
    const info = this.baseInfo(ev);
    info.reward = zeroReward();
    return { observation: this.observe(this.state, info), info };
  }

  // ------------------------------------------------------------------ step

  step(action: Action): StepResult {
    if (!this.state) throw new ActionError('step before reset');
    const t1 = this.t + 1;
    if (t1 >= this.series.steps) throw new ActionError(`the series ends at step ${this.series.steps - 1}: reset to start a new episode`);
    const net = this.net;
    const parsed = this.parseAction(action);
    const errors: string[] = parsed.errors;
    const clipped: string[] = parsed.clipped;
    const sPrev = this.state;
    const cur = this.cur;

    // topology
    const prevOpen = cur.lineOpen.slice();
    let valid = errors.length === 0;
    if (valid && parsed.open) {
      errors.push(...(parsed.discrete ? this.discreteErrors(parsed.open, sPrev) : this.topologyErrors(parsed.open, sPrev, !parsed.fromTable)));
      valid = errors.length === 0;
    }
    // a rejected action changes nothing; otherwise its parts replace what is in force
    if (valid) {
      if (parsed.open) cur.lineOpen.set(parsed.open);
      if (parsed.mtP) cur.mtPKw.set(parsed.mtP);
      if (parsed.mtQ) cur.mtQKvar.set(parsed.mtQ);
      if (parsed.pickup) cur.pickup.set(parsed.pickup);
      if (parsed.gridForming) cur.gridForming.set(parsed.gridForming);
    } else clipped.length = 0;
    const a: GridAction = cloneAction(cur);

    const ev = this.evaluateAt(t1, prevOpen, !valid, clipped);
    const reward = rewardValues(ev.reward);
    let terminated = false;
    let reason: StepInfo['terminationReason'] = null;
    if (!ev.converged) {
      terminated = true;
      reason = 'powerflow';
    } else if (this.termination === 'any-loss' || this.termination === 'supply-lost') {
      reason = this.supplyLost(ev.pf);
      terminated = reason !== null;
    }
    this.t = t1;
    const s1 = this.captureState(t1, ev);
    this.state = s1;
    const truncated = t1 - this.t0 >= this.horizon;
    const info = this.baseInfo(ev);
    info.reward = reward;
    info.valid = valid;
    info.errors = errors;
    info.clipped = clipped;
    info.terminationReason = reason;
    this.last = {
      s: sPrev, a, r: reward, s1,
      lossKw: info.lossKw, unservedKw: info.unservedKw, switchOps: info.switchOps, valid, terminated, truncated, pfStatus: info.pfStatus,
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

  private parseAction(action: Action): {
    open: Uint8Array | null; fromTable: boolean; discrete: boolean; mtP: Float64Array | null; mtQ: Float64Array | null;
    pickup: Float64Array | null; gridForming: Uint8Array | null; errors: string[]; clipped: string[];
  } {
    const net = this.net;
    const nl = net.lines.length;
    const errors: string[] = [];
    const clipped: string[] = [];
    let open: Uint8Array | null = null;
    let fromTable = false;
    let discrete = false;
    let a: Exclude<Action, number>;
    if (typeof action === 'number') a = { config: action };
    else if (action === null || typeof action !== 'object' || Array.isArray(action)) throw new ActionError('action: expected an object {switches | open ' +
      '| config, mtPKw, mtQKvar, pickup | shed, gridForming} or a configuration index');
    else a = action;
    for (const k of Object.keys(a)) if (!ACTION_KEYS.includes(k)) throw new ActionError(`action: unknown key "${k}", expected ${ACTION_KEYS.join(', ')}`);
    const forms = TOPOLOGY_FORMS.filter((k) => (a as Record<string, unknown>)[k] !== undefined && (a as Record<string, unknown>)[k] !== null);
    if (forms.length > 1) throw new ActionError(`action: give one of ${TOPOLOGY_FORMS.join(', ')}, found ${forms.join(' and ')}`);
    if (this.mtControl !== 'action') {
      for (const k of ['mtPKw', 'mtQKvar', 'mtLevel', 'gridForming']) {
        if ((a as Record<string, unknown>)[k] != null) throw new ActionError(`${k}: the MTs are not in the action (mt: ${this.mtControl})`);
      }
    }
    if (a.mtLevel != null && (a.mtPKw != null || a.mtQKvar != null)) throw new ActionError('action: give one of mtLevel, mtPKw/mtQKvar, found both');
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
      if (typeof c !== 'number' || !Number.isInteger(c)) throw new ActionError(`config: expected an integer, found ${shown(c)}`);
      const tb = this.radialTable();
      if (c < 0 || c > tb.count) errors.push(`configuration ${c} outside 0..${tb.count} (${tb.count} = keep)`);
      else if (c < tb.count) {
        open = new Uint8Array(nl);
        for (let j = 0; j < tb.openCount; j++) open[tb.open[c * tb.openCount + j]] = 1;
        fromTable = true;
      }
    }
    for (const kind of ['move', 'toggle'] as const) {
      const c = a[kind];
      if (c == null) continue;
      if (typeof c !== 'number' || !Number.isInteger(c)) throw new ActionError(`${kind}: expected an integer, found ${shown(c)}`);
      const keep = this.discreteSize(kind) - 1;
      if (c < 0 || c > keep) errors.push(`${kind} ${c} outside 0..${keep} (${keep} = keep)`);
      else if (c < keep) {
        open = new Uint8Array(nl);
        const ok = kind === 'move' ? applyMove(this.moveTable(), c, this.cur.lineOpen, open) : applyToggle(net, c, this.cur.lineOpen, open);
        if (!ok) {
          errors.push(`${kind} ${c} (${this.discreteLabel(c, kind)}) does not apply: ` +
            `${kind === 'move' ? 'an exchange needs one of its lines open and one closed, a close an open line' : 'the line has no switch'}`);
          open = null;
        }
        discrete = true;
      }
    }
    const M = this.mts.length;
    let mtP: Float64Array | null = null;
    let mtQ: Float64Array | null = null;
    if (a.mtLevel != null) {
      const v = numbers(a.mtLevel, 'mtLevel');
      if (v.length !== M) throw new ActionError(`mtLevel: expected ${M} values (one per MT), found ${v.length}`);
      const L = this.mtLevels;
      mtP = this.cur.mtPKw.slice();
      mtQ = this.cur.mtQKvar.slice();
      for (let k = 0; k < M; k++) {
        if (!Number.isInteger(v[k]) || v[k] < 0 || v[k] > L) throw new ActionError(`mtLevel[${k}]: expected an integer in 0..${L} (${L} = keep), found ` +
          `${v[k]}`);
        if (v[k] === L) continue;
        const g = net.generators[this.mts[k]];
        mtP[k] = mtLevelKw(g.pMinKw, g.pMaxKw, L, v[k]);
        mtQ[k] = mtP[k] === 0 ? 0 : Math.min(g.qMaxKvar, Math.max(g.qMinKvar, 0));
      }
    }
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
      mtP = mtP ?? this.cur.mtPKw.slice();
      mtQ = mtQ ?? this.cur.mtQKvar.slice();
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
    // load pick-up: a fraction per bus, or the ids of the buses to shed
    let pickup: Float64Array | null = null;
    if (a.pickup != null && a.shed != null) throw new ActionError('action: give one of pickup, shed, found pickup and shed');
    if (a.pickup != null) {
      const v = numbers(a.pickup, 'pickup');
      if (v.length !== net.buses.length) throw new ActionError(`pickup: expected ${net.buses.length} values (one per bus, 1 = served), found ${v.length}`);
      for (let i = 0; i < v.length; i++) if (v[i] < 0 || v[i] > 1) throw new ActionError(`pickup[${i}]: expected a fraction in [0, 1], found ${v[i]}`);
      pickup = Float64Array.from(v);
    } else if (a.shed != null) {
      pickup = new Float64Array(net.buses.length).fill(1);
      for (const id of numbers(a.shed, 'shed')) {
        const b = net.busIndex.get(id);
        if (b === undefined) errors.push(`unknown bus ${id}`);
        else pickup[b] = 0;
      }
    }
    let gridForming: Uint8Array | null = null;
    if (a.gridForming != null) {
      const v = numbers(a.gridForming, 'gridForming');
      if (v.length !== M) throw new ActionError(`gridForming: expected ${M} values (one per MT, 1 = may form an island), found ${v.length}`);
      gridForming = new Uint8Array(M);
      for (let k = 0; k < M; k++) {
        if (v[k] !== 0 && v[k] !== 1) throw new ActionError(`gridForming[${k}]: expected 0 or 1, found ${v[k]}`);
        const g = net.generators[this.mts[k]];
        if (v[k] === 1 && !g.gridForming) clipped.push(`MT ${g.id} cannot form an island (generators.csv): grid-forming flag set to 0`);
        gridForming[k] = v[k] === 1 && g.gridForming ? 1 : 0;
      }
    }
    return { open, fromTable, discrete, mtP, mtQ, pickup, gridForming, errors, clipped };
  }

  /**
   * The one AC evaluation of the action in force at step t (its data and faults): MTs that are
   * unavailable at t are switched off, lines faulted at t are opened by protection, MTs tripped
   * by protection stay off; each is reported in `clipped`.
   */
  private evaluateAt(t: number, prevOpen: Uint8Array | null, invalid: boolean, clipped: string[]): Evaluation {
    const net = this.net;
    const cur = this.cur;
    snapshot(this.series, t, this.snap);
    for (let k = 0; k < this.mts.length; k++) {
      const g = this.mts[k];
      if (!this.snap.available[g] && cur.mtPKw[k] !== 0) {
        clipped.push(`MT ${net.generators[g].id} is not available at step ${t}: off`);
        cur.mtPKw[k] = 0;
        cur.mtQKvar[k] = 0;
      }
    }
    const faulted = this.faultsAt(t, this.faultBuf);
    const ev = this.evaluator.evaluate(this.snap, cur, { faulted, prevOpen, islanding: this.mode === 'restore', weights: this.weights, invalid });
    for (const l of ev.protectionOpened) {
      clipped.push(`line ${net.lines[l].id} is faulted at step ${t}: opened`);
      cur.lineOpen[l] = 1;
    }
    for (let l = 0; l < faulted.length; l++) if (faulted[l]) cur.lineOpen[l] = 1;
    for (const k of ev.tripped) {
      const g = net.generators[this.mts[k]];
      clipped.push(`MT ${g.id} tripped: its island needed more than its limits (P ${g.pMinKw}..${g.pMaxKw} kW, Q ${g.qMinKvar}..${g.qMaxKvar} kvar)`);
      cur.mtPKw[k] = 0;
      cur.mtQKvar[k] = 0;
    }
    return ev;
  }

  /** The optional termination rules: 'any-loss' (any dark bus), 'supply-lost' (a dark bus some switching could supply). */
  private supplyLost(pf: PfResult): StepInfo['terminationReason'] {
    const net = this.net;
    const n = net.buses.length;
    if (this.termination === 'any-loss') {
      for (let i = 0; i < n; i++) if (!pf.energized[i]) return 'supply-lost';
      return null;
    }
    const canReach = reachable(net, this.evaluator.request.lineFaulted, net.substations);
    for (let i = 0; i < n; i++) if (canReach[i] && !pf.energized[i]) return 'supply-lost';
    return null;
  }

  /** S(t) as chain data: observed loads (with noise), generation, switches, pick-up, faults, voltages. */
  private captureState(t: number, ev: Evaluation): ChainState {
    const pf = ev.pf;
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
    // PV/WT: available output; MTs: actual output (an island's MT carries its balance), 0 off or dark
    const genPKw = Float64Array.from(this.snap.genPKw);
    const genQKvar = Float64Array.from(this.snap.genQKvar);
    this.mts.forEach((g, k) => {
      genPKw[g] = ev.mtPKw[k];
      genQKvar[g] = ev.mtQKvar[k];
    });
    const vPu = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      const v = pf.vPu[b];
      vPu[b] = Number.isFinite(v) && v > 0 ? v : 0;
    }
    return {
      step: t, loadPKw, loadQKvar, genPKw, genQKvar, lineOpen: this.cur.lineOpen.slice(), lineFaulted: this.evaluator.request.lineFaulted.slice(), vPu,
      pickup: this.cur.pickup.slice(), gridForming: this.cur.gridForming.slice(),
    };
  }

  private baseInfo(ev: Evaluation): StepInfo {
    const pf = ev.pf;
    const status = pf.converged ? 'converged' : pf.islands.some((i) => i.status === 'diverged') ? 'diverged' : 'max-iterations';
    const info: StepInfo = {
      step: this.t,
      reward: zeroReward(),
      lossKw: ev.lossKw,
      loadKw: ev.loadKw,
      servedKw: ev.servedKw,
      unservedKw: ev.unservedKw,
      shedKw: ev.shedKw,
      vMinPu: pf.converged && Number.isFinite(pf.vMinPu) ? pf.vMinPu : 0,
      switchOps: ev.switchOps,
      pfStatus: status,
      valid: true,
      errors: [],
      clipped: [],
      tripped: ev.tripped.map((k) => this.net.generators[this.mts[k]].id),
      terminationReason: null,
    };
    if (this.faults.kind === 'scenarios') info.scenario = this.scenario;
    if (this.actionMask) {
      const f = this.evaluator.request.lineFaulted;
      if (this.actionKind === 'config') {
        const tb = this.radialTable();
        const open: number[] = [];
        for (let l = 0; l < this.cur.lineOpen.length; l++) if (this.cur.lineOpen[l]) open.push(l);
        info.config = findConfiguration(tb, open);
        info.actionMask = this.maskFor(f);
      } else info.actionMask = this.discreteMask();
      info.maskFaults = [];
      for (let l = 0; l < f.length; l++) if (f[l]) info.maskFaults.push(this.net.lines[l].id);
    }
    return info;
  }

  private observe(s: ChainState, info: StepInfo): Observation {
    if (this.encoding === 'vector') {
      const v = this.vector;
      const hour = (((s.step * this.weights.stepHours) % 24) + 24) % 24;
      const next = this.forecast ? { series: this.series, t: Math.min(s.step + 1, this.series.steps - 1), net: this.net } : undefined;
      return writeVector(v, s, this.mts, { pricePerKwh: this.snap.gridPricePerKwh, hour, progress: (s.step - this.t0) / this.horizon, next },
        new Float64Array(v.size));
    }
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
        pickup: s.pickup!,
        gridForming: s.gridForming!,
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

/** A value as a message shows it: JSON, but Infinity and NaN as themselves (JSON.stringify says null). */
function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ActionError(`${what}: expected an array of numbers`);
  const arr = Array.from(v as ArrayLike<unknown>);
  for (let i = 0; i < arr.length; i++) {
    if (typeof arr[i] !== 'number' || !Number.isFinite(arr[i] as number)) throw new ActionError(`${what}[${i}]: expected a finite number, found ` +
      `${shown(arr[i])}`);
  }
  return arr as number[];
}

/** 1 + the first line faulted in s that `open` closes, 0 if none. */
function closesFaulted(open: Uint8Array, s: ChainState): number {
  for (let l = 0; l < open.length; l++) if (s.lineFaulted[l] && !open[l]) return l + 1;
  return 0;
}

/** fault sets whose masks are kept (N-1 on a feeder of a few hundred lines fits) */
const MASK_CACHE = 256;

function faultKey(f: Uint8Array): string {
  let s = '';
  for (let l = 0; l < f.length; l++) if (f[l]) s += l + ',';
  return s;
}
