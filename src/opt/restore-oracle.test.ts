/**
 * Slow (several minutes): the restoration expert against an exhaustive oracle.
 *
 * On N-2 scenarios of class `island` (every bus can be reached by a substation or a grid-forming
 * MT), the expert's action is fixed except its topology: its MT set-points, grid-forming flags and
 * pick-up. The oracle enumerates every forest in which each component holds exactly one source and
 * every bus those sources reach is energized (the spanning trees of the feeder with the faulted
 * lines removed and the substations, the flagged MTs' buses and the unreachable buses merged:
 * src/topology/spanning-trees.ts) and evaluates each with the environment's AC evaluation. The
 * expert optimized topology and dispatch together and certified its objective to the gap, so no
 * forest at its dispatch may beat its AC reward by more than the gap (plus a small allowance for
 * the model's voltage penalty, linearized in v = |V|^2, against the AC one).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { nominalSnapshot } from '../grid/series';
import { Network } from '../grid/network';
import { mtIndices } from '../grid/action';
import { ActionEvaluator } from '../powerflow/evaluate';
import { enumerateRadialConfigurations } from '../topology/spanning-trees';
import { reachable } from '../topology/graph';
import { enumerateScenarios, filterByClass } from '../faults/enumerate';
import { Expert, ExpertStep } from './expert';

const DATA = path.join(__dirname, '..', '..', 'data', 'ieee33');
const GAP = 0.01;
/** the model's soft-voltage penalty is linear in v = |V|^2, the reward's in |V|: a small allowance */
const MODEL_AC_TOL = 1e-3;

test('restoration oracle: on 20 N-2 island scenarios no forest at the expert\'s dispatch beats its AC reward by more than the gap', { timeout: 3_600_000 },
  async () => {
  const net = loadCase(DATA);
  const base = nominalSnapshot(net);
  const islands = filterByClass(enumerateScenarios(net, { k: 2 }), ['island']);
  assert.equal(islands.length, 42);
  // 20 of the 42, evenly spread over the list (lexicographic in the faulted lines)
  const picked = Array.from({ length: 20 }, (_, k) => islands[Math.floor((k * islands.length) / 20)]);
  const evaluator = new ActionEvaluator(net);
  const mts = mtIndices(net);
  let enumerated = 0;
  for (const sc of picked) {
    const ids = sc.lines.map((l) => net.lines[l].id).join(',');
    const faulted = new Uint8Array(net.lines.length);
    for (const l of sc.lines) faulted[l] = 1;
    const ex = await Expert.create(net, { mode: 'restore', gap: GAP, timeLimitS: 300 });
    let r: ExpertStep;
    try {
      r = ex.solve({ ...base, faulted: sc.lines.slice() }, null, sc.lines);
    } finally {
      ex.dispose();
    }
    assert.equal(r.status, 'optimal', `[${ids}]: status`);
    assert.ok(r.exact && !r.fallback && r.gap <= GAP + 1e-9, `[${ids}]: certified at the gap (gap ${r.gap})`);
    // the forests with one source per component: sources = substations + the expert's grid-forming MTs
    const sources = new Set(net.substations);
    mts.forEach((g, k) => { if (r.action.gridForming[k] && r.action.mtPKw[k] > 0) sources.add(net.generators[g].bus); });
    // buses no source reaches stay dark in every forest: merged into the root, their lines open
    const lit = reachable(net, faulted, [...sources]);
    const keep = net.lines.map((_, l) => l).filter((l) => !faulted[l] && lit[net.lines[l].from] && lit[net.lines[l].to]);
    const roots = [...sources, ...net.buses.map((_, i) => i).filter((i) => !lit[i])];
    const sub: Network = { ...net, lines: keep.map((l) => net.lines[l]), substations: roots };
    const table = enumerateRadialConfigurations(sub);
    assert.ok(table.count > 0, `[${ids}]: some forest exists`);
    let bestReward = -Infinity;
    let bestOpen: number[] = [];
    let ownFound = false;
    const lineOpen = new Uint8Array(net.lines.length);
    const own = r.action.openLines.join(',');
    for (let c = 0; c < table.count; c++) {
      lineOpen.fill(1);
      for (const l of keep) lineOpen[l] = 0;
      for (let k = 0; k < table.openCount; k++) lineOpen[keep[table.open[c * table.openCount + k]]] = 1;
      const ev = evaluator.evaluate(base, { ...r.action, lineOpen }, { faulted, prevOpen: null, islanding: true, weights: ex.opts.weights });
      const openIds = net.lines.filter((_, l) => lineOpen[l]).map((l) => l.id);
      if (openIds.join(',') === own) {
        ownFound = true;
        // the oracle's evaluation of the expert's own forest is the expert's evaluation
        assert.ok(Math.abs(ev.reward.total - r.eval.reward.total) < 1e-9, `[${ids}]: own forest ${ev.reward.total} vs ${r.eval.reward.total}`);
      }
      if (ev.reward.total > bestReward) { bestReward = ev.reward.total; bestOpen = openIds; }
    }
    enumerated += table.count;
    const expertCost = -r.eval.reward.total;
    const bestCost = -bestReward;
    // the expert energizes every bus its sources reach (else its forest is missing here: a finding)
    assert.ok(ownFound, `[${ids}]: the expert's forest [${own}] is among the ${table.count} enumerated`);
    assert.ok(expertCost <= bestCost + (GAP + MODEL_AC_TOL) * Math.abs(expertCost),
      `[${ids}]: expert cost ${expertCost.toFixed(4)} (open ${own}) vs the best of ${table.count} forests ${bestCost.toFixed(4)} (open ${bestOpen.join(',')})`);
  }
  assert.ok(enumerated > 20 * 100, `enumerated ${enumerated} forests`);
});
