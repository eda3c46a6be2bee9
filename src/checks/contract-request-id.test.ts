import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Exchange, ProbePurpose } from '../types.js';
import type { CheckContext } from './define.js';
import { latencyFormat, latencyPlausible } from './contract-latency.js';
import { requestIdEcho, requestIdFormat, requestIdInjection } from './contract-request-id.js';

/** One exchange of `purpose` whose request sent `sentId` and whose response carried `fields`. */
function exchange(purpose: ProbePurpose, fields: Record<string, string>, sentId?: string): Exchange {
  return {
    seq: 1,
    purpose,
    endpoint: 'GET /v1/info',
    request: {
      method: 'GET',
      url: 'http://127.0.0.1/v1/info',
      headers: sentId === undefined ? {} : { 'x-request-id': sentId },
    },
    response: { status: 200, headers: fields, body: '{}', bodyBytes: 2, bodyTruncated: false },
    timing: { startedAt: 0, headersMs: 5, totalMs: 5 },
  };
}
const ctx = (exchanges: Exchange[]) => ({ exchanges }) as unknown as CheckContext;
const HOSTILE = ['<script>', 'x'.repeat(300), 'not-a-uuid'];

describe('contract.request-id.injection judges only responses that carry an X-Request-ID', () => {
  it('skips when no response to a hostile id carried one', () => {
    const es = HOSTILE.map((id) => exchange('hostile-id', {}, id));
    expect(requestIdInjection.evaluate(ctx(es))).toMatchObject([{ status: 'skip', messageId: 'noHeader' }]);
  });

  it('judges the ones that carry one and counts those that did not', () => {
    const es = HOSTILE.map((id, i) =>
      exchange('hostile-id', i === 0 ? { 'x-request-id': randomUUID() } : {}, id),
    );
    expect(requestIdInjection.evaluate(ctx(es))).toMatchObject([
      { status: 'pass', messageId: 'okPartial', data: { count: 1, none: 2, total: 3 } },
    ]);
  });

  it('passes when every one was replaced by a fresh UUID, fails when one is reflected', () => {
    const fresh = HOSTILE.map((id) => exchange('hostile-id', { 'x-request-id': randomUUID() }, id));
    expect(requestIdInjection.evaluate(ctx(fresh))).toMatchObject([{ status: 'pass', messageId: 'ok' }]);
    const reflected = [...fresh, exchange('hostile-id', { 'x-request-id': 'not-a-uuid' }, 'not-a-uuid')];
    expect(requestIdInjection.evaluate(ctx(reflected))).toMatchObject([
      { status: 'fail', messageId: 'reflected' },
    ]);
  });
});

describe('no header, no value verdict', () => {
  it('echo of a valid client id that never came back is not a pass', () => {
    const [f] = requestIdEcho.evaluate(ctx([exchange('echo-id', {}, randomUUID())]));
    expect(f).toMatchObject({ status: 'warn', messageId: 'absent' });
  });

  it('request-id.format, latency.format and latency.plausible skip when the header is never sent', () => {
    const es = [exchange('endpoint', {}), exchange('endpoint', {})];
    for (const check of [requestIdFormat, latencyFormat, latencyPlausible])
      expect(check.evaluate(ctx(es)), check.id).toMatchObject([{ status: 'skip', messageId: 'none' }]);
  });

  it('latency.plausible judges an X-Latency-MS of 0 (a fast server), not only non-zero values', () => {
    const es = [exchange('endpoint', { 'x-latency-ms': '0' })];
    es[0]!.timing.headersMs = 0;
    expect(latencyPlausible.evaluate(ctx(es))).toMatchObject([{ status: 'pass', messageId: 'ok' }]);
  });
});
