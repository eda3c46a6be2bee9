import { describe, expect, it } from 'vitest';
import { describeLoadPlan } from './plan-notice.js';

const needs = [
  { verdict: 'P95', requests: 200 },
  { verdict: 'P99', requests: 1000 },
];

describe('describeLoadPlan', () => {
  it('a whole run: its requests, rate and what can be conclusive', () => {
    expect(describeLoadPlan({ requests: 1000, rate: 50, endpoints: 2, needs })).toBe(
      'load: 1000 requests at 50 req/s (about 20 s) to 2 endpoints; can be conclusive: P95, P99',
    );
  });

  it("a shard: this shard's requests and rate beside the whole plan's", () => {
    expect(
      describeLoadPlan({ requests: 1000, rate: 60, endpoints: 2, needs, shard: { index: 2, total: 3 } }),
    ).toBe(
      "load: shard 2/3 sends 333 of the plan's 1000 requests at 20 of its 60 req/s (about 17 s) to 2 endpoints; can be conclusive once the shards are merged: P95, P99",
    );
  });

  it('a shard gets the remainder of an uneven split in schedule order', () => {
    // Requests 0, 3, 6, 9 belong to shard 1 of 3 (k mod 3 = 0): 4 of 10.
    expect(
      describeLoadPlan({ requests: 10, rate: 5, endpoints: 1, needs, shard: { index: 1, total: 3 } }),
    ).toMatch(
      /^load: shard 1\/3 sends 4 of the plan's 10 requests at 1\.667 of its 5 req\/s \(about 2 s\) to 1 endpoint; can only be inconclusive or fail once the shards are merged: P95 \(needs 200\), P99 \(needs 1000\); raise --duration or --rate/,
    );
  });

  it('--shard 1/1 reads as a whole run', () => {
    expect(
      describeLoadPlan({ requests: 200, rate: 50, endpoints: 1, needs, shard: { index: 1, total: 1 } }),
    ).toMatch(
      /^load: 200 requests at 50 req\/s \(about 4 s\) to 1 endpoint; can be conclusive: P95; can only be inconclusive or fail: P99 \(needs 1000\)/,
    );
  });
});
