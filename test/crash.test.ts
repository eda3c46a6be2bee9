import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../fixtures/prng.js';

const BIN = fileURLToPath(new URL('../bin/harden-server.js', import.meta.url));
/** Replay a failing run with CRASH_SEED=<seed>. */
const SEED = Number(process.env.CRASH_SEED ?? 20261128);
const ROUNDS = 20;

async function startServer(state: string) {
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--port', '0', '--state', state, '--log-file', `${state}.log`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { child, url, exited };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-crash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it(`every acknowledged event survives SIGKILL at random moments (${ROUNDS} rounds, seed ${SEED})`, async () => {
    const random = prng(SEED);
    const state = join(dir, 'state.json');
    const acked = new Set<string>();
    let sent = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { child, url, exited } = await startServer(state);
      const pool = new Pool(url, { connections: 20 });
      const killAfterMs = 20 + Math.floor(random() * 200);
      let stop = false;
      // The kill comes at a random moment after the round's first acknowledgement (not after the
      // start), so every round crashes a server that is writing, however busy the machine.
      let firstAck!: () => void;
      const acknowledged = new Promise<void>((resolve) => {
        firstAck = resolve;
      });
      const client = async (c: number) => {
        for (let i = 0; !stop; i++) {
          sent++;
          try {
            const res = await pool.request({
              method: 'POST',
              path: '/v1/webhooks/events',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ type: 'crash', value: round * 1000 + c * 100 + i, series: `r${round}` }),
            });
            const text = await res.body.text();
            if (res.statusCode === 202) {
              acked.add((JSON.parse(text) as { id: string }).id);
              firstAck();
            }
          } catch {
            return; // the server died mid-request: this event was never acknowledged
          }
        }
      };
      const clients = Array.from({ length: 20 }, (_, c) => client(c));
      await acknowledged;
      await new Promise((r) => setTimeout(r, killAfterMs));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await exited;
      await pool.destroy();

      // After every crash the state file parses and contains every event acknowledged so far.
      const doc = JSON.parse(await readFile(state, 'utf8').catch(() => '{"events":[]}')) as {
        events: Array<{ id: string }>;
      };
      const stored = new Set(doc.events.map((e) => e.id));
      const lost = [...acked].filter((id) => !stored.has(id));
      expect(lost, `round ${round} (kill after ${killAfterMs} ms, seed ${SEED})`).toEqual([]);
    }
    // Every round acknowledged events before its crash (how many depends on the machine).
    expect(acked.size).toBeGreaterThan(ROUNDS);
    expect(sent).toBeGreaterThan(acked.size);
    // A restart after the last crash succeeds and removes any temp file a killed writer left.
    const { child, url, exited } = await startServer(state);
    const pool = new Pool(url);
    const res = await pool.request({ method: 'GET', path: '/readyz' });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await pool.close();
    child.kill('SIGTERM');
    await exited;
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 120_000);
});
