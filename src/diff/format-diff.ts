import { fmtMs } from '../report/latency-table.js';
import type { CheckChange, LatencyComparison, ReportDiff } from './diff-reports.js';

const printable = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
const cell = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');

const pct = (l: LatencyComparison) =>
  l.changePct === null ? 'n/a' : `${l.changePct > 0 ? '+' : ''}${l.changePct.toFixed(1)}%`;
const ci = (l: LatencyComparison) =>
  l.intervalMs ? `[${signed(l.intervalMs.low)}, ${signed(l.intervalMs.high)}] ms` : '—';
const signed = (ms: number) => `${ms > 0 ? '+' : ''}${Math.abs(ms) < 10 ? ms.toFixed(2) : Math.round(ms)}`;

export const DIFF_HEADLINE: Record<ReportDiff['verdict'], string> = {
  ok: 'no regression',
  regression: 'REGRESSION',
  incomparable: 'INCOMPARABLE',
};

/** Latency rows worth showing: every regression/improvement, and the whole-run rows. */
function shownLatency(d: ReportDiff): LatencyComparison[] {
  return d.latency.filter(
    (l) => l.scope === 'all' || l.verdict === 'regression' || l.verdict === 'improvement',
  );
}

function changeLines(title: string, changes: CheckChange[], symbol: string): string[] {
  if (changes.length === 0) return [];
  return [
    `${title} (${changes.length})`,
    ...changes.map(
      (c) => `  ${symbol} ${c.id}${c.endpoints.length ? `  ${c.endpoints.map(printable).join(', ')}` : ''}`,
    ),
    '',
  ];
}

/** The comparison for a terminal or a CI log. */
export function formatDiffText(d: ReportDiff): string {
  const out = [
    `harden-check diff: ${DIFF_HEADLINE[d.verdict]}`,
    `  old ${printable(d.old.target)} at ${d.old.startedAt}`,
    `  new ${printable(d.new.target)} at ${d.new.startedAt}`,
    '',
  ];
  if (d.verdict === 'incomparable') {
    out.push('The runs cannot be compared:', ...d.incomparable.map((r) => `  - ${printable(r)}`), '');
    return `${out.join('\n')}\n`;
  }
  out.push(
    ...changeLines('Newly failing', d.checks.newlyFailing, '✗'),
    ...changeLines('Newly warning', d.checks.newlyWarning, '!'),
    ...changeLines('Fixed', d.checks.fixed, '✓'),
  );
  const rows = shownLatency(d);
  if (rows.length > 0) {
    out.push('Latency (client, corrected)');
    const table = [
      ['scope', 'pct', 'old', 'new', 'change', '95% interval of new − old', 'verdict'],
      ...rows.map((l) => [
        printable(l.scope),
        l.percentile,
        fmtMs(l.oldMs),
        fmtMs(l.newMs),
        pct(l),
        ci(l),
        l.verdict === 'regression' ? `REGRESSION (> ${l.threshold})` : l.verdict,
      ]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table) out.push(`  ${r.map((x, i) => x.padEnd(widths[i]!)).join('  ')}`.trimEnd());
    const hidden = d.latency.length - rows.length;
    if (hidden > 0) out.push(`  (${hidden} per-endpoint comparisons without a finding not shown)`);
    out.push('');
  } else out.push('Latency: not compared (a run without a load phase)', '');
  out.push(
    `Method: ${d.method.name}; ${d.method.resamples} resamples, ${d.method.confidence * 100}% interval, seed ${d.method.seed}.`,
  );
  return `${out.join('\n')}\n`;
}

function changeMarkdown(title: string, changes: CheckChange[], icon: string): string[] {
  if (changes.length === 0) return [];
  return [
    `**${title}**`,
    '',
    ...changes.map(
      (c) => `- ${icon} \`${c.id}\`${c.endpoints.length ? ` — ${c.endpoints.map(cell).join(', ')}` : ''}`,
    ),
    '',
  ];
}

/** The comparison for a pull-request comment. */
export function formatDiffMarkdown(d: ReportDiff): string {
  const icon = { ok: '✅', regression: '❌', incomparable: '⚠️' }[d.verdict];
  const out = [`### Compared with the baseline: ${icon} ${DIFF_HEADLINE[d.verdict].toLowerCase()}`, ''];
  if (d.verdict === 'incomparable') {
    out.push(...d.incomparable.map((r) => `- ${cell(r)}`), '');
    return `${out.join('\n')}\n`;
  }
  out.push(
    ...changeMarkdown('Newly failing', d.checks.newlyFailing, '❌'),
    ...changeMarkdown('Newly warning', d.checks.newlyWarning, '⚠️'),
    ...changeMarkdown('Fixed', d.checks.fixed, '✅'),
  );
  const rows = shownLatency(d);
  if (rows.length > 0) {
    out.push(
      '| scope | pct | old | new | change | 95% interval of new − old | verdict |',
      '|---|---|---|---|---|---|---|',
    );
    for (const l of rows)
      out.push(
        `| ${cell(l.scope)} | ${l.percentile} | ${fmtMs(l.oldMs)} | ${fmtMs(l.newMs)} | ${pct(l)} | ${ci(l)} | ${l.verdict === 'regression' ? `**regression** (> ${l.threshold})` : l.verdict} |`,
      );
    out.push('');
  }
  out.push(`<sub>${d.method.name}; ${d.method.resamples} resamples, seed ${d.method.seed}.</sub>`, '');
  return `${out.join('\n')}\n`;
}

/** The comparison as JSON (schema/diff.schema.json). */
export function formatDiffJson(d: ReportDiff): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
