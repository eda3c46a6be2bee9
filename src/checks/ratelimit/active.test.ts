import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../types.js';
import type { CheckContext } from '../define.js';
import { isolation } from './active.js';

function otherPolicy(before: number, after: number, sent: number, status = 200): Exchange {
  return {
    seq: 1,
    purpose: 'rl-other-policy',
    endpoint: 'GET /v1/info',
    request: { method: 'GET', url: 'http://t/v1/info', headers: {} },
    response: {
      status,
      headers: {
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': String(after),
        'x-ratelimit-reset': '30',
      },
      body: '{}',
      bodyBytes: 2,
      bodyTruncated: false,
    },
    timing: { startedAt: 0, headersMs: 1, totalMs: 1 },
    meta: { phase: 'after', before, spent: 'export', sent },
  };
}

const judge = (e: Exchange) =>
  isolation.evaluate({ exchanges: [e], rateLimitProbe: { ran: true } } as unknown as CheckContext)[0]?.status;

describe('ratelimit.isolation tolerance for other clients’ traffic', () => {
  it('passes a drop of our own request plus a little background traffic', () => {
    expect(judge(otherPolicy(50, 49, 10))).toBe('pass');
    expect(judge(otherPolicy(50, 47, 2))).toBe('pass');
    expect(judge(otherPolicy(50, 47, 10))).toBe('pass');
  });

  it('fails a drop that tracks the spent requests (one shared counter)', () => {
    expect(judge(otherPolicy(50, 39, 10))).toBe('fail');
    expect(judge(otherPolicy(50, 45, 5))).toBe('fail');
  });

  it('fails a 429 on the other policy whatever the counts', () => {
    expect(judge(otherPolicy(50, 0, 1, 429))).toBe('fail');
  });
});
