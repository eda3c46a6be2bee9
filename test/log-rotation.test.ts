import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { spawnServer } from './helpers/child-server.js';
import { call } from './helpers/http.js';

const SAMPLE = fileURLToPath(new URL('../docs/ops/logrotate.conf', import.meta.url));
const BYPASS = 'rotation-bypass-key-0123456789';
const REQUESTS = 3000;
const ROTATIONS = 3;

interface LogLine {
  event?: string;
  msg?: string;
  reqId?: string;
}

/** Every JSON line of every file the rotation left (plain and gzip), each parsed (a torn line throws). */
async function readAllLogs(dir: string): Promise<Map<string, LogLine[]>> {
  const files = new Map<string, LogLine[]>();
  // Oldest first: server.log.3.gz, server.log.2.gz, server.log.1, server.log.
  const age = (name: string) => Number(/^server\.log\.(\d+)/.exec(name)?.[1] ?? 0);
  const names = (await readdir(dir)).filter((n) => n.startsWith('server.log'));
  for (const name of names.sort((a, b) => age(b) - age(a))) {
    const raw = await readFile(join(dir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    files.set(
      name,
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogLine),
    );
  }
  return files;
}

describe('log rotation (docs/ops/logrotate.conf, real logrotate, SIGHUP)', () => {
  it(`rotates ${ROTATIONS} times under load and loses no line`, async () => {
    const version = spawnSync('logrotate', ['--version'], { encoding: 'utf8' });
    expect(version.error, 'logrotate is missing (apt-get install -y logrotate)').toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'harden-rotate-'));
    const log = join(dir, 'server.log');
    const pidFile = join(dir, 'server.pid');
    // The sample as shipped, pointed at this test's files (and owned by whoever runs the test).
    const config = (await readFile(SAMPLE, 'utf8'))
      .replaceAll('/var/log/harden/server.log', log)
      .replaceAll('/run/harden/server.pid', pidFile)
      .replace(/create 0640 \S+ \S+/, 'create 0640');
    await writeFile(join(dir, 'logrotate.conf'), config, { mode: 0o644 });
    const rotate = () => {
      const r = spawnSync(
        'logrotate',
        ['--force', '--state', join(dir, 'logrotate.state'), join(dir, 'logrotate.conf')],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
    };

    const server = await spawnServer(
      ['--state', join(dir, 'state.json'), '--log-file', log, '--pid-file', pidFile],
      { HARDEN_BYPASS_KEYS: BYPASS },
    );
    const pool = new Pool(server.url, { connections: 8 });
    const ids: string[] = [];
    let sent = 0;
    try {
      expect((await readFile(pidFile, 'utf8')).trim()).toBe(String(server.child.pid));
      const worker = async () => {
        while (sent < REQUESTS) {
          sent++;
          const res = await pool.request({
            path: '/v1/info',
            method: 'GET',
            headers: { 'x-api-key': BYPASS },
          });
          await res.body.text();
          expect(res.statusCode).toBe(200);
          ids.push(res.headers['x-request-id'] as string);
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, worker));
      for (let i = 1; i <= ROTATIONS; i++) {
        while (sent < (REQUESTS * i) / (ROTATIONS + 1)) await new Promise((r) => setTimeout(r, 5));
        rotate();
      }
      await load;
      // SIGHUP did not stop the server: it still answers after every rotation.
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await pool.close();
      expect(await server.stop('SIGTERM')).toBe(0);
    }

    const files = await readAllLogs(dir);
    expect([...files.keys()]).toEqual(['server.log.3.gz', 'server.log.2.gz', 'server.log.1', 'server.log']);
    const lines = [...files.values()].flat();
    const logged = lines.filter((l) => l.msg === 'request').map((l) => l.reqId);
    expect(logged.length).toBe(REQUESTS + 1);
    expect(new Set(logged).size).toBe(logged.length);
    for (const id of ids) expect(logged).toContain(id);
    // Each file after a rotation holds the reopen event; lifecycle events are in the log, in order.
    for (const name of ['server.log', 'server.log.1', 'server.log.2.gz']) {
      expect(files.get(name)!.filter((l) => l.event === 'log_reopened').length, name).toBe(1);
    }
    const events = lines.map((l) => l.event).filter(Boolean);
    expect(events).toEqual([
      'start',
      'ready',
      'log_reopened',
      'log_reopened',
      'log_reopened',
      'drain',
      'stop',
    ]);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('SIGHUP when logging to stdout neither stops nor disturbs the server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harden-hup-'));
    const server = await spawnServer(['--state', join(dir, 'state.json')]);
    try {
      server.child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 200));
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
