/**
 * The reconfiguration / restoration problem, written once against the LinearModel builder and
 * generated from the graph (nothing sized to a particular feeder).
 *
 * Per unit inside (baseKva of the case); kW/kvar outside. For each line l (from f to t):
 *   sw_l   binary, 1 = line conducts (faulted lines fixed to 0)
 *   p_l,q_l  flow at the `from` end (either sign), l_l >= 0 squared current magnitude
 *   DistFlow:  v_t = v_f - 2 (r p + x q) + (r^2 + x^2) l     relaxed by M^V (1 - sw) when open
 *              bus balance with the loss r l, x l charged at the receiving side
 *              |p| <= M^P sw, |q| <= M^Q sw, l <= M^l sw  (big-M from the data: load, generation, ampacity)
 *   cone:      l v_f >= p^2 + q^2, kept by tangent cuts added in the outer-approximation loop
 *              (branch 'soc'); 'lindistflow' (approximate) drops l from voltage and balance and
 *              prices losses by fixed tangent planes of l >= p^2 + q^2 at v = 1.
 * Radiality as a forest rooted at a virtual root (Lei et al. 2020): a single-commodity flow
 * from the root to the substations and to grid-forming MTs (gf_g) delivers one unit to every
 * energized bus (en_i) over conducting lines, and  sum sw = sum en - #substations - sum gf.
 * Every energized component then holds exactly one source and is a tree. Optional tightening:
 * direction binaries (each energized non-root bus has one parent), fundamental-loop cuts, and
 * lines that cannot open (bridges of the energized graph) fixed closed.
 * Loads: pk_i in {0,1} (or [0,1] with the fractional option), pk_i <= en_i.
 * MT: on_g binary, Pmin on <= pg <= Pmax on, Q likewise; gf_g <= on_g holds the voltage at 1 pu.
 * PV/WT: as given at an energized bus (curtailable option: up to the available output).
 */
import { Network, zBaseOhm } from '../grid/network';
import { Snapshot } from '../grid/series';
import { RewardWeights, gridPrice, mtPrice } from '../powerflow/reward';
import { adjacency, bridges, chains, fundamentalLoops, reachable } from '../topology/graph';
import { LinearModel } from './lp-model';

export type Mode = 'reconfig' | 'restore';
/**
 * 'reward': exactly minus the environment's reward terms (src/powerflow/reward.ts) with the same
 * weights: voltage penalty, loss, blackout, MT energy, grid energy at the weights' price (0 by
 * default, as the reward), switching; 'cost': the same with the grid energy at the price
 * series' price; 'loss': losses, unserved load and switching only.
 */
export type ObjectiveKind = 'reward' | 'cost' | 'loss';
export const OBJECTIVES: readonly ObjectiveKind[] = ['reward', 'cost', 'loss'];
export type BranchModel = 'soc' | 'lindistflow';

export interface Tightening {
  /** big-M per line from the data ('data') or one loose constant for all lines ('naive') */
  bigM: 'data' | 'naive';
  /** direction binaries: each energized non-root bus has exactly one parent */
  parent: boolean;
  /** sum of switches around each fundamental loop <= its length - 1 */
  loopCuts: boolean;
  /** fix closed the lines that cannot open (bridges of the reachable graph, reconfiguration) */
  fixBridges: boolean;
  /** add the perspective cut (y = vhi^2 sw) beside every cone cut ('all') or only the seed cuts */
  perspective: boolean;
  /** reconfiguration: at most one open line per chain of lines through degree-2 buses */
  chains: boolean;
}

export const TIGHT: Tightening = { bigM: 'data', parent: false, loopCuts: true, fixBridges: true, perspective: true, chains: true };
export const NAIVE: Tightening = { bigM: 'naive', parent: false, loopCuts: false, fixBridges: false, perspective: false, chains: false };

/** Voltage: 'hard' = the buses' [vMinPu, vMaxPu] as constraints; 'soft' = the reward's penalty
 * outside [vLowPu, vHighPu] (objectives 'reward' and 'cost'), within the safety band SOFT_BAND_PU. */
export type VoltageRule = 'hard' | 'soft';
export const SOFT_BAND_PU: [number, number] = [0.8, 1.2];

export interface FormulationOptions {
  mode: Mode;
  /** 'soft': the reward's voltage penalty (objectives 'reward', 'cost'), safety band 0.8-1.2 pu; 'hard': bus limits */
  voltage: VoltageRule;
  objective: ObjectiveKind;
  /** 'soc' exact by cuts; 'lindistflow' approximate (no losses in the physics, fixed loss planes) */
  branch: BranchModel;
  pickup: 'binary' | 'fractional';
  curtailable: boolean;
  /** 'off': every MT stays off (topology-only decisions) */
  mt: 'on' | 'off';
  tightening: Tightening;
  weights: RewardWeights;
}

/** Column / row indices of the generated model (-1 where absent). */
export interface Layout {
  sw: Int32Array; p: Int32Array; q: Int32Array; ell: Int32Array; flow: Int32Array; dirF: Int32Array; dirB: Int32Array;
  v: Int32Array; pimp: Int32Array; vLo: Int32Array; vHi: Int32Array; en: Int32Array; pk: Int32Array; psub: Int32Array; qsub: Int32Array; root: Int32Array;
  pg: Int32Array; qg: Int32Array; on: Int32Array; gf: Int32Array; gfFlow: Int32Array;
  balP: Int32Array; balQ: Int32Array;
  /** rows p - MP sw <= 0, -p - MP sw <= 0, q..., l - Ml sw <= 0 (per line) */
  mPpos: Int32Array; mPneg: Int32Array; mQpos: Int32Array; mQneg: Int32Array; mL: Int32Array;
  /** PV/WT: pg - A en (= or <=) 0, qg - B en = 0 */
  renP: Int32Array; renQ: Int32Array;
  /** voltage-difference rows per line (sw coefficient +-MV, bound MV set per step) */
  vdHi: Int32Array; vdLo: Int32Array;
  /** constants per line */
  rPu: Float64Array; xPu: Float64Array; iMaxPu2: Float64Array;
}

export interface Formulation {
  net: Network;
  opts: FormulationOptions;
  lp: LinearModel;
  L: Layout;
  /** number of cut rows added so far (names cut_<k>) */
  cutCount: number;
  /** perspective cut rows (their sw coefficient is the step's vhi^2) */
  persp: { row: number; l: number }[];
  /** rows before this index (the structure and the seed cuts) are never pruned */
  firstPrunable: number;
  /** per bus: the step's upper voltage bound (pu) */
  vHiStep: Float64Array;
  /** chain rows (reconfiguration): at most one open line per chain, relaxed per step where a chain is cut */
  chains: ChainRow[];
}

/** A chain of lines through degree-2 buses (src/topology/graph.ts) and its row in the model. */
export interface ChainRow { row: number; lines: number[]; inner: number[] }

/** Something that can edit a model: a SyncedMip, or a plain LinearModel in tests. */
export interface ModelEditor {
  readonly lp: LinearModel;
  setColBounds(j: number, lo: number, hi: number): void;
  setColCost(j: number, c: number): void;
  setRowBounds(r: number, lo: number, hi: number): void;
  setCoef(r: number, j: number, v: number): void;
  setOffset(c: number): void;
}

export function plainEditor(lp: LinearModel): ModelEditor {
  return {
    lp,
    setColBounds(j, lo, hi) { lp.colLower[j] = lo; lp.colUpper[j] = hi; },
    setColCost(j, c) { lp.colCost[j] = c; },
    setRowBounds(r, lo, hi) { lp.rowLower[r] = lo; lp.rowUpper[r] = hi; },
    setCoef(r, j, v) {
      for (let k = lp.rowStart[r]; k < lp.rowStart[r + 1]; k++) if (lp.rowIdx[k] === j) { lp.rowVal[k] = v; return; }
      throw new Error('no such entry');
    },
    setOffset(c) { lp.objOffset = c; },
  };
}

const I32 = (n: number): Int32Array => new Int32Array(n).fill(-1);

/** Loose constants of the 'naive' big-M variant (per unit). */
const NAIVE_M = { p: 100, l: 1e4, v: 10 };

/** Build the model structure (independent of the step's data; `applyStep` sets those). */
export function buildFormulation(net: Network, opts: FormulationOptions): Formulation {
  const lp = new LinearModel();
  const nb = net.buses.length;
  const nl = net.lines.length;
  const ng = net.generators.length;
  const N = nb; // commodity capacity
  const restore = opts.mode === 'restore';
  const soc = opts.branch === 'soc';
  const L: Layout = {
    sw: I32(nl), p: I32(nl), q: I32(nl), ell: I32(nl), flow: I32(nl), dirF: I32(nl), dirB: I32(nl),
    v: I32(nb), pimp: I32(nb), vLo: I32(nb), vHi: I32(nb), en: I32(nb), pk: I32(nb), psub: I32(nb), qsub: I32(nb), root: I32(nb),
    pg: I32(ng), qg: I32(ng), on: I32(ng), gf: I32(ng), gfFlow: I32(ng),
    balP: I32(nb), balQ: I32(nb), mPpos: I32(nl), mPneg: I32(nl), mQpos: I32(nl), mQneg: I32(nl), mL: I32(nl),
    renP: I32(ng), renQ: I32(ng), vdHi: I32(nl), vdLo: I32(nl),
    rPu: new Float64Array(nl), xPu: new Float64Array(nl), iMaxPu2: new Float64Array(nl),
  };
  const isSub = new Uint8Array(nb);
  for (const s of net.substations) isSub[s] = 1;

  // ---- columns
  net.buses.forEach((b, i) => {
    const id = b.id;
    const [vlo, vhi] = vBand(b, opts.voltage);
    if (isSub[i]) L.v[i] = lp.addCol(`v_${id}`, 1, 1);
    else L.v[i] = lp.addCol(`v_${id}`, vlo * vlo, vhi * vhi);
    if (!isSub[i] && opts.voltage === 'soft' && opts.objective !== 'loss') {
      // deviation below / above the reward's band, in |V| (linearized around the band edges)
      const w = opts.weights;
      L.vLo[i] = lp.addCol(`vlo_${id}`, 0, Infinity, w.voltageWeight);
      L.vHi[i] = lp.addCol(`vhi_${id}`, 0, Infinity, w.voltageWeight);
    }
    L.en[i] = lp.addCol(`up_${id}`, isSub[i] ? 1 : 0, 1, 0, 'integer');
    if (!isSub[i]) L.pk[i] = lp.addCol(`pk_${id}`, 0, 1, 0, opts.pickup === 'binary' ? 'integer' : 'continuous');
    if (isSub[i]) {
      L.psub[i] = lp.addCol(`psub_${id}`, -Infinity, Infinity);
      // energy bought from the grid: export is allowed but earns nothing
      L.pimp[i] = lp.addCol(`pimp_${id}`, 0, Infinity);
      lp.addRow(`imp_${id}`, [L.pimp[i], L.psub[i]], [1, -1], 0, Infinity);
      L.qsub[i] = lp.addCol(`qsub_${id}`, -Infinity, Infinity);
      L.root[i] = lp.addCol(`root_${id}`, 0, N);
    }
  });
  net.lines.forEach((ln, l) => {
    const id = ln.id;
    const kv = net.buses[ln.from].baseKv;
    const zb = zBaseOhm(net, ln.from);
    L.rPu[l] = ln.rOhm / zb;
    L.xPu[l] = ln.xOhm / zb;
    const iBaseA = net.baseKva / (Math.sqrt(3) * kv);
    const iMax = ln.ampacityA > 0 ? ln.ampacityA / iBaseA : Infinity;
    L.iMaxPu2[l] = iMax * iMax;
    L.sw[l] = lp.addCol(`sw_${id}`, 0, 1, 0, 'integer');
    L.p[l] = lp.addCol(`p_${id}`, -Infinity, Infinity);
    L.q[l] = lp.addCol(`q_${id}`, -Infinity, Infinity);
    L.ell[l] = lp.addCol(`l_${id}`, 0, Number.isFinite(L.iMaxPu2[l]) ? L.iMaxPu2[l] : Infinity);
    L.flow[l] = lp.addCol(`f_${id}`, -N, N);
    if (opts.tightening.parent) {
      L.dirF[l] = lp.addCol(`df_${id}`, 0, 1, 0, 'integer');
      L.dirB[l] = lp.addCol(`db_${id}`, 0, 1, 0, 'integer');
    }
  });
  net.generators.forEach((g, k) => {
    const id = g.id;
    if (g.kind === 'MT') {
      L.pg[k] = lp.addCol(`pg_${id}`, 0, g.pMaxKw / net.baseKva);
      L.qg[k] = lp.addCol(`qg_${id}`, Math.min(0, g.qMinKvar / net.baseKva), g.qMaxKvar / net.baseKva);
      L.on[k] = lp.addCol(`on_${id}`, 0, 1, 0, 'integer');
      if (restore && g.gridForming) {
        L.gf[k] = lp.addCol(`gf_${id}`, 0, 1, 0, 'integer');
        L.gfFlow[k] = lp.addCol(`fg_${id}`, 0, N);
      }
    } else {
      L.pg[k] = lp.addCol(`pg_${id}`, 0, Infinity);
      L.qg[k] = lp.addCol(`qg_${id}`, -Infinity, Infinity);
    }
  });

  // ---- rows
  const adj = adjacency(net);
  net.buses.forEach((b, i) => {
    const id = b.id;
    const pi: number[] = [];
    const pv: number[] = [];
    const qi: number[] = [];
    const qv: number[] = [];
    const fi: number[] = [];
    const fv: number[] = [];
    for (let k = adj.start[i]; k < adj.start[i + 1]; k++) {
      const l = adj.line[k];
      const ln = net.lines[l];
      if (ln.to === i) {
        pi.push(L.p[l]); pv.push(1);
        qi.push(L.q[l]); qv.push(1);
        if (soc) { pi.push(L.ell[l]); pv.push(-L.rPu[l]); qi.push(L.ell[l]); qv.push(-L.xPu[l]); }
        fi.push(L.flow[l]); fv.push(1);
      } else {
        pi.push(L.p[l]); pv.push(-1);
        qi.push(L.q[l]); qv.push(-1);
        fi.push(L.flow[l]); fv.push(-1);
      }
    }
    net.generators.forEach((g, k) => {
      if (g.bus !== i) return;
      pi.push(L.pg[k]); pv.push(1);
      qi.push(L.qg[k]); qv.push(1);
      if (L.gfFlow[k] >= 0) { fi.push(L.gfFlow[k]); fv.push(1); }
    });
    if (isSub[i]) {
      pi.push(L.psub[i]); pv.push(1);
      qi.push(L.qsub[i]); qv.push(1);
      fi.push(L.root[i]); fv.push(1);
    } else {
      // served load: -load * pk (coefficient set per step)
      pi.push(L.pk[i]); pv.push(0);
      qi.push(L.pk[i]); qv.push(0);
      lp.addRow(`pk_en_${id}`, [L.pk[i], L.en[i]], [1, -1], -Infinity, 0);
    }
    L.balP[i] = lp.addRow(`balp_${id}`, pi, pv, 0, 0);
    L.balQ[i] = lp.addRow(`balq_${id}`, qi, qv, 0, 0);
    fi.push(L.en[i]); fv.push(-1);
    lp.addRow(`cf_${id}`, fi, fv, 0, 0);
  });

  net.lines.forEach((ln, l) => {
    const id = ln.id;
    const f = ln.from;
    const t = ln.to;
    const r = L.rPu[l];
    const x = L.xPu[l];
    const bf = net.buses[f];
    const bt = net.buses[t];
    const [flo, fhi] = vBand(bf, opts.voltage);
    const [tlo, thi] = vBand(bt, opts.voltage);
    const mv = opts.tightening.bigM === 'naive'
      ? NAIVE_M.v
      : Math.max(thi ** 2 - flo ** 2, fhi ** 2 - tlo ** 2, 1e-6);
    const vi = [L.v[t], L.v[f], L.p[l], L.q[l], L.sw[l]];
    const vv = [1, -1, 2 * r, 2 * x, mv];
    if (soc) { vi.push(L.ell[l]); vv.push(-(r * r + x * x)); }
    L.vdHi[l] = lp.addRow(`vd_hi_${id}`, vi, vv, -Infinity, mv);
    const vv2 = vv.slice();
    vv2[4] = -mv;
    L.vdLo[l] = lp.addRow(`vd_lo_${id}`, vi, vv2, -mv, Infinity);
    // big-M on the flows (coefficients set per step)
    L.mPpos[l] = lp.addRow(`mp_hi_${id}`, [L.p[l], L.sw[l]], [1, -1], -Infinity, 0);
    L.mPneg[l] = lp.addRow(`mp_lo_${id}`, [L.p[l], L.sw[l]], [-1, -1], -Infinity, 0);
    L.mQpos[l] = lp.addRow(`mq_hi_${id}`, [L.q[l], L.sw[l]], [1, -1], -Infinity, 0);
    L.mQneg[l] = lp.addRow(`mq_lo_${id}`, [L.q[l], L.sw[l]], [-1, -1], -Infinity, 0);
    if (opts.tightening.bigM === 'naive') L.mL[l] = lp.addRow(`ml_${id}`, [L.ell[l], L.sw[l]], [1, -1], -Infinity, 0);
    // commodity flow only on conducting lines (through the direction binaries when present)
    if (opts.tightening.parent) {
      lp.addRow(`dir_${id}`, [L.dirF[l], L.dirB[l], L.sw[l]], [1, 1, -1], 0, 0);
      lp.addRow(`cfd_hi_${id}`, [L.flow[l], L.dirF[l]], [1, -N], -Infinity, 0);
      lp.addRow(`cfd_lo_${id}`, [L.flow[l], L.dirB[l]], [-1, -N], -Infinity, 0);
    } else {
      lp.addRow(`cf_hi_${id}`, [L.flow[l], L.sw[l]], [1, -N], -Infinity, 0);
      lp.addRow(`cf_lo_${id}`, [L.flow[l], L.sw[l]], [-1, -N], -Infinity, 0);
    }
    // a conducting line joins energized buses; a line without a switch conducts when energized
    lp.addRow(`sw_en_f_${id}`, [L.sw[l], L.en[f]], [1, -1], -Infinity, 0);
    lp.addRow(`sw_en_t_${id}`, [L.sw[l], L.en[t]], [1, -1], -Infinity, 0);
    if (!ln.switchable) lp.addRow(`fixed_${id}`, [L.sw[l], L.en[f], L.en[t]], [2, -1, -1], 0, 0);
  });
  if (opts.tightening.parent) {
    net.buses.forEach((b, i) => {
      const idx: number[] = [];
      const val: number[] = [];
      for (let k = adj.start[i]; k < adj.start[i + 1]; k++) {
        const l = adj.line[k];
        idx.push(net.lines[l].to === i ? L.dirF[l] : L.dirB[l]);
        val.push(1);
      }
      idx.push(L.en[i]); val.push(-1);
      net.generators.forEach((g, k) => { if (g.bus === i && L.gf[k] >= 0) { idx.push(L.gf[k]); val.push(1); } });
      const rhs = isSub[i] ? -1 : 0;
      lp.addRow(`par_${b.id}`, idx, val, rhs, rhs);
    });
  }
  // soft voltage: vlo >= (vLow^2 - v) / (2 vLow), vhi >= (v - vHigh^2) / (2 vHigh); only energized buses count
  net.buses.forEach((b, i) => {
    if (L.vLo[i] < 0) return;
    const w = opts.weights;
    const [slo, shi] = SOFT_BAND_PU;
    // when the bus is dark (en = 0) its fictitious voltage must not be charged: relax by the band width
    const mlo = (w.vLowPu ** 2 - slo ** 2) / (2 * w.vLowPu);
    const mhi = (shi ** 2 - w.vHighPu ** 2) / (2 * w.vHighPu);
    lp.addRow(`vdev_lo_${b.id}`, [L.vLo[i], L.v[i], L.en[i]], [2 * w.vLowPu, 1, -2 * w.vLowPu * mlo], w.vLowPu ** 2 - 2 * w.vLowPu * mlo, Infinity);
    lp.addRow(`vdev_hi_${b.id}`, [L.vHi[i], L.v[i], L.en[i]], [2 * w.vHighPu, -1, -2 * w.vHighPu * mhi], -(w.vHighPu ** 2) - 2 * w.vHighPu * mhi, Infinity);
  });
  // forest count: sum sw = sum en - #substations - sum gf
  {
    const idx: number[] = [];
    const val: number[] = [];
    for (let l = 0; l < nl; l++) { idx.push(L.sw[l]); val.push(1); }
    for (let i = 0; i < nb; i++) { idx.push(L.en[i]); val.push(-1); }
    for (let k = 0; k < ng; k++) if (L.gf[k] >= 0) { idx.push(L.gf[k]); val.push(1); }
    lp.addRow('forest', idx, val, -net.substations.length, -net.substations.length);
  }
  const chainRows: ChainRow[] = [];
  if (opts.tightening.chains && !restore) {
    chainRows.push(...chains(net).map((ch, k) => ({
      row: lp.addRow(`chain_${k + 1}`, ch.lines.map((l) => L.sw[l]), ch.lines.map(() => 1), ch.lines.length - 1, Infinity),
      lines: ch.lines, inner: ch.inner,
    })));
  }
  if (opts.tightening.loopCuts) {
    const loops = fundamentalLoops(net, new Uint8Array(nl));
    loops.forEach((loop, k) => {
      lp.addRow(`loop_${k + 1}`, loop.map((l) => L.sw[l]), loop.map(() => 1), -Infinity, loop.length - 1);
    });
  }
  net.generators.forEach((g, k) => {
    const id = g.id;
    const bus = g.bus;
    if (g.kind === 'MT') {
      const b = net.baseKva;
      lp.addRow(`mt_pmax_${id}`, [L.pg[k], L.on[k]], [1, -g.pMaxKw / b], -Infinity, 0);
      if (g.pMinKw > 0) lp.addRow(`mt_pmin_${id}`, [L.pg[k], L.on[k]], [1, -g.pMinKw / b], 0, Infinity);
      lp.addRow(`mt_qmax_${id}`, [L.qg[k], L.on[k]], [1, -g.qMaxKvar / b], -Infinity, 0);
      lp.addRow(`mt_qmin_${id}`, [L.qg[k], L.on[k]], [1, -g.qMinKvar / b], 0, Infinity);
      lp.addRow(`mt_en_${id}`, [L.on[k], L.en[bus]], [1, -1], -Infinity, 0);
      if (L.gf[k] >= 0) {
        lp.addRow(`gf_on_${id}`, [L.gf[k], L.on[k]], [1, -1], -Infinity, 0);
        lp.addRow(`gf_flow_${id}`, [L.gfFlow[k], L.gf[k]], [1, -N], -Infinity, 0);
        const [blo, bhi] = vBand(net.buses[bus], opts.voltage);
        const mv = Math.max(bhi ** 2 - 1, 1 - blo ** 2, 1e-6);
        lp.addRow(`gf_v_hi_${id}`, [L.v[bus], L.gf[k]], [1, mv], -Infinity, 1 + mv);
        lp.addRow(`gf_v_lo_${id}`, [L.v[bus], L.gf[k]], [1, -mv], 1 - mv, Infinity);
      }
    } else {
      L.renP[k] = lp.addRow(`ren_p_${id}`, [L.pg[k], L.en[bus]], [1, 0], opts.curtailable ? -Infinity : 0, 0);
      L.renQ[k] = lp.addRow(`ren_q_${id}`, [L.qg[k], L.en[bus]], [1, 0], 0, 0);
    }
  });
  const vHiStep = new Float64Array(nb);
  net.buses.forEach((b, i) => { vHiStep[i] = vBand(b, opts.voltage)[1]; });
  return { net, opts, lp, L, cutCount: 0, persp: [], vHiStep, firstPrunable: Infinity, chains: chainRows };
}

export function vBand(b: { vMinPu: number; vMaxPu: number }, rule: VoltageRule): [number, number] {
  return rule === 'hard' ? [b.vMinPu, b.vMaxPu] : SOFT_BAND_PU;
}

export interface StepInput {
  snap: Snapshot;
  /** 1 = faulted */
  faulted: Uint8Array;
  /** previous topology, 1 = line open; null = no switching cost reference */
  prevOpen: Uint8Array | null;
}

/** Buses reachable from the substations over non-faulted lines. */
export function reachableFromSubstations(net: Network, faulted: Uint8Array): Uint8Array {
  return reachable(net, faulted, net.substations);
}

/** Set the step's data into the model: loads, generation, prices, faults, switching reference. */
export function applyStep(F: Formulation, ed: ModelEditor, inp: StepInput): void {
  const { net, opts, L } = F;
  const w = opts.weights;
  const base = net.baseKva;
  const h = w.stepHours;
  const nb = net.buses.length;
  const nl = net.lines.length;
  const s = inp.snap;
  const restore = opts.mode === 'restore';
  const reach = reachableFromSubstations(net, inp.faulted);
  // where can a bus be energized from at all: substations, or (restore) an available grid-forming MT
  const canSource: number[] = [...net.substations];
  if (restore) net.generators.forEach((g, k) => { if (g.kind === 'MT' && g.gridForming && s.available[k] && opts.mt === 'on') canSource.push(g.bus); });
  const reachAny = reachable(net, inp.faulted, canSource);
  // energization: buses reachable from a substation are energized (WLOG: a bus with its load off
  // can always hang on a neighbouring tree); restore mode decides the others; the rest stay dark
  for (let i = 0; i < nb; i++) {
    if (reach[i]) ed.setColBounds(L.en[i], 1, 1);
    else if (restore && reachAny[i]) ed.setColBounds(L.en[i], 0, 1);
    else ed.setColBounds(L.en[i], 0, 0);
  }
  // upper voltage of the step: with no injection anywhere (no PV/WT output, no MT available, no
  // negative load) no bus rises above its source (1.0 pu); otherwise the band's upper limit
  let injection = false;
  for (let i = 0; i < nb; i++) if (s.loadPKw[i] < 0 || s.loadQKvar[i] < 0) injection = true;
  net.generators.forEach((g, k) => {
    if (g.kind === 'MT') { if (s.available[k] && opts.mt === 'on') injection = true; }
    else if (s.genPKw[k] > 0 || s.genQKvar[k] !== 0) injection = true;
  });
  net.buses.forEach((b, i) => {
    const [lo, hi] = vBand(b, opts.voltage);
    const vh = injection ? hi : Math.max(lo, Math.min(hi, 1));
    F.vHiStep[i] = vh;
    if (!b.substation) ed.setColBounds(L.v[i], lo * lo, vh * vh);
  });
  for (const { row, l } of F.persp) {
    const f = net.lines[l].from;
    ed.setCoef(row, L.sw[l], F.vHiStep[f] ** 2);
  }
  if (opts.tightening.bigM === 'data') {
    for (let l = 0; l < nl; l++) {
      const ln = net.lines[l];
      const flo = vBand(net.buses[ln.from], opts.voltage)[0];
      const tlo = vBand(net.buses[ln.to], opts.voltage)[0];
      const mv = Math.max(F.vHiStep[ln.to] ** 2 - flo ** 2, F.vHiStep[ln.from] ** 2 - tlo ** 2, 1e-6);
      ed.setCoef(L.vdHi[l], L.sw[l], mv);
      ed.setRowBounds(L.vdHi[l], -Infinity, mv);
      ed.setCoef(L.vdLo[l], L.sw[l], -mv);
      ed.setRowBounds(L.vdLo[l], -mv, Infinity);
    }
  }
  // big-M per line from the data of this step, per connected component of the network without
  // its faulted lines: a line carries at most its component's load plus losses (25 % margin), or
  // all its generation back; in a component without a substation (MT islands only) at most both,
  // as all its generation is consumed inside it
  const comp = new Int32Array(nb).fill(-1);
  const compSub: boolean[] = [];
  for (let i = 0; i < nb; i++) {
    if (comp[i] >= 0) continue;
    const c = compSub.length;
    const r = reachable(net, inp.faulted, [i]);
    let sub = false;
    for (let j = 0; j < nb; j++) if (r[j]) { comp[j] = c; if (net.buses[j].substation) sub = true; }
    compSub.push(sub);
  }
  const loadP = new Float64Array(compSub.length);
  const loadQ = new Float64Array(compSub.length);
  for (let i = 0; i < nb; i++) { loadP[comp[i]] += Math.abs(s.loadPKw[i]); loadQ[comp[i]] += Math.abs(s.loadQKvar[i]); }
  const genP = new Float64Array(compSub.length);
  const genQ = new Float64Array(compSub.length);
  net.generators.forEach((g, k) => {
    const c = comp[g.bus];
    if (g.kind === 'MT') { genP[c] += g.pMaxKw; genQ[c] += Math.max(Math.abs(g.qMaxKvar), Math.abs(g.qMinKvar)); }
    else { genP[c] += Math.abs(s.genPKw[k]); genQ[c] += Math.abs(s.genQKvar[k]); }
  });
  const bound = (c: number, load: Float64Array, gen: Float64Array): number =>
    ((compSub[c] ? Math.max(load[c] * 1.25, gen[c]) : Math.min(load[c] * 1.25, gen[c])) + 1) / base;
  const bridge = opts.tightening.fixBridges && !restore ? bridges(net, inp.faulted) : null;
  for (let l = 0; l < nl; l++) {
    const ln = net.lines[l];
    let mp: number;
    let mq: number;
    let ml: number;
    if (opts.tightening.bigM === 'naive') {
      mp = NAIVE_M.p; mq = NAIVE_M.p; ml = NAIVE_M.l;
    } else {
      const iMax = Math.sqrt(F.L.iMaxPu2[l]);
      const vMax = Math.max(net.buses[ln.from].vMaxPu, net.buses[ln.to].vMaxPu);
      const vMin = Math.min(net.buses[ln.from].vMinPu, net.buses[ln.to].vMinPu);
      mp = Math.min(bound(comp[ln.from], loadP, genP), iMax * vMax);
      mq = Math.min(bound(comp[ln.from], loadQ, genQ), iMax * vMax);
      ml = Math.min(L.iMaxPu2[l], (mp * mp + mq * mq) / (vMin * vMin));
    }
    ed.setCoef(L.mPpos[l], L.sw[l], -mp);
    ed.setCoef(L.mPneg[l], L.sw[l], -mp);
    ed.setCoef(L.mQpos[l], L.sw[l], -mq);
    ed.setCoef(L.mQneg[l], L.sw[l], -mq);
    if (L.mL[l] >= 0) ed.setCoef(L.mL[l], L.sw[l], -ml);
    // switch bounds: faulted open; a bridge between energized buses must conduct (reconfiguration)
    if (inp.faulted[l]) ed.setColBounds(L.sw[l], 0, 0);
    else if (bridge && bridge[l] && reach[ln.from] && reach[ln.to]) ed.setColBounds(L.sw[l], 1, 1);
    else if (!reachAny[ln.from] && !reach[ln.from]) ed.setColBounds(L.sw[l], 0, 0);
    else ed.setColBounds(L.sw[l], 0, 1);
  }
  // chains: with every inner bus energized, opening two lines of a chain would cut buses off
  for (const ch of F.chains) {
    const ok = ch.inner.every((i) => reach[i]) && ch.lines.every((l) => !inp.faulted[l]);
    ed.setRowBounds(ch.row, ok ? ch.lines.length - 1 : -Infinity, Infinity);
  }
  // loads and pick-up; unserved load is charged blackout price * (1 - pk) * load
  let offset = 0;
  for (let i = 0; i < nb; i++) {
    if (L.pk[i] < 0) continue;
    const pl = s.loadPKw[i];
    const ql = s.loadQKvar[i];
    ed.setCoef(L.balP[i], L.pk[i], -pl / base);
    ed.setCoef(L.balQ[i], L.pk[i], -ql / base);
    if (pl === 0 && ql === 0) {
      ed.setColBounds(L.pk[i], 0, reach[i] || reachAny[i] ? 1 : 0);
      ed.setColCost(L.pk[i], 0);
      continue;
    }
    ed.setColBounds(L.pk[i], 0, 1);
    ed.setColCost(L.pk[i], -w.blackoutPricePerKwh * pl * h);
    offset += w.blackoutPricePerKwh * pl * h;
  }
  // generators
  net.generators.forEach((g, k) => {
    if (g.kind === 'MT') {
      const avail = s.available[k] && opts.mt === 'on' && (reach[g.bus] || reachAny[g.bus]);
      ed.setColBounds(L.on[k], 0, avail ? 1 : 0);
      if (L.gf[k] >= 0) ed.setColBounds(L.gf[k], 0, avail ? 1 : 0);
      ed.setColCost(L.pg[k], opts.objective !== 'loss' ? mtPrice(w, s.mtPricePerKwh, g.costPerKwh) * base * h : 0);
    } else {
      const a = Math.max(0, s.genPKw[k]) / base;
      const b = s.genQKvar[k] / base;
      ed.setCoef(L.renP[k], L.en[g.bus], -a);
      ed.setCoef(L.renQ[k], L.en[g.bus], -b);
      ed.setColBounds(L.pg[k], 0, a);
      ed.setColBounds(L.qg[k], Math.min(0, b), Math.max(0, b));
    }
  });
  for (const sb of net.substations) {
    const price = opts.objective === 'cost' ? s.gridPricePerKwh : opts.objective === 'reward' ? gridPrice(w, s.gridPricePerKwh) : 0;
    ed.setColCost(L.pimp[sb], price * base * h);
  }
  for (let l = 0; l < nl; l++) {
    ed.setColCost(L.ell[l], w.lossPricePerKwh * L.rPu[l] * base * h);
    // switching cost against the previous topology: |sw - prevClosed|
    let c = 0;
    if (inp.prevOpen && w.switchingCostPerOp > 0 && net.lines[l].switchable) {
      if (inp.prevOpen[l]) c = w.switchingCostPerOp;
      else { c = -w.switchingCostPerOp; offset += w.switchingCostPerOp; }
    }
    ed.setColCost(L.sw[l], c);
  }
  ed.setOffset(offset);
}
