import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
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
    const state = join(dir, 'state.db');
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
    // A clean stop checkpoints the WAL into the database file and removes it.
    await expect(readFile(`${state}-wal`)).rejects.toThrow();
    const db = new Database(state, { readonly: true });
    const stored = new Set(
      (db.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((r) => r.id),
    );
    db.close();
    for (const a of acks) expect(stored.has((a.json() as { id: string }).id)).toBe(true);
    await expect(readFile(`${state}.lock`)).rejects.toThrow();
  });

  it('a second server on the same state file refuses to start', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'harden-lock-'));
    const first = await spawnServer(['--state', join(dir, 'state.db'), '--log-file', join(dir, 'log')]);
    try {
      await expect(spawnServer(['--state', join(dir, 'state.db')])).rejects.toThrow(/in use by process/);
    } finally {
      await first.stop();
    }
  });
});

describe('harden-server start refuses bad input with one line', () => {
  it('a busy port, a bad --redis URL, an unreachable Redis, bad --trust-proxy, a bad config file, an unknown flag', async () => {
    const { runServerCli } = await import('../server/cli.js');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'harden-start-'));
    const run = async (args: string[]) => {
      let stderr = '';
      const code = await runServerCli(
        ['start', '--state', join(dir, `${Math.random()}.db`), '--log-file', join(dir, 'log'), ...args],
        {
          stdout: () => undefined,
          stderr: (s) => (stderr += s),
          env: {},
        },
      );
      return { code, stderr };
    };
    const busy = await startTestServer();
    try {
      const cases: Array<[string[], number, RegExp]> = [
        [
          ['--port', String(busy.port)],
          1,
          new RegExp(`port ${busy.port} on 127\\.0\\.0\\.1 is already in use`),
        ],
        [
          ['--port', '0', '--host', '192.0.2.1'],
          1,
          /cannot listen on 192\.0\.2\.1:0: 192\.0\.2\.1 is not an address/,
        ],
        // A bad option value is a usage error (2), like commander's own parse errors below.
        [['--port', '0', '--redis', 'not a url'], 2, /--redis: "not a url" is not a URL/],
        [['--port', '0', '--redis', 'http://127.0.0.1:6379'], 2, /unsupported scheme http:/],
        [['--port', '0', '--redis', 'redis://127.0.0.1:1'], 1, /cannot connect to 127\.0\.0\.1:1/],
        [
          ['--port', '0', '--trust-proxy', '10.0.0.0/abc'],
          2,
          /--trust-proxy: "10\.0\.0\.0\/abc" is not an IP address or CIDR/,
        ],
        [['--port', '99999'], 2, /--port must be an integer from 0 to 65535/],
        [['--frobnicate'], 2, /unknown option/],
      ];
      await writeFile(join(dir, 'bad.json'), '{"apiKeys":[{"name":"x","key":"short","kind":"bypass"}]}');
      cases.push([
        ['--port', '0', '--config', join(dir, 'bad.json')],
        2,
        /--config .*bad\.json: \/apiKeys\/0\/key must NOT have fewer than 16 characters/,
      ]);
      await writeFile(join(dir, 'a-file'), '');
      cases.push([
        ['--port', '0', '--log-file', join(dir, 'a-file', 'server.log')],
        1,
        /--log-file .*a-file\/server\.log: cannot open it for writing \(E[A-Z]+\)$/m,
      ]);
      for (const [args, code, pattern] of cases) {
        const r = await run(args);
        expect(r.code, args.join(' ')).toBe(code);
        expect(r.stderr, args.join(' ')).toMatch(pattern);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      await busy.stop();
    }
  });
});
