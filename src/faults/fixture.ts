/**
 * A tiny hand-drawn feeder for tests (and for trying the CLI), written as CSV into a folder:
 *
 *        L1      L2      L3
 *   (1)─────(2)─────(3)─────(4) MT, grid-forming
 *   sub      │               ┆
 *            │ L4            ┆ L5 (tie, normally open)
 *            │               ┆
 *           (5)┄┄┄┄┄┄┄┄┄┄┄┄┄┄┘
 *            │ L6
 *           (6) PV (not grid-forming)
 *
 * One loop 2-3-4-5 (L2, L3, L5, L4); L1 and L6 are bridges.
 * With `secondSubstation`, bus 6 is a substation too; `fixedLines` lists line ids written
 * with switchable = 0 (no switch: they cannot isolate a fault).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeTinyFeeder(dir: string, opts: { secondSubstation?: boolean; fixedLines?: number[] } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const sub6 = opts.secondSubstation ? 1 : 0;
  const sw = (id: number) => (opts.fixedLines?.includes(id) ? 0 : 1);
  fs.writeFileSync(
    path.join(dir, 'buses.csv'),
    [
      'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation',
      '1,12.66,0,0,0.95,1.05,1',
      '2,12.66,100,60,0.95,1.05,0',
      '3,12.66,90,40,0.95,1.05,0',
      '4,12.66,120,80,0.95,1.05,0',
      '5,12.66,60,30,0.95,1.05,0',
      `6,12.66,60,20,0.95,1.05,${sub6}`,
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(dir, 'lines.csv'),
    [
      'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen',
      `1,1,2,0.1,0.05,420,${sw(1)},0`,
      `2,2,3,0.5,0.25,420,${sw(2)},0`,
      `3,3,4,0.4,0.2,420,${sw(3)},0`,
      `4,2,5,0.4,0.2,420,${sw(4)},0`,
      '5,4,5,1,1,420,1,1',
      `6,5,6,0.3,0.2,420,${sw(6)},0`,
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(dir, 'generators.csv'),
    [
      'gen,bus,kind,pMinKw,pMaxKw,qMinKvar,qMaxKvar,costPerKwh,gridForming',
      '1,4,MT,0,300,0,200,0.023,1',
      '2,6,PV,0,100,0,0,0,0',
    ].join('\n') + '\n',
  );
  return dir;
}
