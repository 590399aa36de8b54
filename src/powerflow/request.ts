/**
 * Build a power-flow request from a time step's data, a switch state and an MT dispatch.
 * PV and WT inject their available output; an MT is on only when it has a set-point.
 */
import { Network } from '../grid/network';
import { Snapshot } from '../grid/series';
import { PfRequest } from './types';

export interface MtSetPoint {
  /** generator index */
  gen: number;
  pKw: number;
  qKvar: number;
}

export interface Operating {
  /** line indices open by their switch */
  open: Iterable<number>;
  /** line indices faulted (in addition to the snapshot's own faults) */
  faulted?: Iterable<number>;
  mt?: MtSetPoint[];
  /** restoration mode: grid-forming MTs energize islands cut off from the substation */
  islanding?: boolean;
}

/** Allocate an empty request for a network. */
export function emptyRequest(net: Network): PfRequest {
  return {
    loadPKw: new Float64Array(net.buses.length),
    loadQKvar: new Float64Array(net.buses.length),
    genPKw: new Float64Array(net.generators.length),
    genQKvar: new Float64Array(net.generators.length),
    genOn: new Uint8Array(net.generators.length),
    lineOpen: new Uint8Array(net.lines.length),
    lineFaulted: new Uint8Array(net.lines.length),
    islanding: false,
  };
}

/** Fill `out` (or a new request) from a snapshot and an operating point. */
export function buildRequest(net: Network, snap: Snapshot, op: Operating, out?: PfRequest): PfRequest {
  const req = out ?? emptyRequest(net);
  req.loadPKw.set(snap.loadPKw);
  req.loadQKvar.set(snap.loadQKvar);
  req.lineOpen.fill(0);
  req.lineFaulted.fill(0);
  for (const l of op.open) req.lineOpen[l] = 1;
  for (const l of snap.faulted) req.lineFaulted[l] = 1;
  if (op.faulted) for (const l of op.faulted) req.lineFaulted[l] = 1;
  req.genOn.fill(0);
  req.genPKw.fill(0);
  req.genQKvar.fill(0);
  net.generators.forEach((g, gi) => {
    if (g.kind === 'MT') return;
    req.genOn[gi] = 1;
    req.genPKw[gi] = snap.genPKw[gi];
    req.genQKvar[gi] = snap.genQKvar[gi];
  });
  for (const m of op.mt ?? []) {
    if (!snap.available[m.gen]) continue;
    req.genOn[m.gen] = 1;
    req.genPKw[m.gen] = m.pKw;
    req.genQKvar[m.gen] = m.qKvar;
  }
  req.islanding = op.islanding ?? true;
  return req;
}
