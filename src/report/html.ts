/**
 * The run report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
 * Reading order: title and source, headline totals, the reward by term, charts per step (reward,
 * terms, losses and unserved load, lowest voltage, switching, MT dispatch, faults, solver), the
 * feeder maps at the chosen steps and fault onsets, the switch operations, then every step in a
 * table.
 */
import { RewardTermName } from '../powerflow/reward';
import { ChartSeries, lineChart, MARKER_LINES, timeline, TimelineRow } from './charts';
import { RowMap } from './row-map';
import { ReportStep, RunReport } from './run-report';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A number with thousands separators and `digits` decimals ("-0" as "0"). */
export function num(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const s = (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits);
  const [int, dec] = s.split('.');
  const neg = int.startsWith('-');
  const digitsOnly = neg ? int.slice(1) : int;
  const grouped = digitsOnly.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '−' : ''}${grouped}${dec !== undefined ? '.' + dec : ''}`;
}

const TERM_COLORS: Record<string, string> = {
  voltage: '#1f78b4', loss: '#33a02c', blackout: '#e31a1c', mt: '#6a3d9a', grid: '#b15928', switching: '#ff7f00', invalid: '#666666',
};
const TERM_LABELS: Record<string, string> = {
  voltage: 'voltage penalty', loss: 'loss cost', blackout: 'blackout (unserved)', mt: 'MT energy', grid: 'grid energy',
  switching: 'switching', invalid: 'invalid action',
};
const MT_COLORS = ['#6a3d9a', '#e08214', '#1b9e77', '#e7298a', '#66a61e', '#a6761d'];
const FAULT_MARK = '#d62728';

/** The page's style sheet. */
const CSS = [
  'body{font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#1a1a1a;margin:0;background:#fafafa}',
  'main{max-width:1120px;margin:0 auto;padding:18px 20px 40px;background:#fff}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}',
  '.src{color:#555;font-size:12.5px;margin:0 0 14px;line-height:1.5}.src code{font-size:12px}',
  '.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px}',
  '.card{border:1px solid #ddd;border-left:4px solid #4393c3;border-radius:3px;padding:7px 10px;background:#fff}',
  '.card.main{border-left-color:#111}.card.bad{border-left-color:#d62728}.card.warn{border-left-color:#e08214}',
  '.card .k{font-size:12px;color:#555}.card .v{font-size:20px;font-weight:bold;margin:2px 0}.card .n{font-size:11.5px;color:#555;line-height:1.35}',
  'table{border-collapse:collapse;font-size:12.5px}' +
    'td,th{border-bottom:1px solid #e6e6e6;padding:3px 7px;text-align:left;vertical-align:top}th{background:#f3f3f3;font-weight:600}',
  'td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}.sw{display:inline-block;width:10px;height:10px;margin-right:6px;vertical-align:-1px}',
  '.terms{margin-top:10px}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:10px 18px}' +
    '@media (max-width:760px){.charts{grid-template-columns:1fr}}',
  '.charts svg,.map svg{width:100%;height:auto;display:block}.map{max-width:900px}',
  'figure{margin:14px 0 22px}figcaption{font-size:13px;margin-bottom:6px;line-height:1.45}',
  '.note{color:#555;font-style:italic}.bad{color:#b2182b}.warn{color:#a05a00}' +
    '.warnbox{border:1px solid #e08214;background:#fff7ec;padding:6px 12px;margin:12px 0;font-size:13px}',
  'tr.onset td{background:#fdecea}.steps{overflow-x:auto}details summary{cursor:pointer;font-weight:600;margin:6px 0}',
  'small{color:#666}code{font-size:12px}',
  '@media (max-width:760px){main{padding:10px}.charts{grid-template-columns:1fr}.card .v{font-size:18px}.map{overflow-x:auto}.map svg{min-width:760px}}',
].join('\n');

export interface HtmlOptions {
  vLowPu: number;
  vHighPu: number;
  /** maps of fault onsets not drawn (beyond the cap) */
  onsetsNotDrawn: number;
  generatedAt: string;
}

function card(label: string, value: string, note = '', cls = ''): string {
  const noteDiv = note ? `<div class="n">${note}</div>` : '';
  return `<div class="card${cls ? ' ' + cls : ''}"><div class="k">${esc(label)}</div><div class="v">${value}</div>${noteDiv}</div>`;
}

function switchText(s: ReportStep): string {
  const parts: string[] = [];
  if (s.closed.length) parts.push(`closed ${s.closed.map((l) => 'L' + l).join(' ')}`);
  if (s.opened.length) parts.push(`opened ${s.opened.map((l) => 'L' + l).join(' ')}`);
  return parts.join('; ');
}

export function renderReportHtml(rep: RunReport, maps: RowMap[], opts: HtmlOptions): string {
  const T = rep.totals;
  const steps = rep.steps;
  const x = steps.map((s) => s.next);
  const markers = rep.onsets.map((o) => ({ x: o.step, color: FAULT_MARK }));
  const h = rep.stepHours;
  const hUnit = `${h} h`;
  const termsUsed = rep.rewardTerms.filter((k) => steps.some((s) => s.terms[k] !== 0));
  const termsZero = rep.rewardTerms.filter((k) => !termsUsed.includes(k));
  const solverSteps = steps.filter((s) => s.solver);

  // ---- headline
  const cards: string[] = [
    card('Total reward', num(T.reward, 2),
      `${T.transitions} transitions, steps ${T.firstStep}→${T.lastStep}, ${T.episodes} episode${T.episodes === 1 ? '' : 's'}`, 'main'),
    card('Energy not served', `${num(T.energyNotServedKwh, 1)} kWh`,
      `${T.stepsWithUnserved} step${T.stepsWithUnserved === 1 ? '' : 's'} with unserved load`, T.energyNotServedKwh > 0 ? 'bad' : ''),
    card('Losses', `${num(T.lossesKwh, 1)} kWh`, `mean ${num(T.lossesKwh / (T.transitions * h), 1)} kW`),
    card('Switch operations', num(T.switchOps, 0),
      `in ${T.stepsWithSwitching} step${T.stepsWithSwitching === 1 ? '' : 's'}` +
        (T.switchMoves.length ? `; most moved: ${T.switchMoves.slice(0, 3).map((m) => `L${m.line} (${m.moves})`).join(', ')}` : '')),
    card('Lowest voltage', T.vMinPu === null ? '–' : `${num(T.vMinPu, 4)} pu`,
      T.vMinPu === null ? 'every bus dark' : `bus ${T.vMinBus} at step ${T.vMinStep}; band ${opts.vLowPu}–${opts.vHighPu} pu`,
      T.vMinPu !== null && T.vMinPu < opts.vLowPu ? 'bad' : ''),
    card('Fault onsets', num(T.faultOnsets, 0),
      `${T.stepsWithFaults} step${T.stepsWithFaults === 1 ? '' : 's'} with faults in force`, T.faultOnsets ? 'warn' : ''),
  ];
  if (T.solver) {
    const sv = T.solver;
    cards.push(card('Steps at time limit', num(sv.stepsAtTimeLimit, 0),
      `of ${sv.steps} solved; ${Object.entries(sv.statusCounts).map(([k, v]) => `${v} ${k}`).join(', ')}`, sv.stepsAtTimeLimit ? 'warn' : ''));
    cards.push(card('Fallback steps', num(sv.fallbackSteps, 0),
      sv.maxGap !== null ? `largest MIP gap ${num(sv.maxGap * 100, 2)} %` : 'no gap reported', sv.fallbackSteps ? 'bad' : ''));
    cards.push(card('Solver time', `${num(sv.medianMs / 1000, 2)} s`,
      `median per step; max ${num(sv.maxMs / 1000, 1)} s, total ${num(sv.totalMs / 1000, 0)} s`));
    cards.push(card('HiGHS work', `${num(sv.nodes, 0)} nodes`,
      `${num(sv.lpIterations, 0)} LP iterations, ${num(sv.mipSolves, 0)} MIP / ${num(sv.lpSolves, 0)} LP solves`));
  } else {
    cards.push(card('Solver records', 'none', esc(rep.solverRecords)));
  }
  cards.push(card('Invalid actions', num(T.invalidActions, 0),
    `${T.terminations} termination${T.terminations === 1 ? '' : 's'}; ` +
      `${T.pfNotConverged} power flow${T.pfNotConverged === 1 ? '' : 's'} not converged`,
    T.invalidActions || T.pfNotConverged ? 'bad' : ''));
  if (T.mtEnergyKwh.length) {
    cards.push(card('MT energy', `${num(T.mtEnergyKwh.reduce((a, m) => a + m.kwh, 0), 0)} kWh`,
      T.mtEnergyKwh.map((m) => `G${m.gen} (bus ${m.bus}) ${num(m.kwh, 0)}`).join(', ')));
  }

  const costSum = rep.rewardTerms.reduce((a, k) => a + T.terms[k], 0);
  const termRows = rep.rewardTerms.map((k) => [
    `<tr><td><span class="sw" style="background:${TERM_COLORS[k] ?? '#999'}"></span>${esc(TERM_LABELS[k] ?? k)} <code>R_${k}</code></td>`,
    `<td class="r">${num(T.terms[k], 2)}</td>`,
    `<td class="r">${costSum > 0 ? num((100 * T.terms[k]) / costSum, 1) + ' %' : '–'}</td></tr>`,
  ].join('')).join('');

  // ---- charts
  const W = 520;
  const charts: string[] = [];
  charts.push(lineChart({
    title: 'Reward R(t+1) per step', yLabel: 'reward (money)', x, yInclude: [0],
    series: [{ label: 'reward', color: '#111', values: steps.map((s) => s.reward) }], markers, width: W,
  }));
  charts.push(lineChart({
    title: 'Reward terms (costs, each ≥ 0)', yLabel: 'cost per step', x, markers, width: W, yInclude: [0],
    series: (termsUsed.length ? termsUsed : rep.rewardTerms.slice(0, 1)).map((k): ChartSeries => ({
      label: TERM_LABELS[k] ?? k, color: TERM_COLORS[k] ?? '#999', values: steps.map((s) => s.terms[k as RewardTermName]),
    })),
  }));
  charts.push(lineChart({
    title: 'Losses and unserved load', yLabel: 'kW', x, markers, width: W, yInclude: [0],
    series: [
      { label: 'losses', color: '#33a02c', values: steps.map((s) => s.lossKw) },
      { label: 'unserved (dark + shed)', color: '#e31a1c', values: steps.map((s) => s.unservedKw) },
    ],
  }));
  charts.push(lineChart({
    title: 'Lowest voltage of the energized buses', yLabel: 'pu', x, markers, width: W,
    refLines: [{ y: opts.vLowPu, label: `${opts.vLowPu} pu`, color: '#b2182b' }],
    series: [{ label: 'lowest voltage', color: '#1f78b4', values: steps.map((s) => s.vMinPu ?? NaN) }],
  }));
  charts.push(lineChart({
    title: 'Switch operations per step', yLabel: 'operations', x, markers, width: W, integer: true, yInclude: [0, 1],
    series: [{ label: 'switch operations', color: '#ff7f00', values: steps.map((s) => s.switchOps), kind: 'bar' }],
  }));
  const mtSeries: ChartSeries[] = [];
  (steps[0]?.mt ?? []).forEach((m, k) => {
    const c = MT_COLORS[k % MT_COLORS.length];
    mtSeries.push({ label: `G${m.gen} (bus ${m.bus}) output`, color: c, values: steps.map((s) => s.mt[k].pKw), kind: 'step' });
    mtSeries.push({ label: `G${m.gen} set-point`, color: c, values: steps.map((s) => s.mt[k].setPointKw), kind: 'step', dash: '4 3' });
  });
  if (mtSeries.length) {
    charts.push(lineChart({
      title: 'MT dispatch (output at t+1; A(t) set-point dashed)', yLabel: 'kW', x, markers, width: W, yInclude: [0], series: mtSeries,
    }));
  }
  // faults: one row per line ever faulted
  const faultLines = [...new Set(steps.flatMap((s) => s.faults))].sort((a, b) => a - b);
  const rows: TimelineRow[] = faultLines.map((l) => {
    const spans: { from: number; to: number }[] = [];
    for (const s of steps) {
      if (!s.faults.includes(l)) continue;
      const last = spans[spans.length - 1];
      if (last && last.to === s.next) last.to = s.next + 1;
      else spans.push({ from: s.next, to: s.next + 1 });
    }
    return { label: `L${l}`, color: FAULT_MARK, spans };
  });
  charts.push(timeline('Faults in force (line, steps)', x[0], x[x.length - 1], rows, W));
  if (solverSteps.length) {
    charts.push(lineChart({
      title: 'Solver time per step', yLabel: 's', x, markers, width: W, yInclude: [0],
      series: [
        { label: 'total (model + solve)', color: '#444', values: steps.map((s) => (s.solver ? s.solver.totalMs / 1000 : NaN)) },
        { label: 'HiGHS solve', color: '#1f78b4', values: steps.map((s) => (s.solver ? s.solver.solveMs / 1000 : NaN)), dash: '4 3' },
      ],
    }));
    charts.push(lineChart({
      title: 'HiGHS branch-and-bound nodes per step', yLabel: 'nodes', x, markers, width: W, yInclude: [0], integer: true,
      series: [{ label: 'branch-and-bound nodes', color: '#6a3d9a', values: steps.map((s) => (s.solver ? s.solver.nodes : NaN)), kind: 'bar' }],
    }));
  }
  const noSolver = solverSteps.length ? '' : `<p class="note">No solver status, gap, time or HiGHS work per step: ${esc(rep.solverRecords)}.</p>`;

  // ---- maps
  const mapHtml = maps.map((mp) => {
    const s = steps[mp.row];
    const why = mp.reasons.join(', ');
    const faults = s.faults.length ? `faulted ${s.faults.map((l) => 'L' + l).join(' ')}` : 'no faults';
    const check = mp.rewardDiff > 1e-3
      ? ` <span class="bad">(re-evaluated reward differs from the chain's by ${num(mp.rewardDiff, 4)}: the data or weights are not the run's)</span>`
      : '';
    const newFaults = s.newFaults.length ? ` (new: ${s.newFaults.map((l) => 'L' + l).join(' ')})` : '';
    const moved = switchText(s) ? ` (${esc(switchText(s))})` : '';
    const tripped = mp.trippedMts.length ? `, MT ${mp.trippedMts.map((g) => 'G' + g).join(', ')} tripped` : '';
    return [
      `<figure id="map-${mp.step}"><figcaption><b>Step ${mp.step}</b> (${esc(why)}): ${esc(faults)}${newFaults}; A(${s.step}) in force${moved}.`,
      ` Reward ${num(s.reward, 2)}, losses ${num(s.lossKw, 1)} kW, unserved ${num(s.unservedKw, 1)} kW,`,
      ` lowest voltage ${num(s.vMinPu, 4)} pu${tripped}.${check}</figcaption><div class="map">${mp.svg}</div></figure>`,
    ].join('');
  }).join('\n');

  // ---- switching table
  const sw = steps.filter((s) => s.switchOps > 0 || s.closed.length + s.opened.length > 0);
  const swRows = sw.map((s) => [
    `<tr><td class="r">${s.next}</td><td class="r">${s.switchOps}</td>`,
    `<td>${s.closed.map((l) => 'L' + l).join(' ')}</td><td>${s.opened.map((l) => 'L' + l).join(' ')}</td>`,
    `<td>${s.faults.map((l) => 'L' + l).join(' ')}</td></tr>`,
  ].join('')).join('');

  // ---- per-step table
  const mtHead = (steps[0]?.mt ?? []).map((m) => `<th>G${m.gen} kW</th>`).join('');
  const termHead = termsUsed.map((k) => `<th>R_${k}</th>`).join('');
  const solverHead = solverSteps.length ? '<th>status</th><th>gap %</th><th>time s</th><th>nodes</th><th>LP iter.</th>' : '';
  const stepRows = steps.map((s) => {
    const sv = s.solver;
    const solverCells = solverSteps.length
      ? (sv
        ? [
          `<td class="${sv.status === 'optimal' ? '' : 'warn'}">${esc(sv.status)}${sv.fallback ? ' (fallback)' : ''}</td>`,
          `<td class="r">${sv.gap === null ? '–' : num(sv.gap * 100, 2)}</td><td class="r">${num(sv.totalMs / 1000, 2)}</td>`,
          `<td class="r">${sv.nodes}</td><td class="r">${sv.lpIterations}</td>`,
        ].join('')
        : '<td colspan="5">no record</td>')
      : '';
    return [
      `<tr${s.newFaults.length ? ' class="onset"' : ''}><td class="r">${s.step}→${s.next}</td><td class="r">${s.episode}</td>`,
      `<td class="r">${num(s.reward, 2)}</td>${termsUsed.map((k) => `<td class="r">${num(s.terms[k], 2)}</td>`).join('')}`,
      `<td class="r">${num(s.lossKw, 1)}</td><td class="r">${num(s.unservedKw, 1)}</td>`,
      `<td class="r">${s.vMinPu === null ? '–' : num(s.vMinPu, 4) + ` <small>B${s.vMinBus}</small>`}</td>`,
      `<td class="r">${s.switchOps}</td><td>${esc(switchText(s))}</td>${s.mt.map((m) => `<td class="r">${num(m.pKw, 0)}</td>`).join('')}`,
      `<td>${s.faults.map((l) => 'L' + l).join(' ')}</td>`,
      `<td>${s.valid ? '' : 'invalid '}${s.terminated ? 'terminated ' : ''}${s.pfStatus === 'converged' ? '' : esc(s.pfStatus)}</td>`,
      `${solverCells}</tr>`,
    ].join('');
  }).join('\n');
  const openTable = steps.length <= 48 ? ' open' : '';

  const warnings = rep.warnings.length
    ? [
      `<div class="warnbox"><b>Warnings</b><ul>${rep.warnings.slice(0, 20).map((w) => `<li>${esc(w)}</li>`).join('')}`,
      `${rep.warnings.length > 20 ? `<li>… ${rep.warnings.length - 20} more (report.json)</li>` : ''}</ul></div>`,
    ].join('')
    : '';
  const drawn = new Set(maps.map((mp) => mp.step));
  const onsetText = (o: { step: number; lines: number[] }): string => {
    const t = `step ${o.step}: ${o.lines.map((l) => 'L' + l).join(' ')}`;
    return drawn.has(o.step) ? `<a href="#map-${o.step}">${t}</a>` : t;
  };
  const ONSETS_LISTED = 30;
  const onsetList = rep.onsets.length
    ? rep.onsets.slice(0, ONSETS_LISTED).map(onsetText).join(' · ') +
      (rep.onsets.length > ONSETS_LISTED ? ` · … ${rep.onsets.length - ONSETS_LISTED} more (every step in the table below, and report.json)` : '')
    : 'none';
  const markerWord = rep.onsets.length > MARKER_LINES ? 'Red ticks on the top edge of each chart mark' : 'Dashed red lines mark';
  const srcPara = [
    `<p class="src">Chain <code>${esc(rep.source.chain)}</code> (${esc(rep.source.producer)})`,
    rep.source.manifest ? `, manifest <code>${esc(rep.source.manifest)}</code>` : ', no manifest',
    rep.source.data ? `, case <code>${esc(rep.source.data)}</code>` : '',
    `. Row k holds S(t), A(t), R(t+1), S(t+1); a row's figures are those of step t+1, where A(t) took effect (the x axis of every chart).`,
    ` Step length ${hUnit}. Report generated ${esc(opts.generatedAt)}.</p>`,
  ].join('');
  const termsTable = [
    '<table class="terms"><thead><tr><th>reward term (cost)</th><th class="r">total</th><th class="r">share</th></tr></thead>',
    `<tbody>${termRows}<tr><td><b>reward = −(sum of the terms)</b></td><td class="r"><b>${num(T.reward, 2)}</b></td><td></td></tr></tbody></table>`,
  ].join('');
  const noMaps = maps.length ? '' : '<p class="note">No map asked for (--at) and no fault onset.</p>';
  const notDrawn = opts.onsetsNotDrawn
    ? `<p class="note">${opts.onsetsNotDrawn} later fault onsets are not drawn (ask for them with --at).</p>`
    : '';
  const swSection = sw.length
    ? [
      `<details${sw.length <= 40 ? ' open' : ''}><summary>${sw.length} steps with switching, ${T.switchOps} operations</summary>`,
      '<table><thead><tr><th class="r">step</th><th class="r">ops</th><th>closed</th><th>opened</th><th>faulted</th></tr></thead>',
      `<tbody>${swRows}</tbody></table></details>`,
    ].join('')
    : '<p class="note">No switch moved.</p>';
  const stepsHead = [
    `<details${openTable}><summary>${steps.length} transitions (rows with a fault onset shaded)</summary>`,
    `<div class="steps"><table><thead><tr><th>t→t+1</th><th>ep.</th><th>reward</th>${termHead}<th>loss kW</th><th>unserved kW</th>`,
    `<th>V min pu</th><th>sw. ops</th><th>switches moved</th>${mtHead}<th>faults</th><th>flags</th>${solverHead}</tr></thead><tbody>`,
  ].join('');

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(rep.title)}</title>
<style>
${CSS}
</style></head>
<body><main>
<h1>${esc(rep.title)}</h1>
${srcPara}
<section><div class="cards">${cards.join('')}</div>
${termsTable}
${termsZero.length ? `<p class="note">Zero at every step: ${termsZero.map((k) => esc(TERM_LABELS[k] ?? k)).join(', ')} (not charted).</p>` : ''}
${warnings}</section>
<h2>Per step</h2>
<p class="note">${markerWord} the ${rep.onsets.length} fault onset${rep.onsets.length === 1 ? '' : 's'}: ${onsetList}.</p>
${noSolver}
<div class="charts">${charts.join('\n')}</div>
<h2>Feeder maps</h2>
${noMaps}${notDrawn}
${mapHtml}
<h2>Switch operations</h2>
${swSection}
<h2>Every step</h2>
${stepsHead}
${stepRows}
</tbody></table></div></details>
</main></body></html>
`;
}
