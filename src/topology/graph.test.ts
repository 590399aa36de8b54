import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadCase } from '../grid/load-case';
import { DATA_33 } from '../testing/helpers';
import { bridges, chains, fundamentalLoops, islands, isRadialFromSubstations, lineOutMask, reachable } from './graph';

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

test('bridges: exactly the lines whose removal splits their component (brute force), with and without faults', () => {
  for (const faultedIds of [[], [6, 26], [33, 34, 35, 36, 37]]) {
    const faulted = lineOutMask(net, [], li(...faultedIds));
    const got = bridges(net, faulted);
    const base = islands(net, faulted).count;
    const expected = net.lines.map((_, l) => {
      if (faulted[l]) return 0;
      const out = Uint8Array.from(faulted);
      out[l] = 1;
      return islands(net, out).count > base ? 1 : 0;
    });
    assert.deepEqual(Array.from(got), expected, `faulted [${faultedIds}]`);
  }
  // the meshed 33-bus feeder: only the radial spurs are bridges (line 1 from the substation, 18-22 towards bus 22 ...)
  const meshed = bridges(net, new Uint8Array(net.lines.length));
  assert.equal(meshed[net.lineIndex.get(1)!], 1);
  assert.equal(meshed[net.lineIndex.get(33)!], 0);
  // radial topology: every conducting line is a bridge
  const radial = lineOutMask(net, [], li(33, 34, 35, 36, 37));
  assert.equal(bridges(net, radial).reduce((a, b) => a + b, 0), net.buses.length - 1);
});

test('chains: disjoint maximal paths through degree-2 buses (not substations), covering every such bus', () => {
  const deg = new Array(net.buses.length).fill(0);
  for (const ln of net.lines) { deg[ln.from]++; deg[ln.to]++; }
  const isInner = (i: number): boolean => deg[i] === 2 && !net.substations.includes(i);
  const all = chains(net);
  assert.ok(all.length > 0);
  const usedLine = new Set<number>();
  const usedBus = new Set<number>();
  for (const ch of all) {
    assert.ok(ch.lines.length >= 2);
    // a path: inner buses are met twice, its two ends once, and the ends are not inner
    const count = new Map<number, number>();
    for (const l of ch.lines) {
      assert.ok(!usedLine.has(l), `line ${net.lines[l].id} in two chains`);
      usedLine.add(l);
      for (const b of [net.lines[l].from, net.lines[l].to]) count.set(b, (count.get(b) ?? 0) + 1);
    }
    const ends = [...count].filter(([, c]) => c === 1).map(([b]) => b);
    assert.equal(ends.length, 2);
    for (const b of ends) assert.equal(isInner(b), false);
    assert.deepEqual([...ch.inner].sort((a, b) => a - b), [...count].filter(([, c]) => c === 2).map(([b]) => b).sort((a, b) => a - b));
    for (const b of ch.inner) { assert.equal(isInner(b), true); usedBus.add(b); }
  }
  // every degree-2 bus lies inside some chain
  for (let i = 0; i < net.buses.length; i++) if (isInner(i)) assert.ok(usedBus.has(i), `bus ${net.buses[i].id} in no chain`);
});
