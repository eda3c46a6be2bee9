import { describe, expect, it } from 'vitest';
import type { HardenError } from '../errors.js';
import { editDistance, parseCheckNames, splitCheckNames, suggestCheckName } from './check-names.js';

describe('check names', () => {
  it('accepts categories and check ids together', () => {
    const names = parseCheckNames('security, ratelimit.enforced,slo', '--checks');
    expect(splitCheckNames(names)).toEqual({ categories: ['security', 'slo'], ids: ['ratelimit.enforced'] });
  });

  it.each([
    ['securty', 'security'],
    ['ratelimit.enforce', 'ratelimit.enforced'],
    ['security.hst', 'security.hsts'],
    ['cors', 'security.cors'],
    ['slo.latency.p999', 'slo.latency.p99'],
  ])('"%s" → did you mean %s', (typo, expected) => {
    expect(suggestCheckName(typo)).toBe(expected);
    expect(() => parseCheckNames(typo, '--skip')).toThrow(`did you mean ${expected}?`);
  });

  it('names every unknown entry at once, as a usage error', () => {
    try {
      parseCheckNames('contract,nope,securty', '--checks');
      throw new Error('accepted');
    } catch (err) {
      expect((err as HardenError).code).toBe('USAGE');
      expect((err as Error).message).toMatch(
        /^--checks: unknown check id or category "nope", "securty" \(did you mean security\?\)/,
      );
    }
  });

  it('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
