import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadCase } from '../grid/load-case';
import { DATA_33 } from '../testing/helpers';
import { fundamentalLoops, islands, isRadialFromSubstations, lineOutMask, reachable } from './graph';

const net = loadCase(DATA_33);
const li = (...ids: number[]): number[] => ids.map((id) => net.lineIndex.get(id)!);
const bi = (id: number): number => net.busIndex.get(id)!;

test('normal topology is radial from the substation; closing a tie makes a loop', () => {
  assert.equal(isRadialFromSubstations(net, lineOutMask(net, li(33, 34, 35, 36, 37))), true);
  assert.equal(isRadialFromSubstations(net, lineOutMask(net, li(7, 9, 14, 32, 37))), true);
  assert.equal(isRadialFromSubstations(net, lineOutMask(net, li(33, 34, 35, 36))), false);
  // five lines open but a bus cut off and a loop left: not radial
  assert.equal(isRadialFromSubstations(net, lineOutMask(net, li(1, 34, 35, 36, 37))), false);
});

test('fundamental loops: one per closed tie, each a cycle through that tie', () => {
  const all = fundamentalLoops(net, lineOutMask(net, []));
  assert.equal(all.length, net.lines.length - net.buses.length + 1);
  for (const loop of all) {
    // every bus on a cycle has even degree within it
    const deg = new Map<number, number>();
    for (const l of loop) for (const b of [net.lines[l].from, net.lines[l].to]) deg.set(b, (deg.get(b) ?? 0) + 1);
    for (const d of deg.values()) assert.equal(d, 2);
  }
  assert.equal(fundamentalLoops(net, lineOutMask(net, li(33, 34, 35, 36, 37))).length, 0);
});

test('islands and reachability after faults', () => {
  const out = lineOutMask(net, li(33, 34, 35, 36, 37), li(6, 26));
  const isl = islands(net, out);
  assert.equal(isl.count, 3);
  assert.equal(isl.islandOf[bi(7)], isl.islandOf[bi(18)]);
  assert.notEqual(isl.islandOf[bi(7)], isl.islandOf[bi(1)]);
  const fromSub = reachable(net, out, [bi(1)]);
  const n = fromSub.reduce((a, b) => a + b, 0);
  assert.equal(n, 14); // buses 1-6 and 19-26
});
