import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { testReport } from '../../test/helpers/report.js';
import { IntervalRecorder } from '../load/intervals.js';
import { createLoadStats, recordOutcome } from '../load/stats.js';
import { summarizeLoad } from '../load/summarize.js';
import type { CheckResult, Report } from '../types.js';
import { formatHtml } from './html.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { sparkline } from './sparkline.js';
import { formatText } from './text.js';

const r = (id: string, status: CheckResult['status'], endpoint?: string): CheckResult => ({
  id,
  category: id.split('.')[0] as CheckResult['category'],
  status,
  ...(endpoint ? { endpoint } : {}),
  message: `${endpoint ?? 'run'}: ${status}`,
});

/** A failing report: security.nosniff fails on two of three endpoints; latency with a 2-second stall. */
function failing(): Report {
  const s = createLoadStats('open', 100, 8, ['GET /a']);
  s.startedAt = 0;
  s.endedAt = 6000;
  const rec = new IntervalRecorder(1000, 0);
  for (let i = 0; i < 600; i++) {
    const due = i * 10;
    const us = due >= 3000 && due < 4000 ? 800_000 : 400 + (i % 7) * 50;
    recordOutcome(s, s.endpoints.get('GET /a')!, 200, undefined, us, 300, 0);
    rec.dispatched(due, 0);
    rec.settled(due, due + us / 1000, 'ok', us);
  }
  s.intervals = rec.finish(0, 6000);
  return testReport(
    [
      r('security.nosniff', 'fail', 'GET /a'),
      r('security.nosniff', 'pass', 'GET /b'),
      r('security.nosniff', 'fail', 'GET /c'),
      r('security.csp', 'warn', 'GET /a'),
      r('contract.request-id.present', 'pass', 'GET /a'),
      r('contract.request-id.present', 'pass', 'GET /b'),
      r('logs.redaction', 'skip'),
    ],
    { latency: summarizeLoad(s, undefined) },
  );
}

describe('every format groups results by check id', () => {
  const report = failing();

  it('text: one line per failing check naming its endpoints, the fix and docs link once, counts of checks apart from endpoint results', () => {
    const text = formatText(report, { color: false });
    expect(text).toMatch(/^ {2}✗ security\.nosniff +2 of 3 endpoints flagged: GET \/a, GET \/c$/m);
    expect(text.match(/docs: docs\/checks\.md#securitynosniff/g)).toHaveLength(1);
    expect(text.match(/fix: • Express: helmet\(\)/g)).toHaveLength(1);
    expect(text).toMatch(
      /^FAIL {2}1 passed, 1 failed, 1 warning, 1 skipped checks; 7 endpoint results: 3 passed, 2 failed, 1 warning, 1 skipped in /m,
    );
  });

  it('text: whole milliseconds for X-Latency-MS and a note that its resolution hides sub-millisecond latency', () => {
    const text = formatText(report, { color: false });
    expect(text).toMatch(/^ {2}server \(X-Latency-MS\) +0 ms +0 ms/m);
    expect(text).toContain('X-Latency-MS counts whole milliseconds');
  });

  it('text: sparklines of p99 and throughput over time, the stall visible in the p99 line', () => {
    const text = formatText(report, { color: false });
    const p99 = /^ {2}p99 +([▁-█]+) +peak 800 ms at \+3 s$/m.exec(text);
    expect(p99).not.toBeNull();
    expect(p99![1]).toBe('▁▁▁█▁▁');
    expect(text).toMatch(/^ {2}req\/s +[▁-█]{6} /m);
  });

  it('quiet: one line per flagged check with its endpoints and docs link', () => {
    const lines = formatText(report, { color: false, quiet: true }).trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^✗ security\.nosniff {2}GET \/a, GET \/c {2}\(docs\/checks\.md#securitynosniff\)$/,
      ),
      expect.stringMatching(/^! security\.csp {2}GET \/a /),
      expect.stringMatching(/^FAIL {2}1 passed, 1 failed/),
    ]);
  });

  it('markdown: each flagged check once with endpoints, fix and link; the worst intervals; one row per id', () => {
    const md = formatMarkdown(report);
    expect(md.match(/^#### ❌ `security\.nosniff` — GET \/a, GET \/c$/gm)).toHaveLength(1);
    expect(md.match(/\*\*Fix:\*\*/g)).toHaveLength(2);
    expect(md).toContain('[docs/checks.md § security.nosniff](docs/checks.md#securitynosniff)');
    expect(md).toMatch(/\*\*Worst intervals\*\* \(of 6, 1 s each, by p99\)/);
    expect(md).toMatch(/^\| 00:00:03 \(\+3 s\) \| 800 ms \| 800 ms \| 800 ms \|/m);
    expect(md.match(/^\| .* \| `security\.nosniff` \|/gm)).toHaveLength(1);
  });

  it('junit: failures carry the fix and the docs link', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(formatJunit(report));
    const suites = [doc.testsuites.testsuite].flat();
    const security = suites.find((s: Record<string, string>) => s['@_name'] === 'harden-check security');
    const failure = [security.testcase].flat().find((t: { failure?: unknown }) => t.failure).failure;
    expect(failure['#text']).toContain('Docs: docs/checks.md#securitynosniff');
  });

  it('html: failures first, each once with its fix; passing checks one row per id', () => {
    const html = formatHtml(report);
    expect(html.match(/<article class="finding fail" id="check-security\.nosniff">/g)).toHaveLength(1);
    expect(html.indexOf('id="failures"')).toBeLessThan(html.indexOf('id="passing"'));
    expect(html.match(/<code>contract\.request-id\.present<\/code>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|url\(|@import|@font-face/);
  });
});

describe('a sharded, interrupted run', () => {
  // Shard 2 of 3, interrupted during its load phase: how it ran sits beside the grouped results.
  const report: Report = {
    ...failing(),
    execution: {
      shard: { index: 2, total: 3, source: 'flag', probes: false },
      interrupted: { signal: 'SIGINT', phase: 'load', atMs: 6000, sent: 600, planned: 1000 },
    },
  };
  const lines = [
    /shard 2\/3 \(--shard\); probe checks run on shard 1 only/,
    /interrupted \(SIGINT\) after 6 s of load/,
  ];

  it('every human format says how the run was executed, beside the grouped results and the sparklines', () => {
    const text = formatText(report, { color: false });
    const md = formatMarkdown(report);
    const html = formatHtml(report);
    for (const out of [text, md, html]) for (const line of lines) expect(out).toMatch(line);
    expect(text).toMatch(/^ {2}✗ security\.nosniff +2 of 3 endpoints flagged/m);
    expect(text).toMatch(/^ {2}p99 +[▁-█]{6} /m);
    expect(md).toMatch(/^### Run$/m);
    expect(md.match(/^#### ❌ `security\.nosniff`/gm)).toHaveLength(1);
    expect(html).toMatch(/<p class="note run">shard 2\/3/);
    expect(html.match(/<article class="finding fail" id="check-security\.nosniff">/g)).toHaveLength(1);
  });
});

describe('sparkline', () => {
  it('scales from zero to the largest value and folds long series keeping spikes', () => {
    expect(sparkline([0, 1, 2, 4])).toBe('▁▃▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
    const long = Array.from({ length: 120 }, (_, i) => (i === 77 ? 100 : 1));
    const folded = sparkline(long, 60, 'max');
    expect(folded).toHaveLength(60);
    expect(folded.indexOf('█')).toBe(38);
  });
});
