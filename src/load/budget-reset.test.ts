import { describe, expect, it } from 'vitest';
import { budgetResetSec } from './budget-reset.js';

const NOW = 1_800_000_000;

describe('when a spent budget resets', () => {
  it.each([
    [
      'Retry-After on a 429 wins',
      429,
      {
        'retry-after': '17',
        'x-ratelimit-reset': String(NOW + 40),
        'x-ratelimit-limit': '10',
        'x-ratelimit-remaining': '0',
      },
      17,
    ],
    [
      'legacy Reset in epoch seconds',
      200,
      { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW + 42) },
      42,
    ],
    [
      'legacy Reset as delta seconds',
      200,
      { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9' },
      9,
    ],
    [
      'IETF RateLimit t (delta seconds)',
      200,
      { ratelimit: '"default";r=0;t=30', 'ratelimit-policy': '"default";q=100;w=60' },
      30,
    ],
    ['no rate-limit fields', 200, {}, undefined],
  ])('%s', (_name, status, headers, expected) => {
    expect(budgetResetSec(status, headers as Record<string, string>, NOW)).toBe(expected);
  });
});
