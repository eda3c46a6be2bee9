import { describe, expect, it } from 'vitest';
import { HardenError } from '../errors.js';
import { parseStartAt, resolveShard, shardRequestCount } from './shard.js';

const usage = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(HardenError);
    return (err as HardenError).message;
  }
  throw new Error('expected a usage error');
};

describe('resolveShard', () => {
  it('reads I/N from the flag', () => {
    expect(resolveShard('2/4', undefined, {})).toEqual({ index: 2, total: 4, source: 'flag' });
    expect(resolveShard(' 1 / 1 ', 1, {})).toEqual({ index: 1, total: 1, source: 'flag' });
    expect(resolveShard(undefined, undefined, { CI_NODE_INDEX: '2' })).toBeUndefined();
  });

  it('auto: GitLab parallel is 1-based, a Kubernetes Indexed Job 0-based with --shard-total', () => {
    expect(resolveShard('auto', undefined, { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '5' })).toEqual({
      index: 3,
      total: 5,
      source: 'gitlab',
    });
    expect(resolveShard('auto', 4, { JOB_COMPLETION_INDEX: '0' })).toEqual({
      index: 1,
      total: 4,
      source: 'kubernetes',
    });
    expect(usage(() => resolveShard('auto', undefined, { JOB_COMPLETION_INDEX: '0' }))).toMatch(
      /--shard-total/,
    );
    expect(usage(() => resolveShard('auto', undefined, {}))).toMatch(/no shard index in the environment/);
    expect(usage(() => resolveShard('auto', 3, { JOB_COMPLETION_INDEX: '3' }))).toMatch(/outside 1\.\.3/);
  });

  it('rejects malformed and out-of-range shards', () => {
    for (const bad of ['0/3', '4/3', '1/0', '1-3', 'x/3', '1/3/4', ''])
      expect(usage(() => resolveShard(bad, undefined, {}))).toMatch(/--shard/);
    expect(usage(() => resolveShard('1/3', 4, {}))).toMatch(/disagrees/);
    expect(usage(() => resolveShard(undefined, 3, {}))).toMatch(/--shard-total needs/);
  });
});

describe('execution segments', () => {
  it('every request of the whole schedule belongs to exactly one shard', () => {
    for (const requests of [0, 1, 2, 7, 100, 101]) {
      for (const total of [1, 2, 3, 5, 8]) {
        const owners = new Array<number>(requests).fill(0);
        let counted = 0;
        for (let index = 1; index <= total; index++) {
          const n = shardRequestCount(requests, { index, total });
          counted += n;
          // Shard `index` sends k = index−1 + j·total for j < n.
          for (let j = 0; j < n; j++) owners[index - 1 + j * total]!++;
        }
        expect(counted).toBe(requests);
        expect(owners.every((o) => o === 1)).toBe(true);
      }
    }
  });
});

describe('parseStartAt', () => {
  it('takes an RFC 3339 instant with a zone', () => {
    expect(parseStartAt('2026-05-01T12:00:00Z')).toBe(Date.UTC(2026, 4, 1, 12));
    expect(parseStartAt('2026-05-01T14:00:00.500+02:00')).toBe(Date.UTC(2026, 4, 1, 12, 0, 0, 500));
    expect(parseStartAt(undefined)).toBeUndefined();
  });

  it('rejects local times and other text', () => {
    for (const bad of ['2026-05-01T12:00:00', 'tomorrow', '2026-05-01', '2026-13-01T00:00:00Z'])
      expect(usage(() => parseStartAt(bad))).toMatch(/--start-at/);
  });
});
