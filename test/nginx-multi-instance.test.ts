import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from './helpers/child-server.js';
import { call } from './helpers/http.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { freePort } from './helpers/net.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'harden-nginx-'));
});
afterAll(async () => {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('two instances behind nginx (docs/ops/nginx-two-instances.conf)', () => {
  it('share one rate-limit budget per client, keep their own state, and keep the header contract', async () => {
    expect(NGINX, 'nginx is not installed (apt-get install -y nginx)').toBeDefined();
    const prefix = `test:${randomUUID()}`;
    const common = ['--redis', redis.url, '--redis-prefix', prefix, '--trust-proxy', '127.0.0.1/32'];
    const a = await spawnServer([
      ...common,
      '--state',
      join(dir, 'a/state.db'),
      '--log-file',
      join(dir, 'a.log'),
    ]);
    const b = await spawnServer([
      ...common,
      '--state',
      join(dir, 'b/state.db'),
      '--log-file',
      join(dir, 'b.log'),
    ]);
    const listen = await freePort();
    const sample = await readFile(new URL('../docs/ops/nginx-two-instances.conf', import.meta.url), 'utf8');
    const conf = sample
      .replace('127.0.0.1:8080', `127.0.0.1:${listen}`)
      .replace('127.0.0.1:8081', new URL(a.url).host)
      .replace('127.0.0.1:8082', new URL(b.url).host);
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await writeFile(join(dir, 'nginx.conf'), `user root;\ndaemon off;\n${conf}`);
    const nginx = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let nginxErr = '';
    nginx.stderr!.on('data', (d: Buffer) => (nginxErr += d.toString()));
    const exited = new Promise((r) => nginx.once('exit', r));
    try {
      const url = `http://127.0.0.1:${listen}`;
      for (let i = 0; i < 50; i++) {
        const ok = await call(`${url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // The client connects from 127.0.0.2: an address that is not the trusted proxy's.
      const client = new Agent({ localAddress: '127.0.0.2' });
      // 30 requests from one client through the balancer: exactly the export budget (10) passes.
      const replies = [];
      for (let i = 0; i < 30; i++) replies.push(await call(`${url}/v1/export`, { dispatcher: client }));
      expect(
        replies.filter((r) => r.status === 200),
        nginxErr,
      ).toHaveLength(10);
      expect(replies.filter((r) => r.status === 429)).toHaveLength(20);
      for (const r of replies) expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      // A client-supplied X-Forwarded-For does not buy a fresh budget: nginx appends the real address.
      const spoofed = await call(`${url}/v1/export`, {
        headers: { 'x-forwarded-for': '203.0.113.50' },
        dispatcher: client,
      });
      expect(spoofed.status).toBe(429);
      // Both instances served traffic (round robin), each with its own log and state.
      await Promise.all([
        call(`${url}/v1/webhooks/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"type":"a","value":1}',
        }),
        call(`${url}/v1/webhooks/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"type":"b","value":2}',
        }),
      ]);
    } finally {
      nginx.kill('SIGQUIT');
      await exited;
      await a.stop();
      await b.stop();
    }
    const logA = await readFile(join(dir, 'a.log'), 'utf8');
    const logB = await readFile(join(dir, 'b.log'), 'utf8');
    expect(logA).toContain('/v1/export');
    expect(logB).toContain('/v1/export');
    expect(
      logA.split('\n').filter(Boolean).length + logB.split('\n').filter(Boolean).length,
    ).toBeGreaterThanOrEqual(32);
  }, 60_000);
});
