import type { SampleNeed } from '../engine/sample-needs.js';

/** The requests a plan must send so every enabled slo verdict can be conclusive (the largest need). */
export function requestsForConclusive(needs: readonly SampleNeed[]): number {
  return Math.max(0, ...needs.map((n) => n.requests));
}

/**
 * The one stderr line said before the load phase sends anything: what will be sent, which verdicts
 * the plan can and cannot make conclusive, and how to change that.
 */
export function describeLoadPlan(p: {
  requests: number;
  rate: number | undefined;
  endpoints: number;
  needs: readonly SampleNeed[];
  cappedBy?: string | undefined;
}): string {
  const pace = p.rate ? ` at ${p.rate} req/s (about ${Math.ceil(p.requests / p.rate)} s)` : '';
  const sent = `load: ${p.requests} request${p.requests === 1 ? '' : 's'}${pace} to ${p.endpoints} endpoint${p.endpoints === 1 ? '' : 's'}`;
  const can = p.needs.filter((n) => n.requests <= p.requests).map((n) => n.verdict);
  const cannot = p.needs
    .filter((n) => n.requests > p.requests)
    .map((n) => `${n.verdict} (needs ${n.requests})`);
  const parts = [sent];
  if (can.length) parts.push(`can be conclusive: ${can.join(', ')}`);
  if (cannot.length) {
    parts.push(`can only be inconclusive or fail: ${cannot.join(', ')}`);
    parts.push(
      p.cappedBy
        ? `limited by ${p.cappedBy}; give a bypass or override key with --load-header (or --no-polite) for a conclusive run`
        : 'raise --duration or --rate for a conclusive run',
    );
  }
  return parts.join('; ');
}
