/**
 * Collision-avoiding label placement for the feeder map: each label comes with candidate
 * positions in order of preference; the first that overlaps no bus disc, no drawn segment, no
 * label already placed and stays inside the drawing wins. Labels are placed in the order given
 * (callers put the important ones first); a label with no free candidate is dropped and reported,
 * never drawn over something. Text extents are estimated from the font size (Helvetica-like
 * advance widths), with a margin.
 */
import { Box, boxDiscIntersect, boxesOverlap, boxSegmentIntersect, Disc, GridIndex, Point, Segment, segmentBox } from './geometry';

export interface LabelRequest {
  text: string;
  fontPx: number;
  bold?: boolean;
  /** candidate centres of the label's box, best first */
  candidates: Point[];
  /** the bus the label belongs to: a candidate nearer to another bus than to this one is refused */
  owner?: Disc;
  /** free-form tag kept with the result (e.g. "line", "der") */
  kind: string;
  /** text fill colour, background fill (a tag), etc. are the caller's business */
  data?: unknown;
}

export interface PlacedLabel {
  request: LabelRequest;
  box: Box;
  /** text anchor point (middle) and baseline of the first line */
  x: number;
  y: number;
}

export interface Obstacles {
  discs: Disc[];
  segments: { seg: Segment; halfWidth: number }[];
  /** the area labels must stay inside */
  bounds: Box;
}

/** Advance width estimate of a Helvetica-like face, in ems. */
export function textWidthPx(text: string, fontPx: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (ch === ' ') em += 0.28;
    else if ('il.,:;|!\''.includes(ch)) em += 0.28;
    else if ('MWmw'.includes(ch)) em += 0.86;
    else if (ch >= 'A' && ch <= 'Z') em += 0.68;
    else em += 0.56;
  }
  return em * fontPx * (bold ? 1.06 : 1);
}

/** Line height of multi-line labels, in ems. */
export const LINE_HEIGHT_EM = 1.1;

/** Box of a label centred at c (lines split at "\n", margin 1.5 px around). */
export function labelBox(text: string, fontPx: number, bold: boolean, c: Point): Box {
  const lines = text.split('\n');
  const w = Math.max(...lines.map((t) => textWidthPx(t, fontPx, bold))) + 3;
  const h = fontPx * (1.05 + (lines.length - 1) * LINE_HEIGHT_EM) + 2;
  return { x0: c.x - w / 2, y0: c.y - h / 2, x1: c.x + w / 2, y1: c.y + h / 2 };
}

export function placeLabels(requests: LabelRequest[], obs: Obstacles): { placed: PlacedLabel[]; dropped: LabelRequest[] } {
  const cell = 48;
  const discIdx = new GridIndex<Disc>(cell);
  for (const d of obs.discs) discIdx.insert({ x0: d.x - d.r, y0: d.y - d.r, x1: d.x + d.r, y1: d.y + d.r }, d);
  const segIdx = new GridIndex<{ seg: Segment; halfWidth: number }>(cell);
  for (const s of obs.segments) {
    const b = segmentBox(s.seg);
    segIdx.insert({ x0: b.x0 - s.halfWidth, y0: b.y0 - s.halfWidth, x1: b.x1 + s.halfWidth, y1: b.y1 + s.halfWidth }, s);
  }
  const labIdx = new GridIndex<Box>(cell);
  const placed: PlacedLabel[] = [];
  const dropped: LabelRequest[] = [];
  const B = obs.bounds;
  for (const req of requests) {
    let done = false;
    for (const c of req.candidates) {
      const box = labelBox(req.text, req.fontPx, !!req.bold, c);
      if (box.x0 < B.x0 || box.y0 < B.y0 || box.x1 > B.x1 || box.y1 > B.y1) continue;
      const nearDiscs = discIdx.near({ x0: box.x0 - cell, y0: box.y0 - cell, x1: box.x1 + cell, y1: box.y1 + cell });
      if (nearDiscs.some((d) => boxDiscIntersect(box, d))) continue;
      if (req.owner) {
        // nearer (box to centre) to another bus than to its own: refused
        const o = req.owner;
        const own = boxDiscGap(box, { x: o.x, y: o.y, r: 0 });
        if (nearDiscs.some((d) => (d.x !== o.x || d.y !== o.y) && boxDiscGap(box, { x: d.x, y: d.y, r: 0 }) < own)) continue;
      }
      if (segIdx.near(box).some((s) => boxSegmentIntersect(box, s.seg, s.halfWidth))) continue;
      if (labIdx.near(box).some((o) => boxesOverlap(box, o))) continue;
      labIdx.insert(box, box);
      const nLines = req.text.split('\n').length;
      placed.push({ request: req, box, x: c.x, y: c.y + req.fontPx * (0.35 - ((nLines - 1) * LINE_HEIGHT_EM) / 2) });
      done = true;
      break;
    }
    if (!done) dropped.push(req);
  }
  return { placed, dropped };
}

/** Distance from a box to a disc's rim (0 when they meet). */
export function boxDiscGap(b: Box, d: Disc): number {
  const cx = Math.max(b.x0, Math.min(d.x, b.x1));
  const cy = Math.max(b.y0, Math.min(d.y, b.y1));
  return Math.max(0, Math.hypot(d.x - cx, d.y - cy) - d.r);
}

/** Candidates beside a segment: above/below a horizontal one, left/right of a vertical one, near its middle first. */
export function segmentCandidates(s: Segment, w: number, h: number, gaps: number[]): Point[] {
  const out: Point[] = [];
  const horizontal = Math.abs(s.y2 - s.y1) <= Math.abs(s.x2 - s.x1);
  for (const gap of gaps) {
    for (const t of [0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95]) {
      const mx = s.x1 + t * (s.x2 - s.x1);
      const my = s.y1 + t * (s.y2 - s.y1);
      if (horizontal) {
        out.push({ x: mx, y: my - h / 2 - gap }, { x: mx, y: my + h / 2 + gap });
      } else {
        out.push({ x: mx + w / 2 + gap, y: my }, { x: mx - w / 2 - gap, y: my });
      }
    }
  }
  return out;
}

/** Candidates around a disc: below, above, right, left, then the corners, at growing gaps. */
export function discCandidates(d: Disc, w: number, h: number, gaps: number[]): Point[] {
  const out: Point[] = [];
  for (const gap of gaps) {
    const dy = d.r + gap + h / 2;
    const dx = d.r + gap + w / 2;
    out.push(
      { x: d.x, y: d.y + dy }, { x: d.x, y: d.y - dy }, { x: d.x + dx, y: d.y }, { x: d.x - dx, y: d.y },
      { x: d.x + dx * 0.8, y: d.y + dy * 0.8 }, { x: d.x - dx * 0.8, y: d.y + dy * 0.8 },
      { x: d.x + dx * 0.8, y: d.y - dy * 0.8 }, { x: d.x - dx * 0.8, y: d.y - dy * 0.8 },
    );
    // slid sideways along the row above and below
    for (const f of [0.25, 0.5, 0.75, 1]) {
      for (const sy of [1, -1]) out.push({ x: d.x + f * w, y: d.y + sy * dy }, { x: d.x - f * w, y: d.y + sy * dy });
    }
  }
  return out;
}
