import { describe, expect, it } from 'vitest';
import { startFuzzServer } from '../fixtures/fuzz-server.js';
import { cli } from './helpers/cli.js';

/** Replay one case with FUZZ_SEED=<seed>. */
const FIRST = Number(process.env.FUZZ_SEED ?? 1);
const CASES = process.env.FUZZ_SEED ? 1 : 40;

describe('harden-check against responses built to break parsers', () => {
  it(`never crashes, hangs or prints a stack trace (${CASES} seeded targets)`, async () => {
    for (let seed = FIRST; seed < FIRST + CASES; seed++) {
      const server = await startFuzzServer(seed);
      try {
        const r = await cli([
          server.url,
          '--endpoint',
          'GET /a',
          '--endpoint',
          'POST /b',
          '--rate-limit-probe',
          '--rate',
          '100',
          '--duration',
          '0.3',
          '--no-polite',
          '--timeout',
          '2000',
          '--format',
          'json',
        ]);
        expect([0, 1, 3], `seed ${seed}: ${r.stderr}`).toContain(r.code);
        expect(r.stderr, `seed ${seed}`).not.toMatch(/internal error|crashed|\n\s+at /);
        if (r.code !== 3) {
          const report = JSON.parse(r.stdout);
          expect(report.checks.length, `seed ${seed}`).toBeGreaterThan(10);
        }
      } finally {
        await server.close();
      }
    }
  }, 120_000);
});
