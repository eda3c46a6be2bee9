import { createHistogram, type Histogram, percentilesMs, recordMicros } from '../load/histogram.js';
import type { Percentiles, SloTargets } from '../types.js';
import { type Alert, emptySlot, firingAlerts, type Slot, sumSlots, type WindowPair } from './burn-rate.js';

/** SLIs of one printed window. */
export interface WindowReport {
  index: number;
  /** Seconds since the watch started, at the window's end. */
  endSec: number;
  requests: number;
  rateLimited: number;
  errors: number;
  clientMs: Percentiles;
  endpoints: Array<{ endpoint: string; requests: number; errors: number; p95Ms: number }>;
  /** Burn rate per window pair: [long, short] per SLO. */
  burn: Array<{ pair: WindowPair; long: Slot; short: Slot }>;
  alerts: Alert[];
}

/**
 * Sliding windows of a watch: one slot per printed window, kept as long as the longest burn-rate
 * window; each request is counted in the slot open when it settles.
 */
export class WindowRecorder {
  private readonly slots: Slot[] = [emptySlot()];
  private current: {
    hist: Histogram;
    rateLimited: number;
    endpoints: Map<string, { h: Histogram; errors: number }>;
  };
  private count = 0;
  private readonly keep: number;

  constructor(
    private readonly slo: SloTargets,
    private readonly pairs: readonly WindowPair[],
    readonly slotSec: number,
  ) {
    this.keep = Math.max(...pairs.map((p) => Math.round(p.longSec / slotSec)), 1);
    this.current = this.fresh();
  }

  private fresh() {
    return {
      hist: createHistogram(),
      rateLimited: 0,
      endpoints: new Map<string, { h: Histogram; errors: number }>(),
    };
  }

  record(endpoint: string, status: number, correctedUs: number): void {
    const cur = this.current;
    if (status === 429) {
      cur.rateLimited++;
      return;
    }
    const slot = this.slots[this.slots.length - 1]!;
    const bad = status === 0 || status >= 500;
    slot.total++;
    if (bad) slot.errors++;
    if (correctedUs > this.slo.p95Ms * 1000) slot.overP95++;
    if (correctedUs > this.slo.p99Ms * 1000) slot.overP99++;
    recordMicros(cur.hist, correctedUs);
    let ep = cur.endpoints.get(endpoint);
    if (!ep) {
      ep = { h: createHistogram(), errors: 0 };
      cur.endpoints.set(endpoint, ep);
    }
    recordMicros(ep.h, correctedUs);
    if (bad) ep.errors++;
  }

  /** Closes the open window: its SLIs and the burn rates of every window pair; opens the next. */
  close(endSec: number): WindowReport {
    const slot = this.slots[this.slots.length - 1]!;
    const cur = this.current;
    const windows = (sec: number) => Math.max(1, Math.round(sec / this.slotSec));
    const report: WindowReport = {
      index: ++this.count,
      endSec,
      requests: slot.total,
      rateLimited: cur.rateLimited,
      errors: slot.errors,
      clientMs: percentilesMs(cur.hist),
      endpoints: [...cur.endpoints].map(([endpoint, e]) => ({
        endpoint,
        requests: e.h.totalCount,
        errors: e.errors,
        p95Ms: percentilesMs(e.h).p95,
      })),
      burn: this.pairs.map((pair) => ({
        pair,
        long: sumSlots(this.slots, windows(pair.longSec)),
        short: sumSlots(this.slots, windows(pair.shortSec)),
      })),
      alerts: firingAlerts(this.slots, this.slotSec, this.pairs, this.slo),
    };
    this.slots.push(emptySlot());
    if (this.slots.length > this.keep) this.slots.shift();
    this.current = this.fresh();
    return report;
  }
}
