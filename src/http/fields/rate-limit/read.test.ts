import { describe, expect, it } from 'vitest';
import { advertisedBudget, classifyReset, parseRateLimit, rateLimitPolicies, windowFor } from './read.js';

describe('rate-limit dialects read by their grammars', () => {
  it.each([
    ['100', 100, []],
    ['100, 100;w=60', 100, [{ quota: 100, windowSec: 60 }]],
    [
      '10, 10;window=1, 50;window=60',
      10,
      [
        { quota: 10, windowSec: 1 },
        { quota: 50, windowSec: 60 },
      ],
    ],
    ['100;w=60', 100, [{ quota: 100, windowSec: 60 }]],
  ])('X-RateLimit-Limit %j → limit %i', (value, limit, policies) => {
    const [info] = parseRateLimit({ 'x-ratelimit-limit': value, 'x-ratelimit-remaining': '1' });
    expect(info).toMatchObject({ dialect: 'legacy', limit, problems: [] });
    expect(info?.policies).toMatchObject(policies);
  });

  it.each([
    ['100 requests', /not a non-negative integer \(has a unit\)/],
    ['-5', /negative/],
    ['1.5, 100;w=60', /Decimal 1\.5/],
    ['100, 100;w=0', /not a positive integer of seconds/],
  ])('X-RateLimit-Limit %j is a grammar problem', (value, problem) => {
    expect(parseRateLimit({ 'x-ratelimit-limit': value })[0]?.problems[0]).toMatch(problem);
  });

  it('accepts an identical repeat of Remaining but not two different values', () => {
    expect(
      parseRateLimit({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': ['4', '4'] })[0],
    ).toMatchObject({ remaining: 4, problems: [] });
    expect(
      parseRateLimit({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': ['4', '3'] })[0]?.problems[0],
    ).toMatch(/different values/);
  });

  it('reads several draft-10 policies in any order and judges the binding one', () => {
    const fields = {
      'ratelimit-policy': '"day";q=1000;w=86400;qu="requests", "min";q=10;w=60;pk=:AQID:',
      ratelimit: '"day";r=999;t=80000, "min";r=2;t=12',
    };
    const [info] = parseRateLimit(fields);
    expect(info).toMatchObject({
      dialect: 'ietf-sf',
      policyName: 'min',
      limit: 10,
      remaining: 2,
      resetDelta: 12,
      windowSec: 60,
      problems: [],
    });
    expect(rateLimitPolicies(fields).map((p) => p.name)).toEqual(['day', 'min']);
    expect(advertisedBudget(fields)).toEqual({ limit: 10, remaining: 2, policy: 'min' });
  });

  it('flags draft-10 grammar breaks', () => {
    const problems = (fields: Record<string, string>) => parseRateLimit(fields)[0]?.problems ?? [];
    expect(problems({ ratelimit: '"a";r=1', 'ratelimit-policy': '"a";w=60' })).toContainEqual(
      expect.stringMatching(/lacks the required q/),
    );
    expect(problems({ ratelimit: '"a";t=5' })).toContainEqual(expect.stringMatching(/lacks the required r/));
    expect(problems({ ratelimit: '"a";r=1.5' })).toContainEqual(expect.stringMatching(/Decimal/));
    expect(problems({ ratelimit: '"a;r=1' })).toContainEqual(expect.stringMatching(/RFC 9651/));
  });

  it('reads draft-07 as a Dictionary and lends only a matching window to the legacy fields', () => {
    const infos = parseRateLimit({
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '7',
      ratelimit: 'limit=100, remaining=7, reset=40',
      'ratelimit-policy': '1000;w=3600, 100;w=900',
    });
    expect(infos.map((i) => [i.dialect, i.windowSec])).toEqual([
      ['legacy', 900],
      ['ietf-draft7', 900],
    ]);
    expect(
      windowFor(5, [
        { quota: 100, windowSec: 60, field: 'x' },
        { quota: 1000, windowSec: 3600, field: 'x' },
      ]),
    ).toBeUndefined();
  });

  it('classifies an HTTP-date Reset as an instant', () => {
    const now = Date.UTC(2026, 0, 1) / 1000;
    expect(classifyReset('Thu, 01 Jan 2026 00:00:30 GMT', now)).toEqual({ style: 'http-date', deltaSec: 30 });
    expect(classifyReset('in a minute', now)).toBeUndefined();
  });
});
