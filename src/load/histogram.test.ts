import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../diff/quantile-bootstrap.js';
import {
  countAtOrBelow,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  HISTOGRAM_SETTINGS,
  percentilesMs,
  recordMicros,
  shareAbove,
} from './histogram.js';

describe('decodeHistogram', () => {
  it('answers every query exactly like the recorded histogram and a packed decoding', () => {
    const random = seededRandom(7);
    const h = createHistogram();
    // A body near 1 ms, a tail to 400 ms and a few stalls: values across many buckets.
    for (let i = 0; i < 20_000; i++) {
      const r = random();
      recordMicros(h, r < 0.9 ? 500 + r * 1000 : r < 0.999 ? 2_000 + r * 400_000 : 3_000_000 + r * 1e6);
    }
    const encoded = encodeHistogram(h);
    const decoded = decodeHistogram(encoded);
    const packed = hdr.decodeFromCompressedBase64(encoded, 'packed', false);
    for (const other of [decoded, packed]) {
      expect(other.totalCount).toBe(h.totalCount);
      expect(percentilesMs(other)).toEqual(percentilesMs(h));
      for (const micros of [0, 600, 1_200, 50_000, 399_999, 2_000_000, 5_000_000])
        expect([countAtOrBelow(other, micros), shareAbove(other, micros)]).toEqual([
          countAtOrBelow(h, micros),
          shareAbove(h, micros),
        ]);
    }
    expect(encodeHistogram(decoded)).toBe(encoded);
  });

  it('builds, encodes and decodes exactly like the hdr-histogram-js index does', () => {
    const mine = createHistogram();
    const theirs = hdr.build({ ...HISTOGRAM_SETTINGS, bitBucketSize: 32, useWebAssembly: false });
    expect(mine.constructor).toBe(theirs.constructor);
    expect(mine.autoResize).toBe(theirs.autoResize);
    for (const v of [1, 250, 1_000, 99_999, 60_000_000]) {
      recordMicros(mine, v);
      recordMicros(theirs, v);
    }
    const encoded = hdr.encodeIntoCompressedBase64(theirs);
    expect(encodeHistogram(mine)).toBe(encoded);
    const decoded = decodeHistogram(`  ${encoded}\n`);
    expect(decoded.constructor).toBe(hdr.decodeFromCompressedBase64(encoded, 32, false).constructor);
    expect(percentilesMs(decoded)).toEqual(percentilesMs(theirs));
    // A malformed string fails the same way.
    for (const bad of ['abc', 'AAAA', '']) {
      const error = (f: () => unknown) => {
        try {
          f();
        } catch (err) {
          return (err as Error).message;
        }
        return 'no error';
      };
      expect(error(() => decodeHistogram(bad))).toBe(
        error(() => hdr.decodeFromCompressedBase64(bad, 32, false)),
      );
    }
  });
});
