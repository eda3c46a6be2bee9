import { describe, expect, it } from 'vitest';
import { parseSfList, splitList } from '../../http/fields/index.js';
import { classifyReset, parseRateLimit } from './parse.js';

describe('rate-limit header parsing', () => {
  it('reads the legacy X-RateLimit-* fields', () => {
    const [info] = parseRateLimit({
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '99',
      'x-ratelimit-reset': '1795839462',
    });
    expect(info).toMatchObject({
      dialect: 'legacy',
      limit: 100,
      remaining: 99,
      resetRaw: '1795839462',
      problems: [],
    });
  });

  it('reads express-rate-limit draft-6, draft-7 and draft-8 fields', () => {
    expect(
      parseRateLimit({
        'ratelimit-limit': '10',
        'ratelimit-remaining': '9',
        'ratelimit-reset': '42',
        'ratelimit-policy': '10;w=60',
      })[0],
    ).toMatchObject({ dialect: 'ietf-draft6', limit: 10, remaining: 9, resetDelta: 42, windowSec: 60 });
    expect(
      parseRateLimit({ ratelimit: 'limit=10, remaining=9, reset=42', 'ratelimit-policy': '10;w=60' })[0],
    ).toMatchObject({ dialect: 'ietf-draft7', limit: 10, remaining: 9, resetDelta: 42 });
    const sf = parseRateLimit({
      ratelimit: '"100-in-1min"; r=99; t=60',
      'ratelimit-policy': '"100-in-1min"; q=100; w=60; pk=:MTIzNDU2Nzg5MDEy:',
    })[0];
    expect(sf).toMatchObject({
      dialect: 'ietf-sf',
      policyName: '100-in-1min',
      limit: 100,
      remaining: 99,
      resetDelta: 60,
      windowSec: 60,
      problems: [],
    });
  });

  it('reports grammar problems instead of guessing', () => {
    expect(
      parseRateLimit({ 'x-ratelimit-limit': '10.5', 'x-ratelimit-remaining': '-1' })[0]?.problems,
    ).toHaveLength(2);
    expect(
      parseRateLimit({ ratelimit: '"a";r=1', 'ratelimit-policy': '"b";q=5;w=60' })[0]?.problems[0],
    ).toMatch(/no such policy/);
    expect(parseRateLimit({ ratelimit: 'a;r=1' })[0]?.problems[0]).toMatch(/quoted string/);
  });

  it('lends the advertised window to the legacy fields of the same response', () => {
    const infos = parseRateLimit({
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '5',
      'x-ratelimit-reset': '1795839462',
      ratelimit: 'limit=100, remaining=5, reset=800',
      'ratelimit-policy': '100;w=900',
    });
    expect(infos.find((i) => i.dialect === 'legacy')?.windowSec).toBe(900);
  });

  it('classifies Reset as epoch seconds, epoch milliseconds or delta seconds', () => {
    const now = 1_795_839_400;
    expect(classifyReset('1795839460', now)).toEqual({ style: 'epoch-seconds', deltaSec: 60 });
    expect(classifyReset('1795839460000', now)).toEqual({ style: 'epoch-milliseconds', deltaSec: 60 });
    expect(classifyReset('60', now)).toEqual({ style: 'delta-seconds', deltaSec: 60 });
    expect(classifyReset('soon', now)).toBeUndefined();
  });

  it('splits lists outside quoted strings', () => {
    expect(splitList('"a,b";q=1, "c";q=2').value).toEqual(['"a,b";q=1', '"c";q=2']);
    const [item] = parseSfList('"x";q=10;w=60').value ?? [];
    expect(item?.[0]).toBe('x');
    expect(Object.fromEntries((item?.[1] ?? new Map()) as Map<string, unknown>)).toEqual({ q: 10, w: 60 });
  });
});
