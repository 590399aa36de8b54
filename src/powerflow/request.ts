/**
 * The one builder of a power-flow request: a time step's data (snapshot), an action and the
 * lines faulted when it takes effect. Loads are scaled by the action's pick-up, PV and WT inject
 * their available output, an MT is on when its set-point P is > 0 and it is available at the
 * step, and the action's grid-forming flags say which MTs may hold an island.
 */
import { GridAction, mtIndices } from '../grid/action';
import { Network } from '../grid/network';
import { Snapshot } from '../grid/series';
import { PfRequest } from './types';

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
    gridForming: new Uint8Array(net.generators.length),
  };
}

/**
 * Fill `out` (or a new request) from a snapshot and an action. `faulted` (per line, 1 = faulted)
 * replaces the snapshot's own faults: the caller decides which faults are in force.
 */
export function actionRequest(net: Network, snap: Snapshot, action: GridAction, faulted: Uint8Array, islanding: boolean, out?: PfRequest,
  mts = mtIndices(net)): PfRequest {
  const req = out ?? emptyRequest(net);
  const nb = net.buses.length;
  for (let i = 0; i < nb; i++) {
    req.loadPKw[i] = snap.loadPKw[i] * action.pickup[i];
    req.loadQKvar[i] = snap.loadQKvar[i] * action.pickup[i];
  }
  req.lineOpen.set(action.lineOpen);
  req.lineFaulted.set(faulted);
  const gf = req.gridForming ?? (req.gridForming = new Uint8Array(net.generators.length));
  for (let g = 0; g < net.generators.length; g++) {
    const on = net.generators[g].kind !== 'MT';
    req.genOn[g] = on ? 1 : 0;
    req.genPKw[g] = on ? snap.genPKw[g] : 0;
    req.genQKvar[g] = on ? snap.genQKvar[g] : 0;
    gf[g] = 0;
  }
  for (let k = 0; k < mts.length; k++) {
    const g = mts[k];
    if (!(action.mtPKw[k] > 0) || !snap.available[g]) continue;
    req.genOn[g] = 1;
    req.genPKw[g] = action.mtPKw[k];
    req.genQKvar[g] = action.mtQKvar[k];
    gf[g] = action.gridForming[k] && net.generators[g].gridForming ? 1 : 0;
  }
  req.islanding = islanding;
  return req;
}
