/** Small hand-made feeders for tests, written as case directories. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** 6 buses, two substations (1 and 6), a loop 2-3-4-5 closed by tie 6 (5-2), tie 7 (4-6) to the second substation; 2 MTs. */
export function writeSixBusFeeder(dir: string): void {
  fs.writeFileSync(path.join(dir, 'buses.csv'), 'bus,baseKv,pKw,qKvar,vMinPu,vMaxPu,substation\n' +
    '1,11,0,0,0.95,1.05,1\n2,11,100,50,0.95,1.05,0\n3,11,80,40,0.95,1.05,0\n4,11,120,60,0.95,1.05,0\n5,11,60,30,0.95,1.05,0\n6,11,0,0,0.95,1.05,1\n');
  fs.writeFileSync(path.join(dir, 'lines.csv'), 'line,from,to,rOhm,xOhm,ampacityA,switchable,normallyOpen\n' +
    '1,1,2,0.1,0.1,400,1,0\n2,2,3,0.2,0.1,400,1,0\n3,3,4,0.2,0.1,400,1,0\n' +
    '4,2,5,0.3,0.2,400,1,0\n5,6,5,0.3,0.2,400,0,0\n6,5,2,0.4,0.3,400,1,1\n7,4,6,0.4,0.3,400,1,1\n');
  fs.writeFileSync(path.join(dir, 'generators.csv'),
    'gen,bus,kind,pMinKw,pMaxKw,qMinKvar,qMaxKvar,costPerKwh,gridForming\n1,3,MT,50,300,0,200,0.05,1\n2,4,MT,20,100,0,50,0.05,1\n');
  const rows: string[] = [];
  for (let t = 0; t < 12; t++) {
    const f = 0.6 + 0.04 * t;
    rows.push([0, 100, 80, 120, 60, 0].map((p) => `${(p * f).toFixed(3)}+${(p * f * 0.5).toFixed(3)}j`).join(','));
  }
  fs.writeFileSync(path.join(dir, 'load.csv'), rows.join('\n') + '\n');
}
