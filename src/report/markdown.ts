import type { Report } from '../types.js';
import { byCategory, CATEGORY_TITLES } from './group.js';
import { executionLines } from './execution-lines.js';
import { percentileRows } from './latency-table.js';
import { runNotes } from './run-notes.js';

const ICON = { pass: '✅', fail: '❌', warn: '⚠️', skip: '➖' } as const;

/** A table cell: pipes escaped, and HTML neutralised so a hostile target cannot inject markup into a PR comment. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** Markdown for a pull-request comment: verdict, summary, failures first, then every check. */
export function formatMarkdown(report: Report): string {
  const s = report.summary;
  const lines = [
    `## harden-check: ${report.verdict === 'pass' ? '✅ pass' : report.verdict === 'error' ? '⛔ error' : '❌ fail'} — \`${report.target}\``,
    '',
    `${s.pass} passed · ${s.fail} failed · ${s.warn} warnings · ${s.skip} skipped — rules ${report.rulesVersion}, harden-check ${report.version}`,
    '',
    ...runNotes(report).flatMap((n) => [cell(n), '']),
  ];
  const problems = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  if (problems.length > 0) {
    lines.push('### Needs attention', '', '| | check | endpoint | finding |', '|---|---|---|---|');
    for (const c of problems)
      lines.push(`| ${ICON[c.status]} | \`${c.id}\` | ${cell(c.endpoint ?? '')} | ${cell(c.message)} |`);
    lines.push('');
  }
  if (report.latency) {
    lines.push(
      '### Latency',
      '',
      '| | p50 | p90 | p95 | p99 | p99.9 | max |',
      '|---|---|---|---|---|---|---|',
    );
    for (const row of percentileRows(report.latency))
      lines.push(`| ${row.label} | ${row.values.join(' | ')} |`);
    lines.push(
      '',
      `${report.latency.requests} requests, ${report.latency.throughputRps} req/s, ${report.latency.errors} errors, ${report.latency.rateLimited} rate-limited (429)`,
      '',
    );
  }
  const run = executionLines(report);
  if (run.length > 0) lines.push('### Run', '', ...run.map((l) => `- ${cell(l)}`), '');
  lines.push('<details><summary>All checks</summary>', '');
  for (const [category, results] of byCategory(report.checks)) {
    lines.push(
      `#### ${CATEGORY_TITLES[category]}`,
      '',
      '| | check | endpoint | message |',
      '|---|---|---|---|',
    );
    for (const c of results)
      lines.push(`| ${ICON[c.status]} | \`${c.id}\` | ${cell(c.endpoint ?? '')} | ${cell(c.message)} |`);
    lines.push('');
  }
  lines.push('</details>', '');
  return lines.join('\n');
}
