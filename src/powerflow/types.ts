/** Inputs and results of the AC power flow. Arrays are indexed by 0-based bus / line / generator index. */

export interface PfRequest {
  /** bus load, kW / kvar */
  loadPKw: Float64Array;
  loadQKvar: Float64Array;
  /** generator output or set-point, kW / kvar (PV, WT: available output; MT: dispatch) */
  genPKw: Float64Array;
  genQKvar: Float64Array;
  /** 1 = generator in service; an MT that is off injects nothing and cannot form an island */
  genOn: Uint8Array;
  /** 1 = line open by its switch */
  lineOpen: Uint8Array;
  /** 1 = line faulted (out of service whatever its switch says) */
  lineFaulted: Uint8Array;
  /** restoration mode: an island without a substation is energized by a grid-forming MT that is on */
  islanding: boolean;
  /**
   * per generator, 1 = may hold an island's voltage (restoration mode; only generators with
   * gridForming in generators.csv): in each island cut off from the substations the first flagged
   * MT that is on forms it. Absent: every grid-forming MT is flagged.
   */
  gridForming?: Uint8Array;
}

export type PfMethod = 'auto' | 'newton' | 'sweep';

export interface PfOptions {
  /** auto: backward/forward sweep on radial islands, Newton-Raphson on meshed ones */
  method?: PfMethod;
  /** convergence tolerance: largest power mismatch (Newton) or voltage change (sweep), per unit */
  tolPu?: number;
  /** iteration limit; default 100 for the sweep (linear convergence), 30 for Newton */
  maxIter?: number;
}

export const LINE_CLOSED = 0;
export const LINE_OPEN = 1;
export const LINE_FAULTED = 2;
export const LINE_DEENERGIZED = 3;
export const LINE_STATUS_NAMES = ['closed', 'open', 'faulted', 'de-energized'] as const;
export type LineStatusName = (typeof LINE_STATUS_NAMES)[number];

export type IslandStatus = 'converged' | 'max-iterations' | 'diverged' | 'dark';

export interface IslandResult {
  /** 0-based bus indices */
  buses: number[];
  /** slack bus index, -1 when dark */
  sourceBus: number;
  sourceKind: 'substation' | 'MT' | 'none';
  /** generator index of the grid-forming MT holding the island, -1 otherwise */
  sourceGen: number;
  radial: boolean;
  method: 'sweep' | 'newton' | 'none';
  iterations: number;
  mismatchPu: number;
  status: IslandStatus;
}

export interface PfResult {
  converged: boolean;
  /** largest iteration count over the islands */
  iterations: number;
  /** largest final mismatch over the islands, per unit */
  mismatchPu: number;
  vPu: Float64Array;
  angleDeg: Float64Array;
  energized: Uint8Array;
  servedPKw: Float64Array;
  servedQKvar: Float64Array;
  /** flow at the `from` end, positive from `from` to `to` */
  linePKw: Float64Array;
  lineQKvar: Float64Array;
  lineCurrentA: Float64Array;
  lineLoadingPct: Float64Array;
  lineLossKw: Float64Array;
  lineLossKvar: Float64Array;
  lineStatus: Uint8Array;
  /** actual generator output (a slack MT supplies its island's balance) */
  genPKw: Float64Array;
  genQKvar: Float64Array;
  /** power drawn from each substation bus, kW / kvar, indexed like network.substations */
  substationPKw: Float64Array;
  substationQKvar: Float64Array;
  lossKw: number;
  lossKvar: number;
  loadKw: number;
  servedKw: number;
  unservedKw: number;
  vMinPu: number;
  /** bus index of the lowest voltage among energized buses, -1 when none */
  vMinBus: number;
  vMaxPu: number;
  vMaxBus: number;
  islands: IslandResult[];
}
