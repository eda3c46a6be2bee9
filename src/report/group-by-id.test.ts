import { describe, expect, it } from 'vitest';
import type { CheckResult, Report, Status } from '../types.js';
import { describeScope, groupById, summarizeGroup } from './group-by-id.js';

const r = (endpoint: string | undefined, status: Status): CheckResult => ({
  id: 'security.nosniff',
  category: 'security',
  status,
  message: `${endpoint}: ${status}`,
  ...(endpoint ? { endpoint } : {}),
});
const endpoints: Report['endpoints'] = {
  source: '--endpoint',
  probed: ['GET /api/a', 'GET /api/b'],
  leftOut: [{ operation: 'POST /c', reason: 'only GET operations are probed' }],
};

describe('summarizeGroup', () => {
  it('counts endpoints apart from other probes and left-out operations', () => {
    const rs = [r('GET /api/a', 'pass'), r('GET /api/b', 'pass'), r('GET (unknown path)', 'pass')];
    expect(summarizeGroup(groupById(rs)[0]!, endpoints)).toBe('2 endpoints and 1 other probe: all pass');
    const mixed = [r('GET /api/a', 'pass'), r('POST /c', 'skip')];
    expect(summarizeGroup(groupById(mixed)[0]!, endpoints)).toBe(
      '1 endpoint and 1 left-out operation: 1 pass, 1 skip',
    );
  });

  it('flagged: "k of n endpoints flagged" when only endpoints, else the share with the scope', () => {
    const onlyEndpoints = [r('GET /api/a', 'fail'), r('GET /api/b', 'pass')];
    expect(summarizeGroup(groupById(onlyEndpoints)[0]!, endpoints)).toBe(
      '1 of 2 endpoints flagged: GET /api/a',
    );
    const withProbes = [r('GET /api/a', 'fail'), r('GET /api/b', 'pass'), r('DELETE /api/healthz', 'fail')];
    expect(summarizeGroup(groupById(withProbes)[0]!, endpoints)).toBe(
      '2 of 3 flagged (2 endpoints and 1 other probe): GET /api/a, DELETE /api/healthz',
    );
    expect(summarizeGroup(groupById(withProbes)[0]!, endpoints, { where: false })).toBe(
      '2 of 3 flagged (2 endpoints and 1 other probe)',
    );
  });

  it('without the report’s endpoint list (an older report), every labelled result is an endpoint', () => {
    expect(describeScope([r('GET /x', 'pass'), r('GET (unknown path)', 'pass'), r(undefined, 'pass')])).toBe(
      '2 endpoints and 1 result',
    );
  });
});
