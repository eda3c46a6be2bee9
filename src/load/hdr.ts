import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';

// hdr-histogram-js's index also loads its WebAssembly build (an inlined module, pako and a loader)
// and the histogram log reader and writer, whose module set-up builds an Intl.NumberFormat: ≈ 20 ms
// of every load run's start-up for code never used here (histograms are Int32 JS histograms).
// These are the index's build() and compressed (de)coding for `useWebAssembly: false`, from the
// modules that implement them; src/load/histogram.test.ts compares them with the index's.
const require = createRequire(import.meta.url);
const { constructorFromBucketSize } = require('hdr-histogram-js/dist/JsHistogramFactory.js');
// Adds encodeIntoCompressedBase64 to JsHistogram.prototype and JsHistogram.decode.
const { decompress, doDecode } = require('hdr-histogram-js/dist/JsHistogram.encoding.js');
const base64 = createRequire(require.resolve('hdr-histogram-js'))('base64-js');

export type { Histogram };

/** A JS histogram with 32-bit counts that resizes itself, like `build({ bitBucketSize: 32 })`. */
export function buildInt32(settings: {
  lowestDiscernibleValue: number;
  highestTrackableValue: number;
  numberOfSignificantValueDigits: 1 | 2 | 3 | 4 | 5;
}): Histogram {
  const Int32Histogram = constructorFromBucketSize(32);
  const h = new Int32Histogram(
    settings.lowestDiscernibleValue,
    settings.highestTrackableValue,
    settings.numberOfSignificantValueDigits,
  );
  h.autoResize = true;
  return h;
}

/** The V2 compressed base64 encoding (interoperable with the Java/C/Go implementations). */
export function encodeCompressed(h: Histogram): string {
  return (h as Histogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
}

/** Decodes a V2 compressed base64 encoding into 32-bit counts; throws on a malformed string. */
export function decodeCompressedInt32(text: string): Histogram {
  return doDecode(decompress(base64.toByteArray(text.trim())), 32, 0);
}
