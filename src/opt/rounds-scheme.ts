/**
 * The benchmark ladder's scheme (scripts/bench-mdpc.js), not used by the product: re-solve the
 * MILP after every batch of cone cuts until its own solution satisfies the cones; optionally at
 * a loose gap while cuts are still being found, and with the cuts of each topology converged on
 * its LP between rounds (its solution then offered as the next MIP start).
 *
 *   Expert.create(net, { scheme: roundsScheme({ polish: true, looseGap: 0.02 }) })
 */
import { appendCuts, violatedCuts } from './cuts';
import { SchemeContext, SchemeResult, StepScheme, secondsLeft } from './scheme';
import { MipOutcome } from './solver';

export interface RoundsOptions {
  /** converge the cuts on the LP of the topology found before re-solving the MILP */
  polish: boolean;
  /** MIP gap of the first rounds, while cuts are still being added (<= gap: off) */
  looseGap: number;
}

export function roundsScheme(ro: RoundsOptions = { polish: true, looseGap: 0.02 }): StepScheme {
  return (ctx: SchemeContext): SchemeResult => {
    const { F, mip, deadline, opts: o } = ctx;
    const settings = (): { timeLimitS: number; relGap: number } => ({ timeLimitS: secondsLeft(deadline), relGap: o.gap });
    const ints: number[] = [];
    for (let j = 0; j < F.lp.numCols; j++) if (F.lp.colInt[j]) ints.push(j);
    let last: MipOutcome | null = null;
    let rounds = 0;
    let lpRounds = 0;
    let maxViol = Infinity;
    let solveMs = 0;
    const mipMs: number[] = [];
    let converged = false;
    let failure: string | null = null;
    let failureStatus: SchemeResult['failureStatus'];
    // phase 1 at a loose gap while cuts are still being found; the final rounds at the requested gap
    let loose = o.branch === 'soc' && ro.looseGap > o.gap;
    while (rounds < o.maxRounds) {
      rounds++;
      const r = mip.run({ ...settings(), relGap: loose ? ro.looseGap : o.gap });
      solveMs += r.timeMs;
      mipMs.push(r.timeMs);
      mip.note(`-- round ${rounds}: ${r.solverStatus}, objective ${r.objective}, bound ${r.bound}, ${r.timeMs.toFixed(1)} ms`);
      if (!r.hasSolution) {
        failure = `${r.solverStatus} in round ${rounds}`;
        failureStatus = r.status;
        // a later round without a solution: keep the previous round's (not cone-exact) solution
        if (last) last = { ...last, status: r.status === 'optimal' ? 'failed' : r.status };
        break;
      }
      last = r;
      if (o.branch !== 'soc') { converged = true; maxViol = 0; break; }
      const cuts = violatedCuts(F, r.x, o.violationTol);
      maxViol = cuts.maxViol;
      mip.note(`   max relative cone violation ${maxViol.toExponential(3)}, ${cuts.rows.length} cuts`);
      if (cuts.rows.length === 0) {
        if (loose) {
          // cones hold at the loose gap: re-solve at the requested gap from this (feasible) point
          loose = false;
          mip.setStart(r.x);
          continue;
        }
        converged = true;
        break;
      }
      appendCuts(F, mip, cuts.rows);
      if (r.status !== 'optimal' || performance.now() > deadline) break;
      if (ro.polish) {
        // converge the cuts on the LP of this topology; its solution then satisfies every cut
        const saveLo = ints.map((j) => F.lp.colLower[j]);
        const saveHi = ints.map((j) => F.lp.colUpper[j]);
        for (const j of ints) { const v = Math.round(r.x[j]); mip.setColBounds(j, v, v); }
        let good: Float64Array | null = null;
        for (let k = 0; k < 50 && performance.now() < deadline; k++) {
          const lpr = mip.runRelaxation(settings());
          solveMs += lpr.timeMs;
          lpRounds++;
          if (!lpr.hasSolution) break;
          const c2 = violatedCuts(F, lpr.x, o.violationTol);
          if (c2.rows.length === 0) { good = lpr.x; break; }
          appendCuts(F, mip, c2.rows);
        }
        ints.forEach((j, k) => mip.setColBounds(j, saveLo[k], saveHi[k]));
        if (good) mip.setStart(good);
        mip.note(`   LP polish: ${lpRounds} LP rounds so far${good ? ', start offered' : ''}`);
      }
    }
    return { last, rounds, lpRounds, maxViol, solveMs, mipMs, converged, failure, failureStatus };
  };
}
