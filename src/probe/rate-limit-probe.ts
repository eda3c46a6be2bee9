import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { CheckContext } from '../checks/define.js';
import type { RunOptions } from '../config/options.js';
import type { Exchange } from '../types.js';
import type { ProbeClient } from './client.js';
import { advertisedBudget, retryAfter } from '../http/fields/index.js';

/** The largest budget the probe will spend; beyond it the probe is skipped as too costly. */
export const MAX_PROBE_BUDGET = 1000;

interface Budget {
  exchange: Exchange;
  limit: number;
  remaining: number;
  policy: string;
}

function budgets(exchanges: readonly Exchange[], options: RunOptions): Budget[] {
  const latest = new Map<string, Budget>();
  for (const e of exchanges) {
    if (!e.response || (e.purpose !== 'endpoint' && e.purpose !== 'endpoint-repeat')) continue;
    if (e.request.method !== 'GET' || e.meta?.health === true || options.policies[e.endpoint] === 'none')
      continue;
    const { limit, remaining, policy } = advertisedBudget(e.response.headers);
    if (limit === undefined || remaining === undefined) continue;
    latest.set(e.endpoint, { exchange: e, limit, remaining, policy });
  }
  return [...latest.values()];
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

const testNet = () => `198.51.100.${randomInt(1, 255)}`;

/**
 * The active rate-limit probe (--rate-limit-probe): spends the cheapest advertised budget, then
 * checks forged forwarding headers, another policy's budget and another source address.
 */
export async function runRateLimitProbe(
  client: ProbeClient,
  options: RunOptions,
  target: URL,
): Promise<CheckContext['rateLimitProbe']> {
  // Plan from the budget that binds: the fewest requests left (then the smallest limit).
  const found = budgets(client.exchanges, options).sort(
    (a, b) => Math.min(a.remaining, a.limit) - Math.min(b.remaining, b.limit) || a.limit - b.limit,
  );
  const cheapest = found[0];
  if (!cheapest)
    return {
      ran: false,
      reason:
        'no probed GET endpoint advertised a rate limit, so there is no budget to spend (add --endpoint for a rate-limited GET)',
    };
  if (Math.min(cheapest.remaining, cheapest.limit) > MAX_PROBE_BUDGET)
    return {
      ran: false,
      reason: `the smallest advertised budget is ${Math.min(cheapest.remaining, cheapest.limit)} requests; the probe spends at most ${MAX_PROBE_BUDGET}`,
    };
  const other =
    found.find((b) => b.policy !== cheapest.policy && b.limit !== cheapest.limit) ??
    found.find((b) => b.policy !== cheapest.policy);
  const url = cheapest.exchange.request.url;
  const label = cheapest.exchange.endpoint;
  const budget = Math.min(cheapest.remaining, cheapest.limit) + 1;
  const perIpAddress =
    options.sourceAddresses[0] ??
    (isLoopback(target.hostname) && !target.hostname.includes(':') ? '127.0.0.2' : undefined);
  options.onNotice?.(
    `rate-limit probe: up to ${budget} requests to ${label} to spend its budget (Limit ${cheapest.limit}, Remaining ${cheapest.remaining}), then 3 with forged forwarding headers` +
      `${other ? `, 2 to ${other.exchange.endpoint} (isolation)` : ''}${perIpAddress ? `, 1 from ${perIpAddress} (per-IP)` : ''}${options.waitForReset ? ', 1 after the reset' : ''}`,
  );

  if (other)
    await client.send({
      purpose: 'rl-other-policy',
      method: 'GET',
      path: other.exchange.request.url,
      endpoint: other.exchange.endpoint,
      meta: { phase: 'before' },
    });

  let first429: Exchange | undefined;
  for (let i = 0; i < budget + 1 && !first429; i++) {
    const e = await client.send({
      purpose: 'rl-exhaust',
      method: 'GET',
      path: url,
      endpoint: label,
      meta: { remaining: cheapest.remaining, limit: cheapest.limit },
    });
    if (e.error) break;
    if (e.response?.status === 429) first429 = e;
  }
  if (first429) {
    const spoofs: Array<[string, string]> = [
      ['X-Forwarded-For', testNet()],
      ['X-Real-IP', testNet()],
      ['Forwarded', `for=${testNet()}`],
    ];
    for (const [name, value] of spoofs) {
      await client.send({
        purpose: 'rl-spoof',
        method: 'GET',
        path: url,
        endpoint: label,
        headers: { [name.toLowerCase()]: value },
        meta: { header: name },
      });
    }
  }
  if (other) {
    const before = client.exchanges.filter((e) => e.purpose === 'rl-other-policy').at(-1);
    const beforeRemaining = before?.response
      ? advertisedBudget(before.response.headers).remaining
      : undefined;
    const sent = client.exchanges.filter((e) => e.purpose === 'rl-exhaust').length;
    await client.send({
      purpose: 'rl-other-policy',
      method: 'GET',
      path: other.exchange.request.url,
      endpoint: other.exchange.endpoint,
      meta: { phase: 'after', before: beforeRemaining ?? other.remaining, spent: cheapest.policy, sent },
    });
  }
  let perIp: NonNullable<CheckContext['rateLimitProbe']['perIp']>;
  if (!first429)
    perIp = { ran: false, reason: 'the budget was never enforced, so a second address cannot be compared' };
  else if (!perIpAddress)
    perIp = {
      ran: false,
      reason: 'the target is not on loopback and no --source-address was given; a second client IP is needed',
    };
  else {
    const e = await client.send({
      purpose: 'rl-other-ip',
      method: 'GET',
      path: url,
      endpoint: label,
      localAddress: perIpAddress,
      meta: { address: perIpAddress },
    });
    perIp = e.response
      ? { ran: true }
      : { ran: false, reason: `cannot send from ${perIpAddress} (${e.error?.message})` };
  }
  if (options.waitForReset && first429?.response) {
    const r = retryAfter(first429.response.headers)?.value;
    const retry =
      r === undefined ? undefined : r.kind === 'delay-seconds' ? r.seconds : (r.epochMs - Date.now()) / 1000;
    const waitSec = Math.min(retry !== undefined && retry >= 0 ? Math.ceil(retry) + 1 : 61, 125);
    options.onNotice?.(`rate-limit probe: waiting ${waitSec} s for the window to reset`);
    await new Promise((r) => setTimeout(r, waitSec * 1000));
    await client.send({ purpose: 'rl-reset', method: 'GET', path: url, endpoint: label });
  }
  return { ran: true, perIp };
}
