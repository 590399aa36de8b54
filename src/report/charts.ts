/**
 * Small SVG charts for the run report, written by hand: a line / step chart of one or more
 * series against the step, with axes, units, ticks and a legend, and a timeline of intervals
 * (faults in force). Output scales with its viewBox; text stays readable at 520 px wide.
 */

export interface ChartSeries {
  label: string;
  color: string;
  /** one value per x; NaN leaves a gap */
  values: ArrayLike<number>;
  /** 'step': held from x to the next x (dispatch, counts); 'line' (default); 'bar': a bar per x */
  kind?: 'line' | 'step' | 'bar';
  dash?: string;
}

export interface ChartSpec {
  title: string;
  /** axis label with its unit, e.g. "kW" */
  yLabel: string;
  xLabel?: string;
  x: ArrayLike<number>;
  series: ChartSeries[];
  width?: number;
  height?: number;
  /** y range forced to include these */
  yInclude?: number[];
  /** horizontal reference lines (limits) */
  refLines?: { y: number; label: string; color: string }[];
  /** vertical markers (fault onsets) */
  markers?: { x: number; color: string }[];
  /** integer values only on the y axis (counts) */
  integer?: boolean;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 times a power of ten). */
/** Up to this many markers are drawn as lines across a chart; more as ticks on its top edge. */
export const MARKER_LINES = 24;

export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!(max > min)) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - d, max + d, count, integer);
  }
  const raw = (max - min) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  // the round step whose tick count is nearest to `count`
  let step = [1, 2, 5, 10].map((m) => m * p).reduce((best, s) => (Math.abs((max - min) / s - count) < Math.abs((max - min) / best - count) ? s : best));
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let k = 0; first + k * step <= max + step * 1e-9; k++) {
    const v = Number((first + k * step).toPrecision(12));
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

/** Tick text: as few decimals as the step needs, thousands as "k". */
export function tickLabel(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 10000 && step >= 1000) return `${+(v / 1000).toFixed(step >= 10000 ? 0 : 1)}k`;
  const dec = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  return v.toFixed(dec);
}

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 520;
  const showLegend = spec.series.length > 1;
  const rowsOfLegend = showLegend ? legendRows(spec.series.map((s) => s.label), W) : 0;
  const m = { l: 58, r: 12, t: 26, b: 38 + 13 * rowsOfLegend };
  const ph = (spec.height ?? 220) - 26 - 52;
  const H = m.t + ph + m.b;
  const pw = W - m.l - m.r;
  const xs = spec.x;
  const n = xs.length;
  let xmin = Infinity, xmax = -Infinity;
  for (let i = 0; i < n; i++) { xmin = Math.min(xmin, xs[i]); xmax = Math.max(xmax, xs[i]); }
  // every chart spans [first - 0.5, last + 0.5]: a step's bar or level is centred on it, and
  // charts of one report line up above each other
  const xlo = xmin - 0.5, xhi = xmax + 0.5;
  let ymin = Infinity, ymax = -Infinity;
  for (const s of spec.series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (Number.isFinite(v)) { ymin = Math.min(ymin, v); ymax = Math.max(ymax, v); }
    }
  }
  for (const v of [...(spec.yInclude ?? []), ...(spec.refLines ?? []).map((r) => r.y)]) { ymin = Math.min(ymin, v); ymax = Math.max(ymax, v); }
  if (!Number.isFinite(ymin)) { ymin = 0; ymax = 1; }
  if (ymax === ymin) ymax = ymin >= 0 ? ymin + 1 : ymin + Math.abs(ymin) * 0.1;
  const yt = niceTicks(ymin, ymax, 5, spec.integer);
  const y0 = Math.min(ymin, yt[0]), y1 = Math.max(ymax, yt[yt.length - 1]);
  const ystep = yt.length > 1 ? yt[1] - yt[0] : 1;
  const xt = niceTicks(xmin, xmax, 6, true).filter((v) => v >= xmin && v <= xmax);
  const X = (v: number): number => m.l + ((v - xlo) / (xhi - xlo)) * pw;
  const Y = (v: number): number => m.t + ph - ((v - y0) / (y1 - y0 || 1)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}"` +
    ' font-family="Helvetica, Arial, sans-serif">');
  out.push(`<text x="${m.l}" y="16" font-size="13" font-weight="bold" fill="#111">${esc(spec.title)}</text>`);
  // grid and y ticks
  for (const v of yt) {
    const y = f1(Y(v));
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.l - 5}" y="${f1(Y(v) + 3.5)}" font-size="10.5" text-anchor="end" fill="#333">${tickLabel(v, ystep)}</text>`);
  }
  for (const v of xt) {
    const x = f1(X(v));
    out.push(`<line x1="${x}" x2="${x}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#555"/>`);
    out.push(`<text x="${x}" y="${m.t + ph + 15}" font-size="10.5" text-anchor="middle" fill="#333">${v}</text>`);
  }
  out.push(`<text transform="translate(13 ${f1(m.t + ph / 2)}) rotate(-90)" font-size="10.5" text-anchor="middle" fill="#333">${esc(spec.yLabel)}</text>`);
  out.push(`<text x="${f1(m.l + pw / 2)}" y="${m.t + ph + 29}" font-size="10.5" text-anchor="middle" fill="#333">${esc(spec.xLabel ?? 'step')}</text>`);
  // markers: dashed lines across the plot, or (more than MARKER_LINES of them) ticks on its top edge
  const mks = (spec.markers ?? []).filter((mk) => mk.x >= xmin && mk.x <= xmax);
  for (const mk of mks) {
    const y2 = mks.length > MARKER_LINES ? m.t + 6 : m.t + ph;
    const ticks = mks.length > MARKER_LINES;
    out.push(`<line x1="${f1(X(mk.x))}" x2="${f1(X(mk.x))}" y1="${m.t}" y2="${y2}" stroke="${mk.color}" stroke-width="${ticks ? 1.2 : 1}"` +
      `${ticks ? '' : ' stroke-dasharray="3 2"'} opacity="0.8"/>`);
  }
  for (const rl of spec.refLines ?? []) {
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f1(Y(rl.y))}" y2="${f1(Y(rl.y))}" stroke="${rl.color}" stroke-dasharray="5 3"/>`);
    out.push(`<text x="${m.l + pw - 3}" y="${f1(Y(rl.y) - 3)}" font-size="10" text-anchor="end" fill="${rl.color}">${esc(rl.label)}</text>`);
  }
  const barSeries = spec.series.filter((s) => s.kind === 'bar');
  const unit = pw / (xhi - xlo);
  const bw = Math.max(0.6, (unit * 0.8) / Math.max(1, barSeries.length));
  for (const s of spec.series) {
    const kind = s.kind ?? 'line';
    if (kind === 'bar') {
      const k = barSeries.indexOf(s);
      const parts: string[] = [];
      const base = Y(Math.max(y0, Math.min(0, y1)));
      for (let i = 0; i < n; i++) {
        const v = s.values[i];
        if (!Number.isFinite(v) || v === 0) continue;
        const x = X(xs[i]) - unit * 0.4 + k * bw;
        const y = Y(v);
        parts.push(`M${f1(x)},${f1(base)}V${f1(y)}h${f1(Math.max(0.6, bw))}V${f1(base)}Z`);
      }
      if (parts.length) out.push(`<path d="${parts.join('')}" fill="${s.color}"/>`);
      continue;
    }
    let d = '';
    let pen = false;
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) { pen = false; continue; }
      const x = X(xs[i]), y = Y(v);
      if (kind === 'step') {
        d += `${pen ? 'L' : 'M'}${f1(x - unit / 2)},${f1(y)}H${f1(x + unit / 2)}`;
      } else d += `${pen ? 'L' : 'M'}${f1(x)},${f1(y)}`;
      pen = true;
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${dash} stroke-linejoin="round"/>`);
    // a lone point would not show as a path
    if (n === 1 && Number.isFinite(s.values[0])) out.push(`<circle cx="${f1(X(xs[0]))}" cy="${f1(Y(s.values[0]))}" r="2.5" fill="${s.color}"/>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  // legend under the x label, wrapped
  let lx = m.l, ly = m.t + ph + 46;
  if (showLegend) {
    const items = spec.series.map((s) => ({ label: s.label, color: s.color, dash: s.dash ?? '' }));
    for (const it of items) {
      const w = 22 + it.label.length * 5.8 + 12;
      if (lx + w > W - m.r && lx > m.l) { lx = m.l; ly += 13; }
      const dash = it.dash ? ` stroke-dasharray="${it.dash}"` : '';
      out.push(`<line x1="${lx}" x2="${lx + 16}" y1="${ly - 3.5}" y2="${ly - 3.5}" stroke="${it.color}" stroke-width="3"${dash}/>`);
      out.push(`<text x="${lx + 20}" y="${ly}" font-size="10" fill="#222">${esc(it.label)}</text>`);
      lx += w;
    }
  }
  out.push('</svg>');
  return out.join('');
}

/** Legend rows a chart needs (for callers sizing it). */
export function legendRows(labels: string[], width = 520): number {
  let lx = 58, rows = 1;
  for (const l of labels) {
    const w = 22 + l.length * 5.8 + 12;
    if (lx + w > width - 12 && lx > 58) { lx = 58; rows++; }
    lx += w;
  }
  return rows;
}

export interface TimelineRow {
  label: string;
  color: string;
  /** [from, to) intervals of x */
  spans: { from: number; to: number }[];
}

/** A timeline: one row per item (a faulted line), a bar over the steps [from, to) where it is in force; x from xmin to xmax (steps). */
export function timeline(title: string, xmin: number, xmax: number, rows: TimelineRow[], width = 520): string {
  const rowH = 14;
  const m = { l: 58, r: 12, t: 26, b: 36 };
  const W = width, H = m.t + Math.max(1, rows.length) * rowH + m.b;
  const pw = W - m.l - m.r;
  const xlo = xmin - 0.5, xhi = xmax + 0.5;
  const X = (v: number): number => m.l + ((v - xlo) / (xhi - xlo)) * pw;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"` +
    ' font-family="Helvetica, Arial, sans-serif">');
  out.push(`<text x="${m.l}" y="16" font-size="13" font-weight="bold" fill="#111">${esc(title)}</text>`);
  const ph = Math.max(1, rows.length) * rowH;
  for (const v of niceTicks(xmin, xmax, 6, true).filter((v) => v >= xmin && v <= xmax)) {
    out.push(`<line x1="${f1(X(v))}" x2="${f1(X(v))}" y1="${m.t}" y2="${m.t + ph + 4}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${f1(X(v))}" y="${m.t + ph + 15}" font-size="10.5" text-anchor="middle" fill="#333">${v}</text>`);
  }
  out.push(`<text x="${f1(m.l + pw / 2)}" y="${m.t + ph + 29}" font-size="10.5" text-anchor="middle" fill="#333">step</text>`);
  rows.forEach((r, k) => {
    const y = m.t + k * rowH;
    out.push(`<text x="${m.l - 5}" y="${y + rowH - 3.5}" font-size="10.5" text-anchor="end" fill="#333">${esc(r.label)}</text>`);
    for (const s of r.spans) {
      const w = f1(Math.max(1, X(s.to - 0.5) - X(s.from - 0.5)));
      out.push(`<rect x="${f1(X(s.from - 0.5))}" y="${y + 2}" width="${w}" height="${rowH - 4}" fill="${r.color}"/>`);
    }
  });
  if (rows.length === 0) out.push(`<text x="${m.l + 6}" y="${m.t + 11}" font-size="11" fill="#555">no faults in force</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  out.push('</svg>');
  return out.join('');
}
