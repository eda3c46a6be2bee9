import { Chalk } from 'chalk';
import { formatDiffText } from '../diff/format-diff.js';
import type { Report, Status } from '../types.js';
import type { FormatOptions } from './formats.js';
import { logBuckets } from './distribution.js';
import { checkDocsLink, checkFix } from './check-docs.js';
import { executionLines } from './execution-lines.js';
import { byCategory, CATEGORY_TITLES } from './group.js';
import { describeCounts, flaggedEndpoints, groupById, summarizeGroup } from './group-by-id.js';
import { clockTime, intervalPoints, intervalSeries } from './intervals-view.js';
import { sparkline } from './sparkline.js';
import { LAG_MAX_LIMIT_MS, LAG_P99_LIMIT_MS } from '../load/summarize.js';
import { fmtMs, percentileRows, serverResolutionNote } from './latency-table.js';
import { runNotes } from './run-notes.js';

const SYMBOL = { pass: '✓', fail: '✗', warn: '!', skip: '-' } as const;

/** Target-supplied text must not drive the terminal: control characters are shown, not sent. */
const printable = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');

/** The fix of a flagged check, once, as indented lines without markdown code ticks. */
function fixLines(id: string, c: InstanceType<typeof Chalk>): string[] {
  const fix = checkFix(id);
  const lines = (fix ?? '').split('\n').filter((l) => l.trim() !== '');
  return [
    ...lines.map(
      (l, i) => `      ${c.dim(i === 0 ? 'fix:' : '    ')} ${l.replace(/`/g, '').replace(/^- /, '• ')}`,
    ),
    `      ${c.dim('docs:')} ${checkDocsLink(id)}`,
  ];
}

/**
 * The default terminal report: grouped by category, one line per check id (its worst result;
 * flagged endpoints named on it and their findings under it, then the fix once and the docs
 * link), then latency with its course over time, then the verdict.
 */
export function formatText(report: Report, options: FormatOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = { pass: c.green, fail: c.red, warn: c.yellow, skip: c.gray } as const;
  const out: string[] = [
    c.bold(`harden-check ${report.version} → ${report.target}`) + c.gray(`  (rules ${report.rulesVersion})`),
    '',
  ];
  // The verdict's reason is said beside the verdict, at the end.
  const notes = runNotes(report, { verdictReason: false });
  for (const note of notes)
    out.push(report.verdict === 'error' ? c.red(printable(note)) : c.gray(printable(note)));
  if (notes.length) out.push('');
  if (options.quiet) return formatQuiet(report, c, paint);
  const idWidth = Math.max(0, ...report.checks.map((r) => r.id.length));
  for (const [category, results] of byCategory(report.checks)) {
    out.push(c.bold(CATEGORY_TITLES[category]));
    for (const g of groupById(results)) {
      const rs = g.results;
      const worst = g.status;
      const summary = summarizeGroup(g, report.endpoints);
      out.push(
        `  ${paint[worst](SYMBOL[worst])} ${c.bold(g.id.padEnd(idWidth))}  ${worst === 'skip' ? c.gray(printable(summary)) : printable(summary)}`,
      );
      if (rs.length > 1)
        for (const r of g.flagged)
          out.push(`      ${paint[r.status](SYMBOL[r.status])} ${printable(r.message)}`);
      if (worst === 'fail' || worst === 'warn') out.push(...fixLines(g.id, c));
    }
    out.push('');
  }
  const l = report.latency;
  if (l) {
    out.push(c.bold('Latency'));
    const requested = typeof l.requestedRps === 'number' ? ` of ${l.requestedRps} requested` : '';
    out.push(
      `  ${l.requests} requests in ${l.durationSec ?? '?'} s, ${l.throughputRps} req/s${requested} (${l.model ?? 'open'} model), ${l.errors} errors, ${l.rateLimited} rate-limited (429)`,
    );
    const codes = Object.entries((l.statusCodes ?? {}) as Record<string, number>)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([code, n]) => `${code}×${n}`);
    const transport = Object.entries((l.transportErrors ?? {}) as Record<string, number>).map(
      ([kind, n]) => `${kind}×${n}`,
    );
    if (codes.length || transport.length) {
      out.push(
        `  status codes: ${codes.join(', ') || 'none'}${transport.length ? `; transport errors: ${transport.join(', ')}` : ''}`,
      );
    }
    const header = ['', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'];
    const rows = percentileRows(l).map((r) => [r.label, ...r.values]);
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      `  ${cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ')}`;
    out.push(c.dim(line(header)));
    for (const r of rows) out.push(line(r));
    const resolution = serverResolutionNote(l);
    if (resolution) out.push(c.dim(`  ${resolution}`));
    const buckets = logBuckets(l.histogram);
    const peak = Math.max(1, ...buckets.map((b) => b.count));
    if (buckets.length > 0) {
      out.push('', c.dim('  distribution (client, corrected)'));
      for (const b of buckets) {
        const bar = '█'.repeat(Math.round((b.count / peak) * 30));
        out.push(`  ${`${fmtMs(b.fromMs)} – ${fmtMs(b.toMs)}`.padStart(24)} ${c.cyan(bar)} ${b.count}`);
      }
    }
    const series = intervalSeries(l);
    if (series) {
      const points = intervalPoints(series);
      const p99 = points.map((p) => p.p99);
      const rps = points.map((p) => p.rps);
      const worst = points.reduce((a, b) => (b.p99 > a.p99 ? b : a));
      out.push(
        '',
        c.dim(
          `  over time (${points.length} intervals of ${series.intervalMs / 1000} s, from ${clockTime(points[0]!.startMs)} UTC)`,
        ),
        `  ${'p99'.padEnd(10)} ${c.cyan(sparkline(p99, 60, 'max'))}  peak ${fmtMs(worst.p99)} at +${worst.offsetSec} s`,
        `  ${'req/s'.padEnd(10)} ${c.cyan(sparkline(rps, 60, 'mean'))}  ${Math.round(Math.min(...rps))}–${Math.round(Math.max(...rps))} req/s`,
      );
    }
    const lag = l.clientLagMs as { p99: number; max: number } | undefined;
    if (lag && l.model !== 'closed') {
      out.push(
        '',
        `  client schedule lag: p99 ${fmtMs(lag.p99)}, max ${fmtMs(lag.max)}${lag.p99 > LAG_P99_LIMIT_MS || lag.max > LAG_MAX_LIMIT_MS ? c.yellow(' — the client fell behind; latency verdicts are inconclusive') : ''}`,
      );
    }
    if (typeof l.politeNote === 'string') out.push('', `  ${c.yellow('note:')} ${l.politeNote}`);
    out.push('');
  }
  const run = executionLines(report);
  if (run.length > 0) out.push(c.bold('Run'), ...run.map((line) => `  ${printable(line)}`), '');
  if (report.baseline) out.push(...formatDiffText(report.baseline).trimEnd().split('\n').map(printable), '');
  const verdict = verdictWord(report, c);
  if (report.verdictReason) out.push(c.red(printable(report.verdictReason)));
  out.push(`${verdict}  ${describeCounts(report.checks)} in ${(report.durationMs / 1000).toFixed(1)} s`);
  return `${out.join('\n')}\n`;
}

function verdictWord(report: Report, c: InstanceType<typeof Chalk>): string {
  if (report.verdict === 'error') return c.red.bold('ERROR');
  return report.verdict === 'pass' ? c.green.bold('PASS') : c.red.bold('FAIL');
}

/** `--quiet`: one line per flagged check id with its endpoints, then the verdict (after the reason of an error). */
function formatQuiet(
  report: Report,
  c: InstanceType<typeof Chalk>,
  paint: Record<Status, (s: string) => string>,
): string {
  const lines = groupById(report.checks)
    .filter((g) => g.status === 'fail' || g.status === 'warn')
    .map((g) => {
      const where = flaggedEndpoints(g);
      const what = where.length > 0 ? where.join(', ') : g.flagged[0]!.message;
      return `${paint[g.status](SYMBOL[g.status])} ${g.id}  ${printable(what)}  (${checkDocsLink(g.id)})`;
    });
  if (report.verdict === 'error') lines.unshift(...runNotes(report).map(printable));
  if (report.verdictReason) lines.push(printable(report.verdictReason));
  const verdict = verdictWord(report, c);
  lines.push(`${verdict}  ${describeCounts(report.checks)} — ${printable(report.target)}`);
  return `${lines.join('\n')}\n`;
}
