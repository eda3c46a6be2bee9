import { Chalk } from 'chalk';
import type { CheckResult, Report, Status } from '../types.js';
import type { FormatOptions } from './formats.js';
import { logBuckets } from './distribution.js';
import { executionLines } from './execution-lines.js';
import { byCategory, CATEGORY_TITLES } from './group.js';
import { LAG_MAX_LIMIT_MS, LAG_P99_LIMIT_MS } from '../load/summarize.js';
import { fmtMs, percentileRows } from './latency-table.js';
import { runNotes } from './run-notes.js';

const SYMBOL = { pass: '✓', fail: '✗', warn: '!', skip: '-' } as const;

/** Target-supplied text must not drive the terminal: control characters are shown, not sent. */
const printable = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
const RANK = { fail: 3, warn: 2, pass: 1, skip: 0 } as const;

function byId(results: readonly CheckResult[]): Map<string, CheckResult[]> {
  const map = new Map<string, CheckResult[]>();
  for (const r of results) map.set(r.id, [...(map.get(r.id) ?? []), r]);
  return map;
}

/** The status a check shows on its one line: the worst of its results (a lone skip stays skip). */
function worstStatus(results: readonly CheckResult[]): Status {
  return results.reduce<Status>((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'skip');
}

/**
 * The default terminal report: grouped by category, one line per check (its worst result; flagged
 * endpoints listed under it), then latency, then the verdict.
 */
export function formatText(report: Report, options: FormatOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = { pass: c.green, fail: c.red, warn: c.yellow, skip: c.gray } as const;
  const out: string[] = [
    c.bold(`harden-check ${report.version} → ${report.target}`) + c.gray(`  (rules ${report.rulesVersion})`),
    '',
  ];
  for (const note of runNotes(report))
    out.push(report.verdict === 'error' ? c.red(printable(note)) : c.gray(printable(note)));
  if (runNotes(report).length) out.push('');
  if (options.quiet) return formatQuiet(report, c, paint);
  const idWidth = Math.max(0, ...report.checks.map((r) => r.id.length));
  for (const [category, results] of byCategory(report.checks)) {
    out.push(c.bold(CATEGORY_TITLES[category]));
    for (const [id, rs] of byId(results)) {
      const worst = worstStatus(rs);
      const flagged = rs.filter((r) => r.status === 'fail' || r.status === 'warn');
      let summary: string;
      if (rs.length === 1) summary = rs[0]!.message;
      else if (flagged.length === 0 && rs.every((r) => r.status === worst))
        summary = `${rs.length} ${rs[0]!.endpoint ? 'endpoints' : 'results'}: all ${worst}`;
      else summary = `${flagged.length} of ${rs.length} ${rs[0]!.endpoint ? 'endpoints' : 'results'} flagged`;
      out.push(
        `  ${paint[worst](SYMBOL[worst])} ${c.bold(id.padEnd(idWidth))}  ${worst === 'skip' ? c.gray(printable(summary)) : printable(summary)}`,
      );
      if (rs.length > 1)
        for (const r of flagged)
          out.push(`      ${paint[r.status](SYMBOL[r.status])} ${printable(r.message)}`);
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
    const buckets = logBuckets(l.histogram);
    const peak = Math.max(1, ...buckets.map((b) => b.count));
    if (buckets.length > 0) {
      out.push('', c.dim('  distribution (client, corrected)'));
      for (const b of buckets) {
        const bar = '█'.repeat(Math.round((b.count / peak) * 30));
        out.push(`  ${`${fmtMs(b.fromMs)} – ${fmtMs(b.toMs)}`.padStart(24)} ${c.cyan(bar)} ${b.count}`);
      }
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
  const s = report.summary;
  const verdict = verdictWord(report, c);
  out.push(
    `${verdict}  ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${out.join('\n')}\n`;
}

function verdictWord(report: Report, c: InstanceType<typeof Chalk>): string {
  if (report.verdict === 'error') return c.red.bold('ERROR');
  return report.verdict === 'pass' ? c.green.bold('PASS') : c.red.bold('FAIL');
}

/** `--quiet`: one line per flagged result, then the verdict; nothing when all is well but the verdict. */
function formatQuiet(
  report: Report,
  c: InstanceType<typeof Chalk>,
  paint: Record<Status, (s: string) => string>,
): string {
  const lines = report.checks
    .filter((r) => r.status === 'fail' || r.status === 'warn')
    .map((r) => `${paint[r.status](SYMBOL[r.status])} ${r.id}  ${printable(r.message)}`);
  const s = report.summary;
  if (report.verdict === 'error') lines.unshift(...runNotes(report).map(printable));
  const verdict = verdictWord(report, c);
  lines.push(
    `${verdict}  ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped — ${report.target}`,
  );
  return `${lines.join('\n')}\n`;
}
