import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveRunOptions } from '../config/load-config.js';
import type { Flags } from '../config/flags.js';
import { hasLoadPhase } from './run-checks.js';

const options = (flags: Flags) => resolveRunOptions('http://127.0.0.1:9', flags, tmpdir(), {});

describe('hasLoadPhase', () => {
  it('is true when an slo check is selected and the duration is not 0', async () => {
    expect(hasLoadPhase(await options({}))).toBe(true);
    expect(hasLoadPhase(await options({ duration: 1, checks: 'slo' }))).toBe(true);
    expect(hasLoadPhase(await options({ duration: 1, checks: 'slo.latency.p99' }))).toBe(true);
  });

  it('is false for --duration 0 or when no slo check is selected', async () => {
    expect(hasLoadPhase(await options({ duration: 0 }))).toBe(false);
    expect(hasLoadPhase(await options({ duration: 5, checks: 'security,contract' }))).toBe(false);
    expect(hasLoadPhase(await options({ duration: 5, skip: 'slo' }))).toBe(false);
  });
});
