/**
 * The feeder as an SVG picture: buses coloured by voltage band, line states drawn apart
 * (closed, open, faulted, de-energized), substation and DER marked, legend and a title with the
 * totals. Pure function of the network, a power-flow result and a title.
 */
import { Network } from '../grid/network';
import { LINE_CLOSED, LINE_DEENERGIZED, LINE_FAULTED, LINE_OPEN, PfResult } from '../powerflow/types';
import { layoutFeeder } from './layout';

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
const DARK_FILL = '#ffffff';
const DARK_STROKE = '#9e9e9e';

export function bandOf(vPu: number): VoltageBand {
  let b = VOLTAGE_BANDS[0];
  for (const band of VOLTAGE_BANDS) if (vPu >= band.fromPu - 1e-12) b = band;
  return b;
}

export interface SvgOptions {
  title: string;
  subtitle?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function renderFeederSvg(net: Network, pf: PfResult, opts: SvgOptions): string {
  const lay = layoutFeeder(net);
  const n = net.buses.length;
  const big = n > 150;
  const dx = big ? 18 : 58;
  const dy = big ? 26 : 74;
  const rBus = big ? 4 : 10;
  const left = 50;
  const top = 78;
  const rows = lay.rowMax - lay.rowMin + 1;
  const plotW = lay.width * dx;
  const legendW = 190;
  const W = Math.max(left + plotW + 60 + legendW, 760);
  const H = Math.max(top + (rows - 1) * dy + 70, top + 230);
  const px = (i: number): number => left + lay.x[i] * dx;
  const py = (i: number): number => top + 20 + (lay.y[i] - lay.rowMin) * dy;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${left - 30}" y="28" font-size="16" font-weight="bold" fill="#222">${esc(opts.title)}</text>`);
  const open = net.lines.flatMap((l, i) => (pf.lineStatus[i] === LINE_OPEN ? [l.id] : []));
  const faulted = net.lines.flatMap((l, i) => (pf.lineStatus[i] === LINE_FAULTED ? [l.id] : []));
  const sub = opts.subtitle ?? `open lines: ${open.join(', ') || 'none'}  ·  faulted lines: ${faulted.join(', ') || 'none'}  ·  ` +
    `losses ${f1(pf.lossKw)} kW / ${f1(pf.lossKvar)} kvar  ·  unserved ${f1(pf.unservedKw)} kW`;
  out.push(`<text x="${left - 30}" y="50" font-size="12" fill="#555">${esc(sub)}</text>`);

  // lines
  const style = (status: number, loadingPct: number): string => {
    if (status === LINE_FAULTED) return 'stroke="#d62728" stroke-width="2.5"';
    if (status === LINE_OPEN) return 'stroke="#8c8c8c" stroke-width="1.4" stroke-dasharray="6 4"';
    if (status === LINE_DEENERGIZED) return 'stroke="#bdbdbd" stroke-width="2" stroke-dasharray="1.5 3.5" stroke-linecap="round"';
    return loadingPct > 100 ? 'stroke="#7b3294" stroke-width="4"' : 'stroke="#303030" stroke-width="2.2"';
  };
  const marks: string[] = [];
  net.lines.forEach((l, i) => {
    const a = l.from;
    const b = l.to;
    const st = pf.lineStatus[i];
    const s = style(st, pf.lineLoadingPct[i]);
    let mx: number;
    let my: number;
    if (lay.treeLine[i]) {
      // parent -> child: straight on a row, elbow (down at the parent's column, then across) between rows
      const [p, c] = lay.parent[b] === a ? [a, b] : [b, a];
      if (lay.y[p] === lay.y[c]) {
        out.push(`<line x1="${px(p)}" y1="${py(p)}" x2="${px(c)}" y2="${py(c)}" ${s} fill="none"/>`);
        mx = (px(p) + px(c)) / 2;
        my = py(p);
      } else {
        out.push(`<polyline points="${px(p)},${py(p)} ${px(p)},${py(c)} ${px(c)},${py(c)}" ${s} fill="none"/>`);
        mx = (px(p) + px(c)) / 2;
        my = py(c);
      }
    } else {
      // other lines (ties): a curve bowed away from the straight chord
      const x1 = px(a), y1 = py(a), x2 = px(b), y2 = py(b);
      const len = Math.hypot(x2 - x1, y2 - y1) || 1;
      const bow = Math.min(0.35 * len, big ? 30 : 60) * (i % 2 === 0 ? 1 : -1);
      const cx = (x1 + x2) / 2 + (-(y2 - y1) / len) * bow;
      const cy = (y1 + y2) / 2 + ((x2 - x1) / len) * bow;
      out.push(`<path d="M${x1},${y1} Q${f1(cx)},${f1(cy)} ${x2},${y2}" ${s} fill="none"/>`);
      mx = 0.25 * x1 + 0.5 * cx + 0.25 * x2;
      my = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
    }
    if (st === LINE_FAULTED) {
      const k = big ? 4 : 6;
      marks.push(`<path d="M${f1(mx - k)},${f1(my - k)} L${f1(mx + k)},${f1(my + k)} M${f1(mx - k)},${f1(my + k)} L${f1(mx + k)},${f1(my - k)}" stroke="#d62728" stroke-width="3"/>`);
    }
    if (!big && (!lay.treeLine[i] || st !== LINE_CLOSED)) {
      marks.push(`<text x="${f1(mx)}" y="${f1(my - 8)}" font-size="9.5" fill="#666" text-anchor="middle">L${l.id}</text>`);
    }
  });
  out.push(...marks);

  // DER badges under their bus
  const badges = new Map<number, string[]>();
  net.generators.forEach((g) => {
    const list = badges.get(g.bus) ?? [];
    list.push(g.kind);
    badges.set(g.bus, list);
  });
  const badgeColor: Record<string, string> = { MT: '#6a3d9a', PV: '#e6a100', WT: '#1f78b4' };

  // buses
  for (let i = 0; i < n; i++) {
    const on = pf.energized[i] === 1;
    const fill = on ? bandOf(pf.vPu[i]).color : DARK_FILL;
    const stroke = on ? '#202020' : DARK_STROKE;
    const x = px(i), y = py(i);
    if (net.buses[i].substation) {
      out.push(`<rect x="${x - rBus - 2}" y="${y - rBus - 2}" width="${2 * rBus + 4}" height="${2 * rBus + 4}" fill="${fill}" stroke="#000" stroke-width="2"/>`);
    } else {
      out.push(`<circle cx="${x}" cy="${y}" r="${rBus}" fill="${fill}" stroke="${stroke}" stroke-width="1.3"${on ? '' : ' stroke-dasharray="2 2"'}/>`);
    }
    if (!big) {
      const light = on && (bandOf(pf.vPu[i]).fromPu === 0.93 || bandOf(pf.vPu[i]).fromPu === 0.9);
      out.push(`<text x="${x}" y="${y + 3.5}" font-size="9.5" text-anchor="middle" fill="${on && !light ? '#fff' : '#222'}" font-weight="bold">${net.buses[i].id}</text>`);
      const list = badges.get(i);
      if (list) {
        list.forEach((k, j) => {
          const bx = x - 12 + j * 0 ;
          const by = y + rBus + 5 + j * 13;
          out.push(`<rect x="${bx}" y="${by}" width="24" height="11" rx="2" fill="${badgeColor[k] ?? '#444'}"/>`);
          out.push(`<text x="${bx + 12}" y="${by + 8.5}" font-size="8.5" text-anchor="middle" fill="#fff">${k}</text>`);
        });
      }
    }
  }

  // legend
  const lx = W - legendW + 10;
  let ly = top;
  out.push(`<text x="${lx}" y="${ly}" font-size="12" font-weight="bold" fill="#222">Bus voltage</text>`);
  ly += 8;
  for (const band of [...VOLTAGE_BANDS].reverse()) {
    ly += 17;
    out.push(`<circle cx="${lx + 7}" cy="${ly - 4}" r="6" fill="${band.color}" stroke="#202020"/>`);
    out.push(`<text x="${lx + 20}" y="${ly}" font-size="11" fill="#333">${esc(band.label)}</text>`);
  }
  ly += 17;
  out.push(`<circle cx="${lx + 7}" cy="${ly - 4}" r="6" fill="${DARK_FILL}" stroke="${DARK_STROKE}" stroke-dasharray="2 2"/>`);
  out.push(`<text x="${lx + 20}" y="${ly}" font-size="11" fill="#333">de-energized</text>`);
  ly += 26;
  out.push(`<text x="${lx}" y="${ly}" font-size="12" font-weight="bold" fill="#222">Lines</text>`);
  const sample = (label: string, s: string, cross = false): void => {
    ly += 17;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 28}" y2="${ly - 4}" ${s}/>`);
    if (cross) out.push(`<path d="M${lx + 9},${ly - 9} L${lx + 19},${ly + 1} M${lx + 9},${ly + 1} L${lx + 19},${ly - 9}" stroke="#d62728" stroke-width="2.5"/>`);
    out.push(`<text x="${lx + 36}" y="${ly}" font-size="11" fill="#333">${label}</text>`);
  };
  sample('closed', style(LINE_CLOSED, 0));
  sample('closed, over ampacity', style(LINE_CLOSED, 101));
  sample('open switch', style(LINE_OPEN, 0));
  sample('faulted', style(LINE_FAULTED, 0), true);
  sample('de-energized', style(LINE_DEENERGIZED, 0));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
