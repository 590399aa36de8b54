import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { Network, normallyOpenLines } from '../grid/network';
import { nominalSnapshot } from '../grid/series';
import { syntheticFeeder } from '../grid/synthetic';
import { GridAction, mtIndices, normalAction } from '../grid/action';
import { ActionEvaluator } from '../powerflow/evaluate';
import { DEFAULT_WEIGHTS } from '../powerflow/reward';
import { LINE_CLOSED, LINE_FAULTED, PfResult } from '../powerflow/types';
import { DATA_33, ROOT, tmpDir } from '../testing/helpers';
import { writeFileAtomic } from '../io/atomic';
import { boxDiscIntersect, boxesOverlap, boxSegmentIntersect, pointSegmentDistance, polylineSegments } from './geometry';
import { buildFeederScene, FeederScene, formatKw, renderFeederSvg, SvgOptions } from './feeder-svg';
import { placeLabels } from './labels';

const FEEDER9 = path.join(ROOT, 'src', 'plot', 'fixtures', 'feeder9');

interface Case { net: Network; pf: PfResult; shed: number[]; genOn: Uint8Array; tripped: number[] }

/** Evaluate a topology: open / faulted line ids, MT set-points by bus id, shed bus ids. */
function evaluateCase(net: Network, o: { open?: number[]; fault?: number[]; mt?: [number, number, number][]; shed?: number[] } = {}): Case {
  const mts = mtIndices(net);
  const a: GridAction = normalAction(net);
  a.lineOpen.fill(0);
  for (const l of o.open ? o.open.map((id) => net.lineIndex.get(id)!) : normallyOpenLines(net)) a.lineOpen[l] = 1;
  const faulted = new Uint8Array(net.lines.length);
  for (const id of o.fault ?? []) faulted[net.lineIndex.get(id)!] = 1;
  for (const [bus, p, q] of o.mt ?? []) {
    const k = mts.findIndex((g) => net.generators[g].bus === net.busIndex.get(bus));
    a.mtPKw[k] = p;
    a.mtQKvar[k] = q;
  }
  const shed = (o.shed ?? []).map((id) => net.busIndex.get(id)!);
  for (const b of shed) a.pickup[b] = 0;
  const ev = new ActionEvaluator(net);
  const r = ev.evaluate(nominalSnapshot(net), a, { faulted, prevOpen: null, islanding: true, weights: { ...DEFAULT_WEIGHTS } });
  return { net, pf: r.pf, shed, genOn: Uint8Array.from(ev.request.genOn), tripped: r.tripped.map((k) => mts[k]) };
}

function sceneOf(c: Case, extra: SvgOptions = {}): FeederScene {
  return buildFeederScene(c.net, c.pf, { title: 'test', shedBuses: c.shed, genOn: c.genOn, trippedGens: c.tripped, ...extra });
}

/** The drawn radius of a bus: its circle, or the inscribed circle of the substation's square. */
const drawnRadius = (sc: FeederScene, b: number): number => sc.buses[b].disc.r * (sc.buses[b].substation ? 1.15 : 1);

/** Independent checks of the map's geometry; returns counts for the caller's assertions. */
function checkGeometry(net: Network, sc: FeederScene): { segments: number; labels: number } {
  let segments = 0;
  net.lines.forEach((l, i) => {
    const pts = sc.lines[i].points;
    // the route joins its own two buses
    assert.deepEqual([pts[0].x, pts[0].y], [sc.buses[l.from].disc.x, sc.buses[l.from].disc.y], `line ${l.id} starts at its from bus`);
    const last = pts[pts.length - 1];
    assert.deepEqual([last.x, last.y], [sc.buses[l.to].disc.x, sc.buses[l.to].disc.y], `line ${l.id} ends at its to bus`);
    for (const s of polylineSegments(pts)) {
      segments++;
      const x0 = Math.min(s.x1, s.x2) - 20, x1 = Math.max(s.x1, s.x2) + 20, y0 = Math.min(s.y1, s.y2) - 20, y1 = Math.max(s.y1, s.y2) + 20;
      sc.buses.forEach((b, k) => {
        if (k === l.from || k === l.to) return;
        const { x, y } = b.disc;
        if (x < x0 || x > x1 || y < y0 || y > y1) return;
        const d = pointSegmentDistance(x, y, s);
        assert.ok(d > drawnRadius(sc, k) + 0.5, `line ${l.id} passes ${d.toFixed(1)} px from bus ${net.buses[k].id} (radius ${drawnRadius(sc, k)})`);
      });
    }
  });
  const labels = sc.labels;
  for (let a = 0; a < labels.length; a++) {
    for (let b = a + 1; b < labels.length; b++) {
      assert.ok(!boxesOverlap(labels[a].box, labels[b].box), `labels "${labels[a].request.text}" and "${labels[b].request.text}" overlap`);
    }
    // no label over a bus or a drawn line
    sc.buses.forEach((bus, k) => assert.ok(!boxDiscIntersect(labels[a].box, { ...bus.disc, r: drawnRadius(sc, k) }), `label "${labels[a].request.text}" ` +
      `over bus ${net.buses[k].id}`));
    sc.lines.forEach((ln, i) => {
      for (const s of polylineSegments(ln.points)) {
        assert.ok(!boxSegmentIntersect(labels[a].box, s, ln.widthPx / 2), `label "${labels[a].request.text}" over line ${net.lines[i].id}`);
      }
    });
  }
  return { segments, labels: labels.length };
}

const lineLabels = (sc: FeederScene): string[] => sc.labels.filter((p) => p.request.kind === 'line').map((p) => p.request.text.split(/[ \n]/)[0]);

test('33-bus base case: no line passes a bus, no labels overlap, every line and DER labelled', () => {
  const net = loadCase(DATA_33);
  for (const flows of [false, true]) {
    const sc = sceneOf(evaluateCase(net), { flows });
    const g = checkGeometry(net, sc);
    assert.ok(g.segments >= net.lines.length);
    assert.equal(sc.dropped.length, 0, `dropped: ${sc.dropped.map((d) => d.text).join(', ')}`);
    assert.deepEqual(lineLabels(sc).sort(), net.lines.map((l) => `L${l.id}`).sort());
    const tags = sc.labels.filter((p) => p.request.kind === 'der').flatMap((p) => p.request.text.split('\n'));
    assert.equal(tags.length, net.generators.length);
  }
  // the ties of the issue: L35 (12-22) and L37 (25-29) are routed, not drawn through buses 27 / 7
  const sc = sceneOf(evaluateCase(net));
  for (const id of [33, 34, 35, 36, 37]) assert.ok(sc.lines[net.lineIndex.get(id)!].points.length >= 4, `tie ${id} routed through the channels`);
});

test('33-bus, all lines closed (meshed): every line still clear of the buses', () => {
  const net = loadCase(DATA_33);
  const sc = sceneOf(evaluateCase(net, { open: [] }));
  checkGeometry(net, sc);
  assert.equal(sc.dropped.length, 0);
});

test('N-2 island case (faults 2 and 18, ties open): islands shaded by source, tripped MT and shed loads marked', () => {
  const net = loadCase(DATA_33);
  const c = evaluateCase(net, { open: [33, 34, 35, 36, 37], fault: [2, 18], mt: [[4, 2500, 1200], [22, 400, 200]], shed: [30, 31] });
  const sc = sceneOf(c, { flows: true });
  checkGeometry(net, sc);
  assert.equal(sc.dropped.length, 0, `dropped: ${sc.dropped.map((d) => d.text).join(', ')}`);
  // one shade per energized island: the substation's (buses 1-2) and MT 1's (3-18, 23-33)
  assert.deepEqual(sc.shades.map((s) => s.discs.length).sort((a, b) => a - b), [2, 27]);
  assert.ok(sc.legend.some((l) => l.item.label === 'island: MT 1 at bus 4 (27 buses)'));
  // the MT at bus 22 cannot hold 19-22 at its set-point limits: tripped, its tag says so
  assert.deepEqual(c.tripped.map((g) => net.generators[g].id), [3]);
  const tags = sc.labels.filter((p) => p.request.kind === 'der').flatMap((p) => p.request.text.split('\n'));
  assert.ok(tags.includes('MT tripped'), tags.join(' | '));
  assert.ok(tags.includes(`MT ${formatKw(c.pf.genPKw[0])}`), tags.join(' | '));
  assert.deepEqual(sc.buses.flatMap((b, i) => (b.shed ? [net.buses[i].id] : [])), [30, 31]);
  // flows: each energized closed line's label carries its kW, with an arrow pointing downstream
  net.lines.forEach((l, i) => {
    if (c.pf.lineStatus[i] !== LINE_CLOSED || Math.abs(c.pf.linePKw[i]) <= 0.5) return;
    const lab = sc.labels.find((p) => p.request.text.startsWith(`L${l.id}\n`));
    assert.ok(lab && lab.request.text.endsWith(formatKw(c.pf.linePKw[i])), `line ${l.id}: ${lab?.request.text}`);
    assert.ok(sc.lines[i].arrow, `line ${l.id} has an arrow`);
  });
  // line 3 (3-4) carries power from the MT at bus 4 towards bus 3: the arrow points from 4 to 3 (left)
  assert.ok(sc.lines[net.lineIndex.get(3)!].arrow!.ux < 0);
  assert.equal(c.pf.lineStatus[net.lineIndex.get(2)!], LINE_FAULTED);
});

test('hand-made 9-bus feeder: geometry, labels, and a legend under the map', () => {
  const net = loadCase(FEEDER9);
  assert.equal(net.buses.length, 9);
  for (const flows of [false, true]) {
    const sc = sceneOf(evaluateCase(net, { mt: [[7, 200, 100]] }), { flows });
    checkGeometry(net, sc);
    assert.equal(sc.dropped.length, 0);
    assert.deepEqual(lineLabels(sc).sort(), net.lines.map((l) => `L${l.id}`).sort());
    // the legend sits below the map and inside the picture's width
    for (const l of sc.legend) assert.ok(l.y > sc.plot.y1 && l.x < sc.width);
    assert.ok(sc.width < 400, `a 9-bus map is narrow (${sc.width} px)`);
  }
});

test('1,000-bus synthetic feeder: geometry holds; every DER tag and tie id placed', () => {
  const dir = tmpDir('plot1000-');
  for (const [name, text] of Object.entries(syntheticFeeder({ buses: 1000, steps: 0, seed: 1 }))) writeFileAtomic(path.join(dir, name), text);
  const net = loadCase(dir);
  const sc = sceneOf(evaluateCase(net));
  checkGeometry(net, sc);
  const placed = new Set(sc.labels.map((p) => p.request.text + '@' + p.request.kind));
  for (const i of normallyOpenLines(net)) assert.ok(placed.has(`L${net.lines[i].id}@line`), `tie ${net.lines[i].id} labelled`);
  const tags = sc.labels.filter((p) => p.request.kind === 'der').flatMap((p) => p.request.text.split('\n'));
  assert.equal(tags.length, net.generators.length, `dropped: ${sc.dropped.map((d) => d.text).join(', ')}`);
});

test('--no-title drops the title lines; the SVG is well formed and names the lines', () => {
  const net = loadCase(DATA_33);
  const c = evaluateCase(net);
  const withTitle = renderFeederSvg(net, c.pf, { title: 'My title' });
  const without = renderFeederSvg(net, c.pf, { title: 'My title', noTitle: true });
  assert.match(withTitle, />My title</);
  assert.doesNotMatch(without, /My title/);
  assert.doesNotMatch(without, /losses/);
  assert.match(without, />L12</);
  assert.equal((without.match(/<svg /g) ?? []).length, 1);
  assert.ok(without.trimEnd().endsWith('</svg>'));
});

test('the label placer never overlaps and drops what does not fit', () => {
  const bounds = { x0: -10, y0: 0, x1: 100, y1: 40 };
  const req = (t: string) => ({ text: t, fontPx: 10, kind: 'x', candidates: [{ x: 50, y: 20 }, { x: 14, y: 20 }] });
  const { placed, dropped } = placeLabels([req('AAAA'), req('BBBB'), req('CCCC')], { discs: [], segments: [], bounds });
  assert.deepEqual(placed.map((p) => [p.request.text, p.x]), [['AAAA', 50], ['BBBB', 14]]);
  assert.deepEqual(dropped.map((d) => d.text), ['CCCC']);
  // a segment through the only candidate: dropped
  const r2 = placeLabels([req('AAAA')], { discs: [{ x: 14, y: 20, r: 3 }], segments: [{ seg: { x1: 50, y1: 0, x2: 50, y2: 40 }, halfWidth: 1 }], bounds });
  assert.equal(r2.placed.length, 0);
});
