import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { spawnServer } from './helpers/child-server.js';
import { call } from './helpers/http.js';

const BIN = fileURLToPath(new URL('../bin/harden-server.js', import.meta.url));
const DRAIN_MS = 2000;

interface Piped {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** harden-server with stdout and stderr both piped to this test; resolves once it listens. */
async function startPiped(args: string[]): Promise<Piped> {
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--port', '0', '--drain-ms', String(DRAIN_MS), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout!.resume();
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    exited.then(({ code }) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { child, url, exited };
}

/**
 * SIGTERM, then the exit and the ms it took; a process still alive after `limitMs` is killed
 * (SIGKILL) and reported as `hung`, so a hang fails the assertion instead of the test timing out.
 */
async function terminate(p: Piped, limitMs: number) {
  const t0 = performance.now();
  p.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), limitMs);
  });
  const result = await Promise.race([p.exited, hung]);
  clearTimeout(timer);
  if (result === 'hung') {
    p.child.kill('SIGKILL');
    await p.exited;
    return { hung: true, code: null, ms: performance.now() - t0 };
  }
  return { hung: false, code: result.code, ms: performance.now() - t0 };
}

/** Closes this side of the child's stdout and stderr pipes: its next writes there fail (EPIPE). */
function closeConsole(p: Piped): void {
  p.child.stdout!.destroy();
  p.child.stderr!.destroy();
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-epipe-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('SIGTERM with the console pipes closed', () => {
  for (const [name, logArgs] of [
    ['log lines on stdout', () => [] as string[]],
    ['log lines in --log-file', () => ['--log-file', join(dir, 'server.log')]],
  ] as const) {
    it(`${name}: drains, exits 0 within --drain-ms of an intact-pipe stop, releases the database`, async () => {
      const state = join(dir, `${name.replace(/\W+/g, '-')}.db`);
      const args = ['--state', state, ...logArgs()];
      // Reference: the same server, pipes intact, stopped the same way.
      const reference = await startPiped(args);
      expect((await call(`${reference.url}/healthz`)).status).toBe(200);
      const ref = await terminate(reference, 10 * DRAIN_MS);
      expect(ref).toMatchObject({ hung: false, code: 0 });

      const broken = await startPiped(args);
      closeConsole(broken);
      // Requests after the close: access-log lines pending for stdout (or the file).
      for (let i = 0; i < 3; i++) expect((await call(`${broken.url}/healthz`)).status).toBe(200);
      // Within the drain grace beyond the reference; before the fix it never exited (stdout) or
      // exited 1 mid-drain on the first stderr line (--log-file).
      const stop = await terminate(broken, ref.ms + DRAIN_MS);
      expect(stop).toMatchObject({ hung: false, code: 0 });

      if (logArgs().length > 0) {
        const log = await readFile(logArgs()[1]!, 'utf8');
        expect(log.match(/"event":"stop"/g)).toHaveLength(2);
      }
      // The lock is released: a new server starts on the same database.
      const again = await spawnServer(args);
      expect((await call(`${again.url}/healthz`)).status).toBe(200);
      expect(await again.stop()).toBe(0);
    });
  }
});

/** `start` on `port`, with stdout closed or not; its exit code and the ms until it ended (SIGKILL after `limitMs`). */
async function failingStart(port: number, state: string, closeStdout: boolean, limitMs: number) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'start', '--port', String(port), '--state', state], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (closeStdout) child.stdout!.destroy();
  else child.stdout!.resume();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  return { code, signal, stderr, ms: performance.now() - t0 };
}

describe('a start that fails with stdout closed', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('port in use: exits 1 with its one line, though log lines for stdout were pending', async () => {
    const ref = await failingStart(port, join(dir, 'in-use-ref.db'), false, 60_000);
    expect(ref).toMatchObject({ code: 1, signal: null });
    // Before the fix, the exit-time flush of the pending lines retried EPIPE forever.
    const r = await failingStart(port, join(dir, 'in-use.db'), true, 3 * ref.ms + DRAIN_MS);
    expect(r).toMatchObject({ code: 1, signal: null });
    expect(r.stderr).toBe(ref.stderr);
    expect(r.stderr).toMatch(/^harden-server: port \d+ on 127\.0\.0\.1 is already in use/);
  });
});
