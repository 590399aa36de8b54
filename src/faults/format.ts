/**
 * Output formats of the scenario tables, with the 1-based ids users see.
 *  - CSV (the original's Nsub layout plus a header): one row per scenario, one 0/1 column per
 *    line of the case in lines.csv order, 1 = faulted; the header row holds the line ids.
 *  - JSON records: each scenario's faulted lines, class, island and lost buses.
 */
import { Network } from '../grid/network';
import { FaultClass } from './classify';
import { Scenario } from './enumerate';

/** One CSV row of 0/1 per line (no newline). */
export function faultRow(lineCount: number, lines: readonly number[]): string {
  const cells = new Array<string>(lineCount).fill('0');
  for (const l of lines) cells[l] = '1';
  return cells.join(',');
}

export function scenarioTableCsv(net: Network, scenarios: readonly Scenario[]): string {
  const nl = net.lines.length;
  const parts: string[] = [net.lines.map((l) => String(l.id)).join(',')];
  for (const s of scenarios) parts.push(faultRow(nl, s.lines));
  return parts.join('\n') + '\n';
}

export interface ScenarioRecord {
  /** faulted line ids */
  lines: number[];
  class: FaultClass;
  /** bus ids suppliable only by an MT island */
  islandBuses: number[];
  /** bus ids nothing can supply */
  lostBuses: number[];
}

export function scenarioRecords(net: Network, scenarios: readonly Scenario[]): ScenarioRecord[] {
  const lid = (i: number) => net.lines[i].id;
  const bid = (i: number) => net.buses[i].id;
  return scenarios.map((s) => ({
    lines: s.lines.map(lid),
    class: s.cls,
    islandBuses: s.islandBuses.map(bid),
    lostBuses: s.lostBuses.map(bid),
  }));
}
