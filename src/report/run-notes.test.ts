import { describe, expect, it } from 'vitest';
import { testReport } from '../../test/helpers/report.js';
import type { CheckResult, Report } from '../types.js';
import { formatHtml } from './html.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

const fail = (endpoint: string): CheckResult => ({
  id: 'security.nosniff',
  category: 'security',
  status: 'fail',
  endpoint,
  message: `${endpoint}: no nosniff`,
});

/** Two endpoints from an OpenAPI document, one not serving, one operation left out; a grouped failure. */
const probed: Report = testReport([fail('GET /items'), fail('GET /items/42')], {
  endpoints: {
    source: 'the OpenAPI document at http://127.0.0.1:9/openapi.json',
    probed: ['GET /items', 'GET /items/42', 'GET /admin'],
    notServing: ['GET /admin'],
    leftOut: [{ operation: 'POST /items', reason: 'not a GET' }],
  },
});

const errored: Report = testReport([], {
  verdict: 'error',
  error: { code: 'TARGET_UNREACHABLE', message: 'http://127.0.0.1:9 is unreachable (ECONNREFUSED)' },
});

describe('the run notes next to grouped results', () => {
  it('text: where the endpoints came from, then the check once with both endpoints', () => {
    const text = formatText(probed, { color: false });
    expect(text).toContain('endpoints: GET /items, GET /items/42, GET /admin — from the OpenAPI document at');
    expect(text).toContain('not serving (left out of the load phase): GET /admin');
    expect(text).toContain('OpenAPI operations left out: 1: POST /items (not a GET)');
    expect(text).toMatch(
      /^ {2}✗ security\.nosniff +2 of 2 endpoints flagged: GET \/items, GET \/items\/42$/m,
    );
    expect(text.indexOf('endpoints: ')).toBeLessThan(text.indexOf('security.nosniff'));
  });

  it('markdown and html: the endpoints note and each flagged check once', () => {
    const md = formatMarkdown(probed);
    expect(md).toContain('endpoints: GET /items, GET /items/42, GET /admin — from the OpenAPI document');
    expect(md.match(/^#### ❌ `security\.nosniff` — GET \/items, GET \/items\/42$/gm)).toHaveLength(1);
    const html = formatHtml(probed);
    expect(html).toMatch(/<p class="note">endpoints: GET \/items, GET \/items\/42, GET \/admin — from /);
    expect(html.match(/<article class="finding fail" id="check-security\.nosniff">/g)).toHaveLength(1);
  });

  it('an error verdict with its reason in text, quiet text, markdown and html', () => {
    const text = formatText(errored, { color: false });
    expect(text).toMatch(
      /^error: http:\/\/127\.0\.0\.1:9 is unreachable \(ECONNREFUSED\) \(TARGET_UNREACHABLE\)$/m,
    );
    expect(text).toMatch(/^ERROR {2}0 passed, 0 failed/m);
    const quiet = formatText(errored, { color: false, quiet: true }).trim().split('\n');
    expect(quiet).toEqual([
      expect.stringMatching(/^error: .*unreachable \(ECONNREFUSED\) \(TARGET_UNREACHABLE\)$/),
      expect.stringMatching(/^ERROR {2}0 passed, 0 failed.* — http:\/\/127\.0\.0\.1:9$/),
    ]);
    const md = formatMarkdown(errored);
    expect(md).toMatch(/^## harden-check: ⛔ error — `http:\/\/127\.0\.0\.1:9`/);
    expect(md).toContain('error: http://127.0.0.1:9 is unreachable (ECONNREFUSED) (TARGET_UNREACHABLE)');
    const html = formatHtml(errored);
    expect(html).toMatch(/id="verdict">ERROR</);
    expect(html).toMatch(/<p class="note error">error: http:\/\/127\.0\.0\.1:9 is unreachable/);
  });
});
