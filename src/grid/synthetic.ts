/**
 * A synthetic radial feeder of any size, for scale tests: a random tree grown from the substation
 * (each new bus hangs off a bus among the last few added, or sometimes any earlier one, which gives
 * long laterals with side branches like a real feeder), tie lines between distant buses, MTs, PV
 * and WT, and a daily load series. Seeded: the same options give the same files. Pure: returns
 * CSV texts keyed by file name.
 */
import { Rng } from '../util/rng';
import { formatComplex } from './complex-text';

export interface SyntheticOptions {
  buses: number;
  seed?: number;
  /** number of tie lines (normally open); default max(5, buses / 50) */
  ties?: number;
  /** total nominal load, kW; default 3715 x sqrt(buses / 33) */
  totalLoadKw?: number;
  /** steps of the load / pv / wt / price series (hourly, CER-like daily shape); 0 = none */
  steps?: number;
}

const DAY_SHAPE = [0.62, 0.57, 0.54, 0.53, 0.54, 0.6, 0.72, 0.85, 0.88, 0.86, 0.85, 0.86, 0.87, 0.85, 0.84, 0.86, 0.92, 1.0, 0.99, 0.95, 0.9, 0.84, 0.76, 0.68];

export function syntheticFeeder(o: SyntheticOptions): Record<string, string> {
  const n = o.buses;
  if (!Number.isInteger(n) || n < 4) throw new RangeError('a synthetic feeder needs at least 4 buses');
  const rng = new Rng(o.seed ?? 1);
  const kv = 12.66;
  const parent = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  for (let i = 1; i < n; i++) {
    const p = rng.int(10) < 8 ? Math.max(0, i - 1 - rng.int(Math.min(i, 4))) : rng.int(i);
    parent[i] = p;
    depth[i] = depth[p] + 1;
  }
  const total = o.totalLoadKw ?? 3715 * Math.sqrt(n / 33);
  const weights = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 0.4 + 1.2 * rng.next()));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const pKw = weights.map((w) => (total * w) / wsum);
  // impedances scaled so that the deepest bus sees a few percent of voltage drop per 10 hops
  const maxDepth = Math.max(...depth);
  const rScale = 0.35 * Math.sqrt(33 / n) * Math.min(1, 18 / maxDepth) * 3;
  let buses = 'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n';
  for (let i = 0; i < n; i++) {
    const p = Math.round(pKw[i] * 10) / 10;
    const q = Math.round(p * (0.4 + 0.3 * rng.next()) * 10) / 10;
    buses += `${i + 1},${kv},${p},${q},0.95,1.05,${i === 0 ? 1 : 0}\n`;
  }
  let lines = 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n';
  let id = 0;
  for (let i = 1; i < n; i++) {
    const r = +(rScale * (0.3 + rng.next())).toFixed(4);
    const x = +(r * (0.5 + 0.7 * rng.next())).toFixed(4);
    lines += `${++id},${parent[i] + 1},${i + 1},${r},${x},${400 + 20 * rng.int(6)},${rng.int(10) < 4 ? 1 : 0},0\n`;
  }
  // ties between buses at least 4 hops apart in the tree
  const ties = o.ties ?? Math.max(5, Math.floor(n / 50));
  const pathLen = (a: number, b: number): number => {
    let d = 0;
    while (a !== b) {
      if (depth[a] >= depth[b]) a = parent[a]; else b = parent[b];
      d++;
    }
    return d;
  };
  const seen = new Set<string>();
  for (let t = 0, tries = 0; t < ties && tries < 100 * ties; tries++) {
    const a = 1 + rng.int(n - 1);
    const b = 1 + rng.int(n - 1);
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || seen.has(key) || pathLen(a, b) < 4) continue;
    seen.add(key);
    const r = +(rScale * 2).toFixed(4);
    lines += `${++id},${a + 1},${b + 1},${r},${r},400,1,1\n`;
    t++;
  }
  // DER: one MT per ~300 buses (at least 3), two PV, two WT, at random load buses
  const pick = (): number => 1 + rng.int(n - 1);
  let gens = 'gen,bus,kind,pMinKw,pMaxKw,qMinKvar,qMaxKvar,costPerKwh,gridForming\n';
  let g = 0;
  const mts = Math.max(3, Math.floor(n / 300));
  for (let k = 0; k < mts; k++) gens += `${++g},${pick() + 1},MT,0,${Math.round(total / mts)},0,${Math.round(total / (2 * mts))},0.023,1\n`;
  const pvBuses = [pick(), pick()].filter((b, k, a) => a.indexOf(b) === k);
  const wtBuses = [pick(), pick()].filter((b, k, a) => a.indexOf(b) === k);
  const pvMax = Math.round(total * 0.08);
  const wtMax = Math.round(total * 0.1);
  for (const b of pvBuses) gens += `${++g},${b + 1},PV,0,${pvMax},0,0,0,0\n`;
  for (const b of wtBuses) gens += `${++g},${b + 1},WT,0,${wtMax},0,${Math.round(wtMax * 0.46)},0,0\n`;
  const files: Record<string, string> = { 'buses.csv': buses, 'lines.csv': lines, 'generators.csv': gens };

  const steps = o.steps ?? 0;
  if (steps > 0) {
    const qOf = buses.trim().split('\n').slice(1).map((row) => row.split(',').map(Number));
    const load: string[] = [];
    const pv: string[] = [];
    const wt: string[] = [];
    const price: string[] = [];
    const pvHeader = pvBuses.map((b) => `p${b + 1},q${b + 1}`).join(',');
    const wtHeader = wtBuses.map((b) => `p${b + 1},q${b + 1}`).join(',');
    for (let t = 0; t < steps; t++) {
      const f = DAY_SHAPE[t % 24] * (1 + 0.03 * rng.normal(0, 1));
      load.push(qOf.map((c) => formatComplex(c[2] * f, c[3] * f, 2)).join(','));
      const h = t % 24;
      const sun = h >= 6 && h <= 18 ? Math.sin((Math.PI * (h - 6)) / 12) : 0;
      pv.push(pvBuses.map(() => `${(pvMax * sun).toFixed(1)},0`).join(','));
      const w = wtMax * (0.3 + 0.4 * rng.next());
      wt.push(wtBuses.map(() => `${w.toFixed(1)},${(w * 0.46).toFixed(1)}`).join(','));
      price.push('0.15,0.23');
    }
    files['load.csv'] = load.join('\n') + '\n';
    files['pv.csv'] = `${pvHeader}\n${pv.join('\n')}\n`;
    files['wt.csv'] = `${wtHeader}\n${wt.join('\n')}\n`;
    files['price.csv'] = price.join('\n') + '\n';
  }
  return files;
}
