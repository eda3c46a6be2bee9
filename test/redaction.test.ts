import { readFile, rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRedactor, isLuhnValid } from '../server/redact.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

const CANARY = {
  bearer: 'hc7f9a2e41b8c3d5e6f7a8b9c0d1e2f3a4',
  email: 'jane.canary@example.org',
  card: '4111111111111111',
  password: 'Pa55w0rd-canary-91',
  apiKey: 'ak_live_canary_51f0c2d9e8b7a6',
  aws: 'AKIAIOSFODNN7CANARY1',
  cookie: 'session=cookie-canary-77ab',
};

describe('log redaction', () => {
  it('keeps canary secrets from headers, query and body out of the log; request ids stay', async () => {
    const server = await startTestServer({ logToFile: true });
    const ids: string[] = [];
    try {
      const headers = {
        authorization: `Bearer ${CANARY.bearer}`,
        'x-api-key': CANARY.apiKey,
        cookie: CANARY.cookie,
        'user-agent': `probe ${CANARY.email} ${CANARY.aws}`,
        'content-type': 'application/json',
      };
      const query = `?email=${encodeURIComponent(CANARY.email)}&card=${CANARY.card}&token=${CANARY.bearer}&note=${CANARY.card}`;
      ids.push((await call(`${server.url}/v1/info${query}`, { headers })).headers['x-request-id']!);
      const body = JSON.stringify({
        type: `signup ${CANARY.email}`,
        value: 1,
        data: {
          password: CANARY.password,
          card_number: CANARY.card,
          note: `card ${CANARY.card.replace(/(\d{4})/g, '$1 ').trim()} and Bearer ${CANARY.bearer}`,
          contact: CANARY.email,
        },
      });
      ids.push(
        (await call(`${server.url}/v1/webhooks/events`, { method: 'POST', headers, body })).headers[
          'x-request-id'
        ]!,
      );
      ids.push((await call(`${server.url}/nope${query}`, { headers })).headers['x-request-id']!);
    } finally {
      await server.stop({ keep: true });
    }
    const log = await readFile(server.logFile, 'utf8');
    await rm(server.dir, { recursive: true, force: true });
    const lines = log.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    for (const [name, secret] of Object.entries(CANARY)) {
      expect(log.includes(secret), `${name} leaked into the log`).toBe(false);
    }
    expect(log).not.toContain('4111 1111 1111 1111');
    expect(log).not.toContain('cookie-canary');
    for (const id of ids) expect(log).toContain(id);
    expect(log).toContain('[REDACTED]');
    expect(log).toMatch(/\[email:[0-9a-f]{8}\]/);
  });
});

describe('redactor', () => {
  const r = createRedactor(Buffer.alloc(32, 1));

  it('tags the same value identically so lines still correlate', () => {
    expect(r.text('a@b.io')).toBe(r.text('a@b.io'));
    expect(r.text('a@b.io')).not.toBe(r.text('c@b.io'));
  });

  it('redacts only Luhn-valid card numbers', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(r.text('order 4111111111111112')).toBe('order 4111111111111112');
    expect(r.text('card 4111-1111-1111-1111')).toMatch(/^card \[card:[0-9a-f]{8}\]$/);
  });

  it('removes secret-named fields at any depth', () => {
    expect(r.value({ a: { apiKey: 'x', Password: 'y', ok: 1 } })).toEqual({
      a: { apiKey: '[REDACTED]', Password: '[REDACTED]', ok: 1 },
    });
  });

  it('cuts structures nested past its depth limit instead of passing them through', () => {
    let deep: Record<string, unknown> = { password: 'deep-secret', note: 'mail jane@example.org' };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    const out = JSON.stringify(r.value(deep));
    expect(out).not.toContain('deep-secret');
    expect(out).not.toContain('jane@example.org');
    expect(out).toContain('[Truncated]');
  });

  it('never touches request ids', () => {
    const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    expect(r.text(`req ${id}`)).toBe(`req ${id}`);
  });
});
