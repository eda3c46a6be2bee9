import { Chalk } from 'chalk';
import type { Report } from '../types.js';
import type { FormatOptions } from './format.js';
import { logBuckets } from './distribution.js';
import { byCategory, CATEGORY_TITLES } from './group.js';
import { fmtMs, percentileRows } from './latency-table.js';

const SYMBOL = { pass: '✓', fail: '✗', warn: '!', skip: '-' } as const;

/** The default terminal report: grouped by category, one line per check, then latency, then the verdict. */
export function formatText(report: Report, options: FormatOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = { pass: c.green, fail: c.red, warn: c.yellow, skip: c.gray } as const;
  const out: string[] = [
    c.bold(`harden-check ${report.version} → ${report.target}`) + c.gray(`  (rules ${report.rulesVersion})`),
    '',
  ];
  for (const [category, results] of byCategory(report.checks)) {
    out.push(c.bold(CATEGORY_TITLES[category]));
    for (const r of results) {
      out.push(
        `  ${paint[r.status](SYMBOL[r.status])} ${c.dim(r.id)}  ${r.status === 'skip' ? c.gray(r.message) : r.message}`,
      );
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
    const header = ['', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'];
    const rows = percentileRows(l).map((r) => [r.label, ...r.values]);
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      `  ${cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ')}`;
    out.push(c.dim(line(header)));
    for (const r of rows) out.push(line(r));
    const buckets = logBuckets(l.histogram);
    const peak = Math.max(1, ...buckets.map((b) => b.count));
    if (buckets.length > 0) {
      out.push('', c.dim('  distribution (client, corrected)'));
      for (const b of buckets) {
        const bar = '█'.repeat(Math.round((b.count / peak) * 30));
        out.push(`  ${`${fmtMs(b.fromMs)} – ${fmtMs(b.toMs)}`.padStart(24)} ${c.cyan(bar)} ${b.count}`);
      }
    }
    if (typeof l.politeNote === 'string') out.push('', `  ${c.yellow('note:')} ${l.politeNote}`);
    out.push('');
  }
  const s = report.summary;
  const verdict = report.verdict === 'pass' ? c.green.bold('PASS') : c.red.bold('FAIL');
  out.push(
    `${verdict}  ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${out.join('\n')}\n`;
}
