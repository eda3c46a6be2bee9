import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendJson } from '../server/send.js';
import { spawnServer } from './helpers/child-server.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

describe('graceful shutdown', () => {
  it('drains an in-flight request, then refuses new connections', async () => {
    const server = await startTestServer({
      extraRoutes: new Map([
        [
          '/test/slow',
          {
            GET: async (ctx) => {
              await new Promise((r) => setTimeout(r, 300));
              sendJson(ctx, 200, { done: true });
            },
          },
        ],
      ]),
    });
    const inFlight = call(`${server.url}/test/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = server.stop();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close');
    await stopped;
    await expect(call(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('SIGTERM on the process flushes acknowledged writes and exits 0', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'harden-term-'));
    const state = join(dir, 'state.json');
    const srv = await spawnServer(['--state', state, '--log-file', join(dir, 'log')]);
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(`${srv.url}/v1/webhooks/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'term', value: i }),
        }),
      ),
    );
    expect(acks.every((a) => a.status === 202)).toBe(true);
    expect(await srv.stop('SIGTERM')).toBe(0);
    const doc = JSON.parse(await readFile(state, 'utf8')) as { events: Array<{ id: string }> };
    const stored = new Set(doc.events.map((e) => e.id));
    for (const a of acks) expect(stored.has((a.json() as { id: string }).id)).toBe(true);
    await expect(readFile(`${state}.lock`)).rejects.toThrow();
  });

  it('a second server on the same state file refuses to start', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'harden-lock-'));
    const first = await spawnServer(['--state', join(dir, 'state.json'), '--log-file', join(dir, 'log')]);
    try {
      await expect(spawnServer(['--state', join(dir, 'state.json')])).rejects.toThrow(/in use by process/);
    } finally {
      await first.stop();
    }
  });
});
