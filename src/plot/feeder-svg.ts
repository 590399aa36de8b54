/**
 * The feeder as an SVG picture. Built in two steps, both pure: `buildFeederScene` computes the
 * geometry (bus discs, line polylines routed clear of every bus, labels placed without overlaps,
 * island shading, legend) in drawing units, and `sceneToSvg` writes it. Tests check the scene.
 *
 * Content: buses coloured by voltage band (ids inside), line ids, line states drawn apart
 * (closed, open, faulted, de-energized, over ampacity), optional flow arrows with kW and a
 * loading colour, DER tags with their output (over-limit or tripped marked), shed loads ringed,
 * islands shaded by their source, a legend under the map and an optional title with the totals.
 */
import { Network } from '../grid/network';
import { LINE_CLOSED, LINE_DEENERGIZED, LINE_FAULTED, LINE_OPEN, PfResult } from '../powerflow/types';
import { Box, Disc, Point, polylineSegments, Segment } from './geometry';
import { discCandidates, labelBox, LINE_HEIGHT_EM, LabelRequest, PlacedLabel, placeLabels, segmentCandidates, textWidthPx } from './labels';
import { layoutFeeder } from './layout';
import { routeLines } from './route';

export interface VoltageBand {
  label: string;
  /** lower bound, pu (inclusive) */
  fromPu: number;
  color: string;
}

/** Voltage bands, lowest first; the last band is everything above its bound. */
export const VOLTAGE_BANDS: VoltageBand[] = [
  { label: '< 0.90 pu', fromPu: -Infinity, color: '#b2182b' },
  { label: '0.90–0.93', fromPu: 0.9, color: '#ef8a62' },
  { label: '0.93–0.95', fromPu: 0.93, color: '#fdd49e' },
  { label: '0.95–1.05', fromPu: 0.95, color: '#1a9850' },
  { label: '> 1.05 pu', fromPu: 1.05, color: '#2166ac' },
];

/** Line loading bands for --flows, lowest first (percent of ampacity). */
export const LOADING_BANDS = [
  { label: '< 50 %', fromPct: -Infinity, color: '#404040' },
  { label: '50–80 %', fromPct: 50, color: '#1f78b4' },
  { label: '80–100 %', fromPct: 80, color: '#e08214' },
  { label: '> 100 %', fromPct: 100, color: '#7b3294' },
];

const DARK_FILL = '#ffffff';
const DARK_STROKE = '#9e9e9e';
const OVER_COLOR = '#7b3294';
const FAULT_COLOR = '#d62728';
const SHED_COLOR = '#d95f02';
const ISLAND_COLORS = ['#984ea3', '#ff7f00', '#1b9e77', '#a6761d', '#e7298a', '#66a61e'];
const SUBSTATION_ISLAND_COLOR = '#4393c3';
const DER_COLORS: Record<string, string> = { MT: '#6a3d9a', PV: '#b07800', WT: '#1f78b4' };

export function bandOf(vPu: number): VoltageBand {
  let b = VOLTAGE_BANDS[0];
  for (const band of VOLTAGE_BANDS) if (vPu >= band.fromPu - 1e-12) b = band;
  return b;
}

export function loadingColor(pct: number): string {
  let c = LOADING_BANDS[0].color;
  for (const b of LOADING_BANDS) if (pct > b.fromPct) c = b.color;
  return c;
}

export interface SvgOptions {
  title?: string;
  subtitle?: string;
  /** no title and no subtitle (figure captions go in the paper) */
  noTitle?: boolean;
  /** flow arrows, kW on the line labels and lines coloured by loading */
  flows?: boolean;
  /** 0-based bus indices whose load is shed */
  shedBuses?: number[];
  /** per generator, 1 = in service (default: on when its output is not 0) */
  genOn?: Uint8Array;
  /** 0-based generator indices that tripped (beyond their limits) */
  trippedGens?: number[];
}

export interface SceneLine {
  /** polyline in drawing units */
  points: Point[];
  status: number;
  stroke: string;
  widthPx: number;
  dash: string;
  /** flow arrow: tip, direction (unit vector) */
  arrow?: { at: Point; ux: number; uy: number };
}

export interface SceneBus {
  disc: Disc;
  substation: boolean;
  fill: string;
  stroke: string;
  dark: boolean;
  shed: boolean;
  label: string;
  labelColor: string;
}

export interface SceneShade { color: string; discs: Disc[]; segments: Segment[]; widthPx: number }

export interface LegendItem { kind: 'disc' | 'line' | 'shade' | 'tag' | 'ring'; label: string; style: Record<string, string> }

export interface FeederScene {
  width: number;
  height: number;
  big: boolean;
  /** the area the map (buses, lines, labels) occupies */
  plot: Box;
  busFontPx: number;
  labelFontPx: number;
  /** title lines (bold) then subtitle lines */
  title: { text: string; sub: boolean }[];
  buses: SceneBus[];
  lines: SceneLine[];
  shades: SceneShade[];
  labels: PlacedLabel[];
  /** labels that found no free place (not drawn) */
  dropped: LabelRequest[];
  legend: { x: number; y: number; item: LegendItem }[];
}

const f1 = (v: number): string => (Math.round(v * 10) / 10).toString();
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function formatKw(kw: number): string {
  const a = Math.abs(kw);
  if (a >= 9999.5) return `${(a / 1000).toFixed(1)} MW`;
  if (a >= 999.5) return `${(a / 1000).toFixed(2)} MW`;
  return `${a.toFixed(0)} kW`;
}

export function buildFeederScene(net: Network, pf: PfResult, opts: SvgOptions = {}): FeederScene {
  const lay = layoutFeeder(net);
  const routes = routeLines(net, lay);
  const n = net.buses.length;
  const big = n > 150;
  const flows = !!opts.flows;
  const dx = big ? 18 : flows ? 54 : 42;
  const dy = big ? 20 : flows ? 70 : 50;
  const rBus = big ? 3.5 : 10;
  const busFontPx = 10.5;
  const labelFontPx = big ? 8 : 9.5;
  const left = big ? 14 : 22;

  // title
  const title: { text: string; sub: boolean }[] = [];
  const open = net.lines.flatMap((l, i) => (pf.lineStatus[i] === LINE_OPEN ? [l.id] : []));
  const faulted = net.lines.flatMap((l, i) => (pf.lineStatus[i] === LINE_FAULTED ? [l.id] : []));
  const mapW = lay.width * dx;
  const right = big ? 14 : 22;
  const minW = 330;
  const W0 = Math.max(left + mapW + right, minW);
  if (!opts.noTitle) {
    if (opts.title) title.push(...wrapText(opts.title, 14.5 * 1.06, W0 - 28, ' ').map((text) => ({ text, sub: false })));
    const sub = opts.subtitle ?? [`open ${idRanges(open) || 'none'}`, `faulted ${idRanges(faulted) || 'none'}`,
      `losses ${f1(pf.lossKw)} kW`, `unserved ${f1(pf.unservedKw)} kW`].join('  ·  ');
    title.push(...wrapText(sub, 11, W0 - 28, '  ·  ').map((text) => ({ text, sub: true })));
  }
  const titleH = title.length === 0 ? 0 : 12 + title.length * 16;
  const top = titleH + (big ? 10 : 16) + 0.6 * dy;
  const rows = lay.rowMax - lay.rowMin;
  const px = (gx: number): number => left + gx * dx;
  const py = (gy: number): number => top + (gy - lay.rowMin) * dy;
  const plot: Box = { x0: 2, y0: titleH + 2, x1: W0 - 2, y1: top + rows * dy + 0.6 * dy + (big ? 4 : 10) };

  // buses
  const shed = new Uint8Array(n);
  for (const b of opts.shedBuses ?? []) shed[b] = 1;
  const buses: SceneBus[] = net.buses.map((b, i) => {
    const on = pf.energized[i] === 1;
    const band = bandOf(pf.vPu[i]);
    const light = on && (band.fromPu === 0.93 || band.fromPu === 0.9);
    return {
      disc: { x: px(lay.x[i]), y: py(lay.y[i]), r: rBus },
      substation: b.substation,
      fill: on ? band.color : DARK_FILL,
      stroke: on ? '#202020' : DARK_STROKE,
      dark: !on,
      shed: shed[i] === 1 && b.pKw > 0,
      label: big ? '' : String(b.id),
      labelColor: on && !light ? '#ffffff' : '#111111',
    };
  });

  // lines
  const lines: SceneLine[] = net.lines.map((l, i) => {
    const pts: Point[] = [];
    for (const p of routes[i].points) {
      const q = { x: px(p.x), y: py(p.y) };
      const last = pts[pts.length - 1];
      if (!last || Math.abs(last.x - q.x) > 1e-9 || Math.abs(last.y - q.y) > 1e-9) pts.push(q);
    }
    const st = pf.lineStatus[i];
    const over = st === LINE_CLOSED && pf.lineLoadingPct[i] > 100;
    const w = big ? 0.55 : 1;
    let stroke = '#303030', widthPx = 2.2 * w, dash = '';
    if (st === LINE_FAULTED) { stroke = FAULT_COLOR; widthPx = 2.6 * w; }
    else if (st === LINE_OPEN) { stroke = '#7a7a7a'; widthPx = 1.5 * w; dash = big ? '3 2' : '6 4'; }
    else if (st === LINE_DEENERGIZED) { stroke = '#b0b0b0'; widthPx = 2 * w; dash = big ? '1 2' : '1.5 3.5'; }
    else if (flows) { stroke = loadingColor(pf.lineLoadingPct[i]); widthPx = (over ? 4 : 2.6) * w; }
    else if (over) { stroke = OVER_COLOR; widthPx = 4 * w; }
    const line: SceneLine = { points: pts, status: st, stroke, widthPx, dash };
    if (flows && st === LINE_CLOSED && Math.abs(pf.linePKw[i]) > 0.5 && pts.length >= 2) {
      const segs = polylineSegments(pts);
      const s = longest(segs);
      const sign = pf.linePKw[i] >= 0 ? 1 : -1; // polyline runs from `from` to `to`
      const len = Math.hypot(s.x2 - s.x1, s.y2 - s.y1) || 1;
      const ux = ((s.x2 - s.x1) / len) * sign, uy = ((s.y2 - s.y1) / len) * sign;
      const a = big ? 3 : 5;
      line.arrow = { at: { x: (s.x1 + s.x2) / 2 + ux * a, y: (s.y1 + s.y2) / 2 + uy * a }, ux, uy };
    }
    return line;
  });

  // island shading: every energized island when the feeder is split, coloured by its source
  const shades: SceneShade[] = [];
  const energizedIslands = pf.islands.filter((is) => is.sourceKind !== 'none');
  const islandItems: LegendItem[] = [];
  if (energizedIslands.length > 1 || energizedIslands.some((is) => is.sourceKind === 'MT')) {
    let k = 0;
    for (const is of energizedIslands) {
      const color = is.sourceKind === 'MT' ? ISLAND_COLORS[k++ % ISLAND_COLORS.length] : SUBSTATION_ISLAND_COLOR;
      const inIsland = new Set(is.buses);
      const rad = Math.min(dx, dy) * 0.36;
      const segments: Segment[] = [];
      net.lines.forEach((l, i) => {
        if (pf.lineStatus[i] === LINE_CLOSED && inIsland.has(l.from) && inIsland.has(l.to)) segments.push(...polylineSegments(lines[i].points));
      });
      shades.push({ color, discs: is.buses.map((b) => ({ ...buses[b].disc, r: rad })), segments, widthPx: 2 * rad });
      const src = is.sourceKind === 'MT' ? `MT ${net.generators[is.sourceGen].id} at bus ${net.buses[is.sourceBus].id}` : `substation ` +
        `${net.buses[is.sourceBus].id}`;
      islandItems.push({ kind: 'shade', label: `island: ${src} (${is.buses.length} bus${is.buses.length === 1 ? '' : 'es'})`, style: { fill: color } });
    }
  }

  // labels: DER tags first, then ids of lines not in the plain closed state, then the others
  const genOn = opts.genOn ?? Uint8Array.from(net.generators, (_, g) => (pf.genPKw[g] !== 0 || pf.genQKvar[g] !== 0 ? 1 : 0));
  const tripped = new Set(opts.trippedGens ?? []);
  const requests: LabelRequest[] = [];
  const tagGaps = big ? [1, 3, 6, 10, 15, 21, 28, 36] : [2, 5, 9, 14, 20, 27, 35];
  const tagFont = big ? 7.5 : 9;
  let overLimitGens = 0;
  // one tag per bus, a row per generator (a bus with an MT and a PV gets a two-row tag)
  const tagRows = new Map<number, { text: string; fill: string; on: boolean; bad: boolean }[]>();
  net.generators.forEach((g, gi) => {
    const on = genOn[gi] === 1;
    const p = pf.genPKw[gi];
    const q = pf.genQKvar[gi];
    const outside = on && g.kind === 'MT' && (p < g.pMinKw - 1e-6 || p > g.pMaxKw + 1e-6 || q < g.qMinKvar - 1e-6 || q > g.qMaxKvar + 1e-6);
    const bad = outside || tripped.has(gi);
    if (bad) overLimitGens++;
    // on a big map an off unit is its kind alone, in an outlined tag (the legend says so)
    // and kW go without their unit (the legend gives it)
    const kw = big ? formatKw(p).replace(/ kW$/, '') : formatKw(p);
    const text = tripped.has(gi) ? `${g.kind} tripped` : !on ? (big ? g.kind : `${g.kind} off`) : `${g.kind} ${kw}${outside ? ' !' : ''}`;
    const rows = tagRows.get(g.bus) ?? [];
    rows.push({ text, fill: DER_COLORS[g.kind] ?? '#444444', on, bad });
    tagRows.set(g.bus, rows);
  });
  for (const [bus, rows] of tagRows) {
    const text = rows.map((r) => r.text).join('\n');
    const box = labelBox(text, tagFont, true, { x: 0, y: 0 });
    requests.push({
      text, fontPx: tagFont, bold: true, kind: 'der',
      candidates: discCandidates(buses[bus].disc, box.x1 - box.x0, box.y1 - box.y0, tagGaps),
      owner: buses[bus].disc,
      data: { rows },
    });
  }
  // passes: tree lines out of the plain closed state, plain closed tree lines, then the routed
  // lines (ties), whose long channel runs leave them the most room
  const lineRequests = (pass: 'special' | 'closed' | 'routed'): void => {
    net.lines.forEach((l, i) => {
      const st = pf.lineStatus[i];
      const special = st !== LINE_CLOSED || routes[i].routed || pf.lineLoadingPct[i] > 100;
      const which = routes[i].routed ? 'routed' : special ? 'special' : 'closed';
      if (which !== pass) return;
      if (big && !special) return;
      let text = `L${l.id}`;
      if (st === LINE_CLOSED && pf.lineLoadingPct[i] > 100) text += ` ${pf.lineLoadingPct[i].toFixed(0)}%`;
      if (flows && !big && st === LINE_CLOSED) text += `\n${formatKw(pf.linePKw[i])}`;
      const box = labelBox(text, labelFontPx, false, { x: 0, y: 0 });
      const segs = polylineSegments(lines[i].points).sort((u, v) => Math.hypot(v.x2 - v.x1, v.y2 - v.y1) - Math.hypot(u.x2 - u.x1, u.y2 - u.y1));
      const gaps = big ? [1.5, 3, 5, 8, 12] : [2, 4, 7, 10, 14, 18, 23, 28, 34];
      const candidates = segs.slice(0, 3).flatMap((s) => segmentCandidates(s, box.x1 - box.x0, box.y1 - box.y0, gaps));
      requests.push({ text, fontPx: labelFontPx, kind: 'line', candidates, data: { color: st === LINE_FAULTED ? FAULT_COLOR : '#1a1a1a' } });
    });
  };
  lineRequests('special');
  lineRequests('closed');
  lineRequests('routed');
  const obstacleSegments = lines.flatMap((l) => polylineSegments(l.points).map((seg) => ({ seg, halfWidth: l.widthPx / 2 + 1 })));
  const obstacleDiscs = buses.map((b) => ({ ...b.disc, r: (b.substation ? b.disc.r * 1.65 : b.disc.r) + (b.shed ? 4 : 1) }));
  const { placed, dropped } = placeLabels(requests, { discs: obstacleDiscs, segments: obstacleSegments, bounds: plot });

  // legend under the map, in columns that wrap at the picture's width
  const items: LegendItem[] = [];
  for (const band of [...VOLTAGE_BANDS].reverse()) items.push({ kind: 'disc', label: band.label, style: { fill: band.color } });
  items.push({ kind: 'disc', label: 'de-energized', style: { fill: DARK_FILL, stroke: DARK_STROKE, dash: '2 2' } });
  if (flows) for (const b of [...LOADING_BANDS]) items.push({ kind: 'line', label: `loading ${b.label}`,
    style: { stroke: b.color, width: b.fromPct === 100 ? '4' : '2.6' } });
  else items.push({ kind: 'line', label: 'closed', style: { stroke: '#303030', width: '2.2' } },
    { kind: 'line', label: 'over ampacity', style: { stroke: OVER_COLOR, width: '4' } });
  items.push({ kind: 'line', label: 'open switch', style: { stroke: '#7a7a7a', width: '1.5', dash: '6 4' } });
  items.push({ kind: 'line', label: 'faulted', style: { stroke: FAULT_COLOR, width: '2.6', cross: '1' } });
  items.push({ kind: 'line', label: 'de-energized', style: { stroke: '#b0b0b0', width: '2', dash: '1.5 3.5' } });
  if (buses.some((b) => b.shed)) items.push({ kind: 'ring', label: 'load shed', style: { stroke: SHED_COLOR } });
  if (big && net.generators.some((_, gi) => genOn[gi] !== 1)) items.push({ kind: 'tag', label: 'DER off (outlined); tags in kW',
    style: { fill: '#ffffff', stroke: '#6a3d9a' } });
  if (overLimitGens > 0) items.push({ kind: 'tag', label: 'DER beyond limits / tripped', style: { fill: '#ffffff', stroke: FAULT_COLOR } });
  items.push(...islandItems);
  const legendFont = 10;
  const colW = Math.max(...items.map((it) => textWidthPx(it.label, legendFont) + 40));
  const cols = Math.max(1, Math.floor((W0 - 2 * left) / colW));
  const legendTop = plot.y1 + 10;
  const perCol = Math.ceil(items.length / cols);
  const legend = items.map((item, k) => ({ x: left + Math.floor(k / perCol) * colW, y: legendTop + (k % perCol) * 16 + 8, item }));
  const height = legendTop + perCol * 16 + 8;
  return { width: W0, height, big, plot, busFontPx, labelFontPx, title, buses, lines, shades, labels: placed, dropped, legend };
}

/** [1,2,3,5,7,8] -> "1-3,5,7-8" */
export function idRanges(ids: number[]): string {
  const s = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j > i + 1 ? `${s[i]}-${s[j]}` : j > i ? `${s[i]},${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Greedy wrap of `text` at `sep` so that each line fits `widthPx` (a part longer than that stays whole). */
export function wrapText(text: string, fontPx: number, widthPx: number, sep: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const part of text.split(sep)) {
    const next = line ? `${line}${sep}${part}` : part;
    if (line && textWidthPx(next, fontPx) > widthPx) {
      out.push(line);
      line = part;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

function longest(segs: Segment[]): Segment {
  let best = segs[0];
  for (const s of segs) if (Math.hypot(s.x2 - s.x1, s.y2 - s.y1) > Math.hypot(best.x2 - best.x1, best.y2 - best.y1)) best = s;
  return best;
}

export function sceneToSvg(sc: FeederScene): string {
  const W = Math.ceil(sc.width), H = Math.ceil(sc.height);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  sc.title.forEach((t, k) => {
    out.push(t.sub
      ? `<text x="14" y="${24 + 2 + k * 16}" font-size="11" fill="#333">${esc(t.text)}</text>`
      : `<text x="14" y="${24 + k * 16}" font-size="14.5" font-weight="bold" fill="#111">${esc(t.text)}</text>`);
  });
  for (const s of sc.shades) {
    out.push(`<g opacity="0.2" fill="${s.color}" stroke="${s.color}">`);
    for (const seg of s.segments) out.push(`<line x1="${f1(seg.x1)}" y1="${f1(seg.y1)}" x2="${f1(seg.x2)}" y2="${f1(seg.y2)}" ` +
      `stroke-width="${f1(s.widthPx)}" stroke-linecap="round"/>`);
    for (const d of s.discs) out.push(`<circle cx="${f1(d.x)}" cy="${f1(d.y)}" r="${f1(d.r)}" stroke="none"/>`);
    out.push('</g>');
  }
  const polyline = (pts: Point[]): string => pts.map((p) => `${f1(p.x)},${f1(p.y)}`).join(' ');
  for (const l of sc.lines) {
    out.push(`<polyline points="${polyline(l.points)}" fill="none" stroke="${l.stroke}" ` +
      `stroke-width="${l.widthPx}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''} stroke-linejoin="round"/>`);
  }
  for (const l of sc.lines) {
    if (l.status === LINE_FAULTED && l.points.length >= 2) {
      const s = longest(polylineSegments(l.points));
      const mx = (s.x1 + s.x2) / 2, my = (s.y1 + s.y2) / 2, k = sc.big ? 3.5 : 5.5;
      out.push(`<path d="M${f1(mx - k)},${f1(my - k)} L${f1(mx + k)},${f1(my + k)} M${f1(mx - k)},${f1(my + k)} L${f1(mx + k)},${f1(my - k)}" ` +
        `stroke="${FAULT_COLOR}" stroke-width="${sc.big ? 1.8 : 2.8}"/>`);
    }
    if (l.arrow) {
      const a = sc.big ? 3 : 5.5;
      const { at, ux, uy } = l.arrow;
      const bx = at.x - ux * 2 * a, by = at.y - uy * 2 * a;
      out.push(`<path d="M${f1(at.x)},${f1(at.y)} L${f1(bx - uy * a)},${f1(by + ux * a)} L${f1(bx + uy * a)},${f1(by - ux * a)} Z" fill="${l.stroke}"/>`);
    }
  }
  for (const b of sc.buses) {
    const { x, y, r } = b.disc;
    if (b.shed) out.push(`<circle cx="${f1(x)}" cy="${f1(y)}" r="${f1(r + 3)}" fill="none" stroke="${SHED_COLOR}" stroke-width="${sc.big ? 1.2 : 2}" ` +
      `stroke-dasharray="${sc.big ? '2 1' : '3 2'}"/>`);
    if (b.substation) {
      const h = r * 1.15;
      out.push(`<rect x="${f1(x - h)}" y="${f1(y - h)}" width="${f1(2 * h)}" height="${f1(2 * h)}" fill="${b.fill}" stroke="#000" ` +
        `stroke-width="${sc.big ? 1.2 : 2}"/>`);
    } else {
      out.push(`<circle cx="${f1(x)}" cy="${f1(y)}" r="${r}" fill="${b.fill}" stroke="${b.stroke}" ` +
        `stroke-width="${sc.big ? 0.7 : 1.3}"${b.dark ? ' stroke-dasharray="2 2"' : ''}/>`);
    }
    if (b.label) {
      const fs = b.label.length > 2 ? sc.busFontPx * 0.8 : sc.busFontPx;
      out.push(`<text x="${f1(x)}" y="${f1(y + fs * 0.36)}" font-size="${fs}" text-anchor="middle" fill="${b.labelColor}" ` +
        `font-weight="bold">${esc(b.label)}</text>`);
    }
  }
  for (const p of sc.labels) {
    const d = (p.request.data ?? {}) as { color?: string; rows?: { text: string; fill: string; on: boolean; bad: boolean }[] };
    if (p.request.kind === 'der' && d.rows) {
      const bx = p.box;
      const rowH = (bx.y1 - bx.y0) / d.rows.length;
      d.rows.forEach((r, k) => {
        const y0 = bx.y0 + k * rowH;
        out.push(`<rect x="${f1(bx.x0 + 0.5)}" y="${f1(y0 + 0.5)}" width="${f1(bx.x1 - bx.x0 - 1)}" height="${f1(rowH - 1)}" rx="2" ` +
          `fill="${r.on ? r.fill : '#ffffff'}" stroke="${r.bad ? FAULT_COLOR : r.fill}" stroke-width="${r.bad ? 1.6 : 0.9}"/>`);
        out.push(`<text x="${f1(p.x)}" y="${f1(y0 + rowH / 2 + p.request.fontPx * 0.35)}" font-size="${p.request.fontPx}" font-weight="bold" ` +
          `text-anchor="middle" fill="${r.on ? '#ffffff' : r.fill}">${esc(r.text)}</text>`);
      });
    } else {
      const parts = p.request.text.split('\n');
      const body = parts.length === 1 ? esc(parts[0])
        : parts.map((t, k) => `<tspan x="${f1(p.x)}"${k > 0 ? ` dy="${f1(p.request.fontPx * LINE_HEIGHT_EM)}"` : ''}>${esc(t)}</tspan>`).join('');
      out.push(`<text x="${f1(p.x)}" y="${f1(p.y)}" font-size="${p.request.fontPx}" text-anchor="middle" fill="${d.color ?? '#1a1a1a'}">${body}</text>`);
    }
  }
  for (const { x, y, item } of sc.legend) {
    const s = item.style;
    if (item.kind === 'disc') out.push(`<circle cx="${x + 8}" cy="${y - 3.5}" r="6" fill="${s.fill}" ` +
      `stroke="${s.stroke ?? '#202020'}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    else if (item.kind === 'line') {
      out.push(`<line x1="${x}" y1="${y - 3.5}" x2="${x + 26}" y2="${y - 3.5}" stroke="${s.stroke}" ` +
        `stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
      if (s.cross) out.push(`<path d="M${x + 9},${y - 8.5} L${x + 17},${y + 1.5} M${x + 9},${y + 1.5} L${x + 17},${y - 8.5}" stroke="${FAULT_COLOR}" ` +
        `stroke-width="2.2"/>`);
    } else if (item.kind === 'shade') out.push(`<rect x="${x}" y="${y - 10}" width="26" height="13" rx="6" fill="${s.fill}" opacity="0.3"/>`);
    else if (item.kind === 'ring') out.push(`<circle cx="${x + 8}" cy="${y - 3.5}" r="7" fill="none" stroke="${s.stroke}" stroke-width="2" ` +
      `stroke-dasharray="3 2"/>`);
    else out.push(`<rect x="${x}" y="${y - 10}" width="26" height="12" rx="2" fill="${s.fill}" stroke="${s.stroke}" stroke-width="1.8"/>`);
    out.push(`<text x="${x + 32}" y="${y}" font-size="10" fill="#222">${esc(item.label)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function renderFeederSvg(net: Network, pf: PfResult, opts: SvgOptions = {}): string {
  return sceneToSvg(buildFeederScene(net, pf, opts));
}
