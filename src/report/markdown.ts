import { formatDiffMarkdown } from '../diff/format-diff.js';
import type { Report } from '../types.js';
import { checkDocsLink, checkFix } from './check-docs.js';
import { byCategory, CATEGORY_TITLES } from './group.js';
import { executionLines } from './execution-lines.js';
import { describeCounts, flaggedEndpoints, groupById, summarizeGroup } from './group-by-id.js';
import { clockTime, intervalPoints, intervalSeries, worstIntervals } from './intervals-view.js';
import { fmtMs, percentileRows, serverResolutionNote } from './latency-table.js';
import { runNotes } from './run-notes.js';

const ICON = { pass: '✅', fail: '❌', warn: '⚠️', skip: '➖' } as const;
/** Findings listed per flagged check; a pull-request comment has to stay readable. */
const MAX_FINDINGS = 10;

/** A table cell: pipes escaped, and HTML neutralised so a hostile target cannot inject markup into a PR comment. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * Markdown for a pull-request comment (and the GitHub job summary): verdict and counts; each
 * flagged check once, with the endpoints it was flagged on, its findings, its fix and a link to
 * its docs; latency with the worst intervals; then every check, one row per id.
 */
export function formatMarkdown(report: Report): string {
  const lines = [
    `## harden-check: ${report.verdict === 'pass' ? '✅ pass' : report.verdict === 'error' ? '⛔ error' : '❌ fail'} — \`${report.target}\``,
    '',
    `${describeCounts(report.checks)} — rules ${report.rulesVersion}, harden-check ${report.version}`,
    '',
    ...runNotes(report).flatMap((n) => [cell(n), '']),
  ];
  const groups = groupById(report.checks);
  const flagged = [
    ...groups.filter((g) => g.status === 'fail'),
    ...groups.filter((g) => g.status === 'warn'),
  ];
  if (flagged.length > 0) {
    lines.push('### Needs attention', '');
    for (const g of flagged) {
      const where = flaggedEndpoints(g);
      lines.push(
        `#### ${ICON[g.status]} \`${g.id}\`${where.length ? ` — ${where.map(cell).join(', ')}` : ''}`,
        '',
        ...g.flagged.slice(0, MAX_FINDINGS).map((r) => `- ${cell(r.message)}`),
        ...(g.flagged.length > MAX_FINDINGS ? [`- … and ${g.flagged.length - MAX_FINDINGS} more`] : []),
        '',
      );
      const fix = checkFix(g.id);
      if (fix) lines.push('**Fix:**', '', fix, '');
      lines.push(`[docs/checks.md § ${g.id}](${checkDocsLink(g.id)})`, '');
    }
  }
  const l = report.latency;
  if (l) {
    lines.push(
      '### Latency',
      '',
      '| | p50 | p90 | p95 | p99 | p99.9 | max |',
      '|---|---|---|---|---|---|---|',
    );
    for (const row of percentileRows(l)) lines.push(`| ${row.label} | ${row.values.join(' | ')} |`);
    lines.push(
      '',
      `${l.requests} requests, ${l.throughputRps} req/s, ${l.errors} errors, ${l.rateLimited} rate-limited (429)`,
      '',
    );
    const resolution = serverResolutionNote(l);
    if (resolution) lines.push(`<sub>${resolution}</sub>`, '');
    const series = intervalSeries(l);
    if (series) {
      const worst = worstIntervals(intervalPoints(series), 5);
      lines.push(
        `**Worst intervals** (of ${series.entries.length}, ${series.intervalMs / 1000} s each, by p99)`,
        '',
        '| start (UTC) | p50 | p99 | max | req/s | errors | 429 |',
        '|---|---|---|---|---|---|---|',
        ...worst.map(
          (p) =>
            `| ${clockTime(p.startMs)} (+${p.offsetSec} s) | ${fmtMs(p.p50)} | ${fmtMs(p.p99)} | ${fmtMs(p.max)} | ${Math.round(p.rps)} | ${p.errors} | ${p.rateLimited} |`,
        ),
        '',
      );
    }
  }
  const run = executionLines(report);
  if (run.length > 0) lines.push('### Run', '', ...run.map((line) => `- ${cell(line)}`), '');
  if (report.baseline) lines.push(formatDiffMarkdown(report.baseline));
  lines.push('<details><summary>All checks</summary>', '');
  for (const [category, results] of byCategory(report.checks)) {
    lines.push(
      `#### ${CATEGORY_TITLES[category]}`,
      '',
      '| | check | endpoints | result |',
      '|---|---|---|---|',
    );
    for (const g of groupById(results)) {
      const eps = g.results.map((r) => r.endpoint).filter((e): e is string => Boolean(e));
      // The endpoints column names them; the result says what share was flagged, counted as elsewhere.
      const result = summarizeGroup(g, report.endpoints, { where: false });
      lines.push(`| ${ICON[g.status]} | \`${g.id}\` | ${cell(eps.join(', '))} | ${cell(result)} |`);
    }
    lines.push('');
  }
  lines.push('</details>', '');
  return lines.join('\n');
}
