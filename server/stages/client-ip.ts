import { BlockList, isIP } from 'node:net';
import type { Context } from '../context.js';
import { ServerCommandError } from '../errors.js';

export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'cidrs'; list: BlockList };

/** Parses `--trust-proxy`: a hop count (`1`) or a comma-separated list of addresses/CIDRs. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === '' || value === 'false' || value === '0') return { kind: 'none' };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) };
  const list = new BlockList();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (!addr || family === 0 || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new ServerCommandError(
        'TRUST_PROXY_INVALID',
        `--trust-proxy: "${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8)`,
      );
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return { kind: 'cidrs', list };
}

function normalize(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

function isTrusted(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address. Without trust-proxy it is the socket peer and X-Forwarded-For is ignored
 * (a client could otherwise pick its own rate-limit key). With trust, XFF is walked from the right,
 * the only end a trusted proxy appends to, and the first untrusted hop is the client.
 */
export function resolveClientIp(
  socketIp: string,
  xff: string | string[] | undefined,
  trust: TrustProxy,
): string {
  const peer = normalize(socketIp);
  if (trust.kind === 'none' || xff === undefined) return peer;
  const hops = (Array.isArray(xff) ? xff.join(',') : xff)
    .split(',')
    .map((h) => normalize(h.trim()))
    .filter((h) => isIP(h) !== 0);
  if (hops.length === 0) return peer;
  if (trust.kind === 'hops') {
    // The peer is hop 1; each further trusted hop is one more entry from the right.
    const index = hops.length - trust.hops;
    return hops[Math.max(index, 0)] ?? peer;
  }
  if (!isTrusted(trust.list, peer)) return peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isTrusted(trust.list, hop)) return hop;
  }
  return hops[0] ?? peer;
}

export function assignClientIp(ctx: Context, trust: TrustProxy): void {
  ctx.clientIp = resolveClientIp(
    ctx.req.socket.remoteAddress ?? 'unknown',
    ctx.req.headers['x-forwarded-for'],
    trust,
  );
}
