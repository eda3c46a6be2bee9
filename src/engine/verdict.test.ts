import { describe, expect, it } from 'vitest';
import type { CheckResult, Status } from '../types.js';
import { decideVerdict, verdictReason } from './verdict.js';

const r = (id: string, status: Status): CheckResult => ({
  id,
  category: 'security',
  status,
  message: status,
});

describe('decideVerdict and verdictReason', () => {
  it('every result skipped: fail with or without --strict, and the reason says nothing was verified', () => {
    const checks = [r('security.hsts', 'skip'), r('security.cors', 'skip')];
    for (const strict of [false, true]) {
      expect(decideVerdict(checks, strict)).toBe('fail');
      expect(verdictReason(checks, strict)).toMatch(/^nothing was verified: every check was skipped/);
    }
    expect(decideVerdict([], false)).toBe('fail');
  });

  it('names the selected checks and why each skipped, when there are few', () => {
    const checks = [r('security.hsts', 'skip'), r('security.cors', 'skip'), r('security.csp', 'skip')];
    expect(verdictReason(checks, false, ['security.hsts'])).toBe(
      'nothing was verified: the one selected check was skipped (security.hsts: skip)',
    );
    expect(verdictReason(checks, false, ['security.hsts', 'security.csp'])).toBe(
      'nothing was verified: all 2 selected checks were skipped (security.hsts: skip; security.csp: skip)',
    );
    const many = Array.from({ length: 5 }, (_, i) => r(`security.x${i}`, 'skip'));
    expect(
      verdictReason(
        many,
        false,
        many.map((c) => c.id),
      ),
    ).toMatch(/^nothing was verified: all 5 selected checks were skipped, none could run/);
  });

  it('one judged check among skips is enough to pass', () => {
    const checks = [r('security.hsts', 'skip'), r('security.cors', 'pass')];
    expect(decideVerdict(checks, true)).toBe('pass');
    expect(verdictReason(checks, true)).toBeUndefined();
  });

  it('warnings pass unless --strict, which says why it failed', () => {
    const checks = [r('security.csp', 'warn'), r('security.csp', 'warn'), r('security.cors', 'pass')];
    expect(decideVerdict(checks, false)).toBe('pass');
    expect(verdictReason(checks, false)).toBeUndefined();
    expect(decideVerdict(checks, true)).toBe('fail');
    expect(verdictReason(checks, true)).toBe('--strict: 1 check warned, and warnings fail the run');
  });

  it('a failed check needs no reason', () => {
    const checks = [r('security.csp', 'warn'), r('security.cors', 'fail')];
    expect(decideVerdict(checks, true)).toBe('fail');
    expect(verdictReason(checks, true)).toBeUndefined();
  });
});
