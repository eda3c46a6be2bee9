import type { SloTargets } from '../types.js';

/**
 * Multiwindow, multi-burn-rate alerting (Google SRE Workbook, "Alerting on SLOs", recommended
 * parameters for a 30-day SLO; Sloth google-30d): page when both the long and the short window
 * burn the error budget faster than `factor` × the sustainable rate.
 */
export interface WindowPair {
  severity: 'page' | 'ticket';
  longSec: number;
  shortSec: number;
  factor: number;
  /** The workbook's windows this pair was shortened from. */
  nominal?: { longSec: number; shortSec: number };
}

export const WORKBOOK_PAIRS: readonly WindowPair[] = [
  { severity: 'page', longSec: 3600, shortSec: 300, factor: 14.4 },
  { severity: 'page', longSec: 21_600, shortSec: 1800, factor: 6 },
];

/**
 * The time scale of a watch: the workbook windows divided by it. A run of known length fits its
 * longest window (6 h) into the run; an open-ended watch uses 60 (hours become minutes).
 */
export function chooseTimeScale(forSec: number | undefined, given: number | undefined): number {
  if (given !== undefined) return given;
  if (forSec === undefined) return 60;
  return Math.max(1, 21_600 / forSec);
}

/** One slot of the sliding windows: counts of requests judged (429s excluded) and of bad ones per SLO. */
export interface Slot {
  total: number;
  errors: number;
  overP95: number;
  overP99: number;
}

export const emptySlot = (): Slot => ({ total: 0, errors: 0, overP95: 0, overP99: 0 });

export type SloName = 'availability' | 'error-rate' | 'latency-p95' | 'latency-p99';
export const SLO_NAMES: readonly SloName[] = ['availability', 'error-rate', 'latency-p95', 'latency-p99'];

/** Error budget of each SLO: the share of requests allowed to be bad. */
export function budgets(slo: SloTargets): Record<SloName, number> {
  return {
    availability: 1 - slo.availability,
    'error-rate': slo.errorRate,
    'latency-p95': 0.05,
    'latency-p99': 0.01,
  };
}

/** Sums the newest `n` slots (the end of the array is the newest). */
export function sumSlots(slots: readonly Slot[], n: number): Slot {
  const out = emptySlot();
  for (const s of slots.slice(Math.max(0, slots.length - n))) {
    out.total += s.total;
    out.errors += s.errors;
    out.overP95 += s.overP95;
    out.overP99 += s.overP99;
  }
  return out;
}

/** Burn rate: the bad share of a window over the budget (1 = spending exactly the budget); 0 without data. */
export function burnRates(w: Slot, slo: SloTargets): Record<SloName, number> {
  const b = budgets(slo);
  const share = (bad: number) => (w.total > 0 ? bad / w.total : 0);
  const rate = (bad: number, budget: number) =>
    budget > 0 ? share(bad) / budget : share(bad) > 0 ? Infinity : 0;
  return {
    availability: rate(w.errors, b.availability),
    'error-rate': rate(w.errors, b['error-rate']),
    'latency-p95': rate(w.overP95, b['latency-p95']),
    'latency-p99': rate(w.overP99, b['latency-p99']),
  };
}

export interface Alert {
  severity: WindowPair['severity'];
  slo: SloName;
  factor: number;
  longSec: number;
  shortSec: number;
  longBurn: number;
  shortBurn: number;
}

/** Pairs whose long and short windows both burn faster than their factor. `slotSec` is the slot length. */
export function firingAlerts(
  slots: readonly Slot[],
  slotSec: number,
  pairs: readonly WindowPair[],
  slo: SloTargets,
): Alert[] {
  const out: Alert[] = [];
  for (const p of pairs) {
    const long = burnRates(sumSlots(slots, Math.max(1, Math.round(p.longSec / slotSec))), slo);
    const short = burnRates(sumSlots(slots, Math.max(1, Math.round(p.shortSec / slotSec))), slo);
    for (const name of SLO_NAMES) {
      if (long[name] > p.factor && short[name] > p.factor)
        out.push({
          severity: p.severity,
          slo: name,
          factor: p.factor,
          longSec: p.longSec,
          shortSec: p.shortSec,
          longBurn: long[name],
          shortBurn: short[name],
        });
    }
  }
  return out;
}
