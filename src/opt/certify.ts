/**
 * The certified scheme (the expert's default for 'soc'): an exact incumbent first, from an AC
 * branch exchange whose topology's cuts are converged on the LP, with tangent cuts at the AC
 * flows it met; then MILPs, each interrupted as soon as its bound certifies the incumbent within
 * the gap; a MILP point that breaks the cones has its topology converged (a new exact candidate)
 * and is cut off. The bound is valid throughout: the cuts relax the cones.
 */
import { openLineIds } from '../grid/action';
import { acCuts, appendCuts, CutRow, violatedCuts } from './cuts';
import { ExpertAction } from './ac-search';
import { SchemeContext, SchemeResult, actionOfPoint, relativeGap, secondsLeft } from './scheme';
import { MipOutcome, MipSettings, MipStatus } from './solver';

/**
 * The certified scheme (see ExpertOptions.scheme). Returns the exact incumbent as `last`
 * (objective = its exact model objective, bound = the best MILP bound, gap between them).
 */
export function certify(ctx: SchemeContext): SchemeResult {
  const { F, mip, snap, prevOpen, faultMask, mode, deadline, opts: o, search } = ctx;
  const out = { last: null as MipOutcome | null, rounds: 0, lpRounds: 0, maxViol: Infinity, solveMs: 0, mipMs: [] as number[], converged: false,
    failure: null as string | null };
  let best: MipOutcome | null = null;
  const consider = (p: MipOutcome | null, why: string): void => {
    if (!p) return;
    mip.note(`   exact incumbent (${why}): objective ${p.objective}`);
    if (!best || p.objective < best.objective) best = p;
  };
  // 1. an exact incumbent: the topology of an AC branch exchange, its cuts converged; tangent
  // cuts at the AC flows of that topology and its cheapest neighbours (unless seedCuts is off)
  const seen = F.net.lines.map(() => [] as number[]);
  const exchange = (from: Uint8Array | null, dispatch: ExpertAction | undefined, what: string): Uint8Array => {
    const t0 = performance.now();
    const rows: CutRow[] = [];
    const { open } = search.branchExchange(snap, from, prevOpen, faultMask, mode, o.seedCuts ? (flow) => rows.push(...acCuts(F, flow, seen)) : undefined,
      dispatch);
    appendCuts(F, mip, rows);
    mip.note(`-- AC branch exchange${what}: open [${openLineIds(F.net, open).join(',')}] in ${(performance.now() - t0).toFixed(1)} ms, ${rows.length} ` +
      `cuts at the AC flows it met`);
    return open;
  };
  let from = prevOpen;
  if (!prevOpen && mode === 'reconfig') {
    // no previous topology (an episode's first step): the exchange from the normal topology can
    // stop in a local optimum, and the MILP then meets flows without cuts and runs again; also
    // exchange from the sequential-opening topology and go on from the better of the two
    const t0 = performance.now();
    const mesh = search.meshedOpening(snap, faultMask);
    if (mesh) {
      const a = search.branchExchange(snap, null, null, faultMask, mode);
      const b = search.branchExchange(snap, mesh, null, faultMask, mode);
      from = b.cost < a.cost ? b.open : a.open;
      mip.note(`-- start: exchange from the normal topology ${a.cost}, from sequential opening [${openLineIds(F.net, mesh).join(',')}] ${b.cost}; ` +
        `${(performance.now() - t0).toFixed(1)} ms`);
    }
  }
  const startOpen = exchange(from, undefined, '');
  const p0 = polishTopology(ctx, { open: startOpen }, out);
  consider(p0, 'branch exchange');
  if (p0) {
    // MTs dispatched: exchange again with that dispatch, so the cuts sit at flows the MILP will meet
    const a0 = actionOfPoint(F, p0.x, faultMask, prevOpen, snap);
    if (a0.mtPKw.some((p) => p > 0)) {
      const open2 = exchange(startOpen, a0, ' with the MT dispatch');
      if (open2.some((v, l) => v !== startOpen[l])) consider(polishTopology(ctx, { open: open2 }, out), 'branch exchange with MTs');
    }
  }
  let bound = -Infinity;
  let certified = false;
  while (out.rounds < o.maxRounds && performance.now() < deadline) {
    out.rounds++;
    if (best) mip.setStart((best as MipOutcome).x);
    // stop HiGHS as soon as its bound certifies the exact incumbent (its own gap is measured
    // against its own, often cone-breaking, incumbent); keep its improving points
    const found: { x: Float64Array; objective: number }[] = [];
    const target = best && o.stopAtCertificate ? (best as MipOutcome).objective - o.gap * Math.max(Math.abs((best as MipOutcome).objective), 1e-9) : undefined;
    const r = mip.run({
      timeLimitS: secondsLeft(deadline), relGap: out.rounds > 1 ? o.gap * o.laterGapFactor : mode === 'restore' ? Math.max(o.gap, o.firstGap) : o.gap,
        heuristicEffort: o.heuristicEffort, nodeCuts: o.nodeCuts,
      stopAtBound: target, onSolution: o.pointPolish > 0 ? (x, objective) => found.push({ x, objective }) : undefined,
    });
    out.solveMs += r.timeMs;
    out.mipMs.push(r.timeMs);
    mip.note(`-- MILP ${out.rounds}: ${r.solverStatus}${r.interrupted ? ' (bound certifies the exact incumbent)' : ''}, objective ${r.objective}, bound ` +
      `${r.bound}, ${r.nodes} nodes, ${r.timeMs.toFixed(1)} ms`);
    if (r.interrupted && r.status === 'time-limit') (r as { status: MipStatus }).status = 'optimal';
    if (Number.isFinite(r.bound)) bound = Math.max(bound, r.bound);
    if (r.status === 'infeasible') { out.failure = `${r.solverStatus} in MILP ${out.rounds}`; if (!best) return { ...out,
      last: { ...r, status: 'infeasible' } }; break; }
    if (r.hasSolution) {
      const cuts = violatedCuts(F, r.x, o.violationTol);
      mip.note(`   MILP ${out.rounds} point: open [${actionOfPoint(F, r.x, faultMask, prevOpen, snap).openLines.join(',')}], max cone violation ` +
        `${cuts.maxViol.toExponential(3)}`);
      if (cuts.rows.length === 0) consider(r, `MILP ${out.rounds}`);
      else {
        // the MILP's point is not exact: converge its topology, and cut the point off
        const pr = polishTopology(ctx, { ints: r.x }, out);
        consider(pr, `MILP ${out.rounds} topology`);
        appendCuts(F, mip, violatedCuts(F, r.x, o.violationTol).rows);
        if (pr && o.pointExchange && performance.now() < deadline) {
          // cuts at the AC flows around the MILP's topology, with its dispatch: where the next MILP looks
          const ap = actionOfPoint(F, pr.x, faultMask, prevOpen, snap);
          const openP = exchange(ap.lineOpen, ap, ` from MILP ${out.rounds} with its dispatch`);
          if (openP.some((v, l) => v !== ap.lineOpen[l])) consider(polishTopology(ctx, { open: openP }, out), `exchange from MILP ${out.rounds}`);
        }
      }
      // the MILP's other improving points: cut them off too, and converge the best few other topologies
      const key = (x: ArrayLike<number>): string => F.L.sw.map((j) => (x[j] > 0.5 ? 1 : 0)).join('');
      const done = new Set([key(r.x)]);
      let polished = 0;
      for (const p of found.sort((a, b) => a.objective - b.objective)) {
        const c = violatedCuts(F, p.x, o.violationTol);
        if (!c.rows.length) { consider({ ...r, x: p.x, objective: p.objective, status: 'optimal' }, `MILP ${out.rounds} point`); continue; }
        appendCuts(F, mip, c.rows);
        const k = key(p.x);
        if (polished < o.pointPolish && !done.has(k) && performance.now() < deadline) {
          done.add(k);
          polished++;
          consider(polishTopology(ctx, { ints: p.x }, out), `MILP ${out.rounds} improving point`);
        }
      }
    } else if (!best) {
      out.failure = `${r.solverStatus} in MILP ${out.rounds}`;
      return { ...out, last: r };
    }
    if (best) {
      const b: MipOutcome = best;
      const gap = relativeGap(b.objective, bound);
      mip.note(`   exact incumbent ${b.objective}, bound ${bound}, gap ${gap.toExponential(3)}`);
      if (gap <= o.gap + 1e-12) {
        certified = true;
        best = { ...b, status: 'optimal', bound, gap: Math.max(0, gap) };
        break;
      }
      best = { ...b, status: 'time-limit', bound, gap };
    }
    if (r.status !== 'optimal' && r.status !== 'time-limit') break;
  }
  if (best) {
    const b: MipOutcome = best;
    out.converged = true; // the incumbent satisfies the cones; its status says whether the gap was proved
    out.maxViol = violatedCuts(F, b.x, o.violationTol).maxViol;
    // no proof of the gap (time ran out, or no MILP finished): the incumbent, marked time-limit
    if (!certified) best = { ...b, status: 'time-limit', bound, gap: Number.isFinite(bound) ? relativeGap(b.objective, bound) : NaN };
  }
  return { ...out, last: best };
}

/**
 * Fix the topology (`open`: 1 = open, other integers free) or every integer column (`ints`:
 * rounded from a MILP point), then add cuts until the cones hold: an exactly feasible point and
 * its objective, or null. The bounds are restored afterwards.
 */
function polishTopology(ctx: SchemeContext, fix: { open?: Uint8Array; ints?: Float64Array }, acc: { lpRounds: number; solveMs: number }): MipOutcome | null {
  const { F, mip, deadline, opts: o } = ctx;
  const L = F.L;
  const saved: [number, number, number][] = [];
  /** fix column j at v (false when v is outside its bounds) */
  const fixCol = (j: number, v: number): boolean => {
    const lo = F.lp.colLower[j];
    const hi = F.lp.colUpper[j];
    saved.push([j, lo, hi]);
    const w = Math.min(hi, Math.max(lo, v));
    mip.setColBounds(j, w, w);
    return w === v;
  };
  const fixInts = (x: Float64Array): boolean => {
    let ok = true;
    for (let j = 0; j < F.lp.numCols; j++) if (F.lp.colInt[j] && F.lp.colLower[j] !== F.lp.colUpper[j]) ok = fixCol(j, Math.round(x[j])) && ok;
    return ok;
  };
  const settings = (): MipSettings => ({ timeLimitS: secondsLeft(deadline), relGap: 1e-9, heuristicEffort: o.heuristicEffort });
  try {
    let ok = true;
    if (fix.ints) ok = fixInts(fix.ints);
    else if (fix.open) for (let l = 0; l < F.net.lines.length; l++) ok = fixCol(L.sw[l], fix.open[l] ? 0 : 1) && ok;
    if (!ok) { mip.note('   polish: the point is outside the bounds'); return null; }
    if (!F.lp.colInt.every((b, j) => !b || F.lp.colLower[j] === F.lp.colUpper[j])) {
      // the topology is fixed, other integers (MT on/off, pick-up) are not: one small MILP
      // decides them, then they are fixed too and the cuts converge on the LP
      const r = mip.run(settings());
      acc.solveMs += r.timeMs;
      acc.lpRounds++;
      if (!r.hasSolution || r.status !== 'optimal') { mip.note(`   polish: ${r.solverStatus} with the topology fixed`); return null; }
      fixInts(r.x);
      const c = violatedCuts(F, r.x, o.violationTol);
      if (c.rows.length === 0) return r;
      appendCuts(F, mip, c.rows);
    }
    for (let k = 0; k < 60 && performance.now() < deadline; k++) {
      const r = mip.runRelaxation(settings());
      acc.solveMs += r.timeMs;
      acc.lpRounds++;
      if (!r.hasSolution || r.status !== 'optimal') { mip.note(`   polish: ${r.solverStatus} after ${k} rounds`); return null; }
      const c = violatedCuts(F, r.x, o.violationTol);
      if (c.rows.length === 0) return r;
      appendCuts(F, mip, c.rows);
    }
    mip.note('   polish: cuts did not converge in time');
    return null;
  } finally {
    for (let k = saved.length - 1; k >= 0; k--) mip.setColBounds(saved[k][0], saved[k][1], saved[k][2]);
  }
}
