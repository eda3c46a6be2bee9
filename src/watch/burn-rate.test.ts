import { describe, expect, it } from 'vitest';
import type { SloTargets } from '../types.js';
import {
  burnRates,
  chooseTimeScale,
  emptySlot,
  firingAlerts,
  type Slot,
  WORKBOOK_PAIRS,
} from './burn-rate.js';
import { parseDurationSec } from './duration.js';

const SLO: SloTargets = { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 };
const slot = (total: number, errors = 0, overP95 = 0): Slot => ({ ...emptySlot(), total, errors, overP95 });

describe('burn rates (SRE workbook, multiwindow multi-burn-rate)', () => {
  it('is the bad share over the budget', () => {
    const r = burnRates(slot(1000, 2, 100), SLO);
    expect(r.availability).toBeCloseTo(2);
    expect(r['latency-p95']).toBeCloseTo(2);
    expect(r['latency-p99']).toBe(0);
    expect(burnRates(emptySlot(), SLO).availability).toBe(0);
  });

  it('pages only when both the long and the short window burn faster than the factor', () => {
    // Workbook scale, 5-minute slots: 12 slots = 1 h, 1 slot = 5 min.
    const quiet = Array.from({ length: 11 }, () => slot(1000));
    // A burst of 5xx in the last 5 minutes only: short window burns, the hour does not (yet).
    expect(firingAlerts([...quiet, slot(1000, 50)], 300, WORKBOOK_PAIRS, SLO)).toEqual([]);
    // 2 % errors for the whole hour: 20× over both windows of the 14.4× pair.
    const burning = Array.from({ length: 12 }, () => slot(1000, 20));
    const alerts = firingAlerts(burning, 300, WORKBOOK_PAIRS, SLO);
    expect(alerts.map((a) => [a.slo, a.factor])).toEqual([
      ['availability', 14.4],
      ['error-rate', 14.4],
      ['availability', 6],
      ['error-rate', 6],
    ]);
    // The fast pair resets as soon as the short window is clean again.
    expect(firingAlerts([...burning.slice(1), slot(1000)], 300, [WORKBOOK_PAIRS[0]!], SLO)).toEqual([]);
  });

  it('shortens the workbook windows to fit a run', () => {
    expect(chooseTimeScale(undefined, undefined)).toBe(60);
    expect(chooseTimeScale(600, undefined)).toBe(36);
    expect(chooseTimeScale(7 * 86_400, undefined)).toBe(1);
    expect(chooseTimeScale(600, 2)).toBe(2);
  });
});

describe('parseDurationSec', () => {
  it('reads seconds and unit suffixes, and rejects the rest', () => {
    expect(parseDurationSec('90')).toBe(90);
    expect(parseDurationSec('15m')).toBe(900);
    expect(parseDurationSec('1.5h')).toBe(5400);
    expect(parseDurationSec('500ms')).toBe(0.5);
    for (const bad of ['0', '-1s', 'soon', '5 weeks', ''])
      expect(() => parseDurationSec(bad)).toThrow(/--for/);
  });
});
