/**
 * Plane geometry for the feeder map: points, axis-aligned boxes, segments, and the tests the
 * router, the label placer and the map's tests share (segment-to-point distance, box overlaps,
 * box-to-disc and box-to-segment intersection), plus a uniform-grid index so that a 1,000-bus map
 * asks only its neighbourhood. Coordinates are drawing units (SVG px).
 */

export interface Point { x: number; y: number }
export interface Box { x0: number; y0: number; x1: number; y1: number }
export interface Segment { x1: number; y1: number; x2: number; y2: number }
export interface Disc { x: number; y: number; r: number }

/** Distance from point (px, py) to the segment. */
export function pointSegmentDistance(px: number, py: number, s: Segment): number {
  const vx = s.x2 - s.x1;
  const vy = s.y2 - s.y1;
  const len2 = vx * vx + vy * vy;
  let t = len2 > 0 ? ((px - s.x1) * vx + (py - s.y1) * vy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (s.x1 + t * vx), py - (s.y1 + t * vy));
}

/** Boxes overlap with positive area (touching edges do not count). */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

export function boxDiscIntersect(b: Box, d: Disc): boolean {
  const cx = Math.max(b.x0, Math.min(d.x, b.x1));
  const cy = Math.max(b.y0, Math.min(d.y, b.y1));
  return Math.hypot(d.x - cx, d.y - cy) < d.r;
}

/** The segment, thickened by `halfWidth`, meets the box (Liang-Barsky clip on the grown box). */
export function boxSegmentIntersect(b: Box, s: Segment, halfWidth = 0): boolean {
  const x0 = b.x0 - halfWidth, x1 = b.x1 + halfWidth, y0 = b.y0 - halfWidth, y1 = b.y1 + halfWidth;
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  let t0 = 0;
  let t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q > 0;
    const r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
    return true;
  };
  return clip(-dx, s.x1 - x0) && clip(dx, x1 - s.x1) && clip(-dy, s.y1 - y0) && clip(dy, y1 - s.y1) && t0 < t1;
}

export function segmentBox(s: Segment): Box {
  return { x0: Math.min(s.x1, s.x2), y0: Math.min(s.y1, s.y2), x1: Math.max(s.x1, s.x2), y1: Math.max(s.y1, s.y2) };
}

/** Consecutive pairs of a polyline as segments. */
export function polylineSegments(points: Point[]): Segment[] {
  const out: Segment[] = [];
  for (let k = 1; k < points.length; k++) out.push({ x1: points[k - 1].x, y1: points[k - 1].y, x2: points[k].x, y2: points[k].y });
  return out;
}

/** A uniform grid of buckets holding items by their bounding boxes. */
export class GridIndex<T> {
  private readonly cells = new Map<number, T[]>();
  constructor(private readonly cellSize: number) {}
  private key(i: number, j: number): number {
    return (i + 32768) * 65536 + (j + 32768);
  }
  insert(box: Box, item: T): void {
    const c = this.cellSize;
    for (let i = Math.floor(box.x0 / c); i <= Math.floor(box.x1 / c); i++) {
      for (let j = Math.floor(box.y0 / c); j <= Math.floor(box.y1 / c); j++) {
        const k = this.key(i, j);
        const list = this.cells.get(k);
        if (list) list.push(item);
        else this.cells.set(k, [item]);
      }
    }
  }
  /** Items whose buckets meet the box (may repeat an item; callers test exactly). */
  near(box: Box): T[] {
    const c = this.cellSize;
    const out: T[] = [];
    for (let i = Math.floor(box.x0 / c); i <= Math.floor(box.x1 / c); i++) {
      for (let j = Math.floor(box.y0 / c); j <= Math.floor(box.y1 / c); j++) {
        const list = this.cells.get(this.key(i, j));
        if (list) for (const it of list) out.push(it);
      }
    }
    return out;
  }
}
