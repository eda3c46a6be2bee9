import { spawn } from 'node:child_process';
import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../fixtures/prng.js';
import { verifyFile } from '../server/store/backup.js';

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

/** `harden-server backup` in its own process; resolves with its exit code (null when killed). */
function startBackup(state: string, out: string) {
  const child = spawn(process.execPath, [BIN, 'backup', '--state', state, '--out', out, '--force'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => err };
}

/** Ids in the database, read the way a restarted server would (recovering the WAL). */
function storedIds(state: string): Set<string> {
  const db = new Database(state);
  try {
    return new Set((db.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((r) => r.id));
  } finally {
    db.close();
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-crash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it(`every acknowledged event survives SIGKILL at random moments, also during backups (${ROUNDS} rounds, seed ${SEED})`, async () => {
    const random = prng(SEED);
    const state = join(dir, 'state.db');
    const out = join(dir, 'state.bak');
    let backupsDone = 0;
    let backupsKilled = 0;
    const acked = new Set<string>();
    let sent = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { child, url, exited } = await startServer(state);
      const pool = new Pool(url, { connections: 20 });
      const killAfterMs = 20 + Math.floor(random() * 200);
      // The kill clock starts at the round's first acknowledgement (at most 5 s after start-up), so
      // every round is killed amid acknowledged writes however slow a busy machine starts.
      let firstAck!: () => void;
      const acking = new Promise<void>((r) => {
        firstAck = r;
        setTimeout(r, 5000);
      });
      let stop = false;
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
      // Two rounds in three run a backup beside the writes; in half of those the backup is killed too.
      const mode = random();
      const backupAfterMs = Math.floor(random() * killAfterMs);
      const killBackupAfterMs = Math.floor(random() * 150);
      let backup: ReturnType<typeof startBackup> | undefined;
      if (mode < 2 / 3) {
        void acking.then(() =>
          setTimeout(() => {
            backup = startBackup(state, out);
            if (mode < 1 / 3) setTimeout(() => backup!.child.kill('SIGKILL'), killBackupAfterMs);
          }, backupAfterMs),
        );
      }
      await acking;
      await new Promise((r) => setTimeout(r, killAfterMs));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await exited;
      await pool.destroy();
      const label = `round ${round} (kill after ${killAfterMs} ms, mode ${mode.toFixed(2)}, seed ${SEED})`;
      if (backup) {
        const code = await backup.exited;
        if (code === 0) backupsDone++;
        else {
          expect(backup.child.signalCode, `${label}: ${backup.stderr()}`).toBe('SIGKILL');
          backupsKilled++;
        }
        // Whatever was killed, the backup file is either absent or complete and sound.
        const present = await access(out).then(
          () => true,
          () => false,
        );
        if (code === 0) expect(present, label).toBe(true);
        if (present) await expect(verifyFile(out), label).resolves.toMatchObject({ kind: 'backup' });
      }

      // After every crash the database opens and contains every event acknowledged so far.
      const stored = storedIds(state);
      const lost = [...acked].filter((id) => !stored.has(id));
      expect(lost, label).toEqual([]);
    }
    expect(acked.size).toBeGreaterThan(ROUNDS);
    expect(sent).toBeGreaterThan(acked.size);
    expect(backupsDone, 'backups that completed').toBeGreaterThan(0);
    expect(backupsKilled, 'backups killed midway').toBeGreaterThan(0);
    // A backup after the rounds removes the temp files killed backups left, and verifies.
    const last = startBackup(state, out);
    expect(await last.exited, last.stderr()).toBe(0);
    await expect(verifyFile(out)).resolves.toMatchObject({ kind: 'backup', events: storedIds(state).size });
    // A restart after the last crash succeeds.
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
