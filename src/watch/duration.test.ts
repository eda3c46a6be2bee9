import { describe, expect, it } from 'vitest';
import { durationSeconds, parseDurationSec } from './duration.js';

describe('durationSeconds', () => {
  it('reads plain seconds and ms, s, m, h, d suffixes', () => {
    expect(durationSeconds('20')).toBe(20);
    expect(durationSeconds('20s')).toBe(20);
    expect(durationSeconds('250ms')).toBe(0.25);
    expect(durationSeconds('1.5m')).toBe(90);
    expect(durationSeconds(' 2h ')).toBe(7200);
    expect(durationSeconds('1d')).toBe(86_400);
    expect(durationSeconds('0')).toBe(0);
  });

  it('is NaN for anything else', () => {
    for (const bad of ['', 's', '-5s', '5x', '1e3', '5 s 2', '.5s'])
      expect(durationSeconds(bad), bad).toBeNaN();
  });
});

describe('parseDurationSec (--for)', () => {
  it('accepts a positive duration and names the flag in the usage error otherwise', () => {
    expect(parseDurationSec('15m')).toBe(900);
    expect(() => parseDurationSec('0s')).toThrow(/^--for: "0s" is not a duration/);
    expect(() => parseDurationSec('soon', '--window')).toThrow(/^--window: "soon"/);
  });
});
