import { createHash } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServerCli } from '../server/cli.js';
import { StateStore } from '../server/store/state-store.js';
import { spawnServer } from './helpers/child-server.js';
import { call } from './helpers/http.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-backup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function server(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runServerCli(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: {},
  });
  return { code, stdout, stderr };
}

/** Adds `events` events to the database at `name` (created if needed); returns its path. */
async function makeState(name: string, events: number): Promise<string> {
  const path = join(dir, name);
  const store = await StateStore.open({ path });
  await Promise.all(
    Array.from({ length: events }, (_, i) => store.append({ type: 't', series: 's', value: i })),
  );
  await store.close();
  return path;
}

async function ids(path: string): Promise<string[]> {
  const store = await StateStore.open({ path });
  try {
    return [...store.eventPages()].flat().map((e) => e.id);
  } finally {
    await store.close();
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Rewrites a backup's payload with `change` and gives it a matching header (checksum passes). */
function reseal(backup: Buffer, change: (payload: Buffer) => Buffer): Buffer {
  const nl = backup.indexOf(0x0a);
  const header = JSON.parse(backup.subarray(0, nl).toString());
  const payload = change(Buffer.from(backup.subarray(nl + 1)));
  const sealed = { ...header, bytes: payload.length, sha256: sha256(payload) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(sealed)}\n`), payload]);
}

describe('backup, verify, restore', () => {
  it('backup → restore brings back exactly the events of the snapshot', async () => {
    const state = await makeState('a.db', 25);
    const original = await ids(state);
    const b = await server(['backup', '--state', state, '--out', join(dir, 'a.bak')]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/25 events, \d+ bytes, sha256 [0-9a-f]{64}/);
    const v = await server(['verify', join(dir, 'a.bak')]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^ok: backup v2, 25 events, created .*, sha256 verified, integrity_check ok\n$/);
    await makeState('a.db', 3);
    expect(await ids(state)).toHaveLength(28);
    const r = await server(['restore', '--from', join(dir, 'a.bak'), '--state', state]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`restored 25 events from ${join(dir, 'a.bak')} into ${state}\n`);
    expect(await ids(state)).toEqual(original);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('refuses to overwrite an existing --out without --force', async () => {
    const state = await makeState('o.db', 2);
    const out = join(dir, 'o.bak');
    await writeFile(out, 'precious');
    const refused = await server(['backup', '--state', state, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/o\.bak already exists; choose another --out or pass --force/);
    expect(await readFile(out, 'utf8')).toBe('precious');
    const forced = await server(['backup', '--state', state, '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((await server(['verify', out])).stdout).toMatch(/^ok: backup v2, 2 events/);
  });

  const corruptions: Array<[string, (data: Buffer) => Buffer, RegExp]> = [
    [
      'a flipped byte in the payload',
      (d) => {
        const c = Buffer.from(d);
        const i = c.length - 20;
        c[i] = c[i]! ^ 0x01;
        return c;
      },
      /is a corrupt backup: the SHA-256 of its payload does not match/,
    ],
    ['a truncated file', (d) => d.subarray(0, d.length - 100), /truncated/],
    [
      'a future format version',
      (d) => {
        const nl = d.indexOf(0x0a);
        const header = JSON.parse(d.subarray(0, nl).toString());
        header.version = 99;
        return Buffer.concat([Buffer.from(JSON.stringify(header)), d.subarray(nl)]);
      },
      /format version 99.*upgrade/,
    ],
    ['not a backup at all', () => Buffer.from('hello'), /is text that is not a harden-server backup/],
    [
      'a database that passes its checksum but not PRAGMA integrity_check',
      (d) =>
        reseal(d, (db) => {
          // Scramble the second page (a b-tree page of the schema's tables), keep the header page.
          db.fill(0x5a, 4096 + 8, 4096 + 200);
          return db;
        }),
      /integrity_check|not a usable database|malformed/,
    ],
  ];
  for (const [name, corrupt, message] of corruptions) {
    it(`refuses ${name} and leaves the current state untouched`, async () => {
      const state = await makeState(`c-${name.length}.db`, 10);
      const bak = join(dir, `c-${name.length}.bak`);
      expect((await server(['backup', '--state', state, '--out', bak])).code).toBe(0);
      await writeFile(bak, corrupt(await readFile(bak)));
      const v = await server(['verify', bak]);
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(message);
      await makeState(`c-${name.length}.db`, 2);
      const before = await ids(state);
      const r = await server(['restore', '--from', bak, '--state', state]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(await ids(state)).toEqual(before);
      expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    });
  }

  it('verify checks a bare database and a version-1 state.json; restore takes a version-1 backup', async () => {
    const state = await makeState('bare.db', 4);
    expect((await server(['verify', state])).stdout).toBe('ok: database, 4 events, integrity_check ok\n');
    const now = new Date().toISOString();
    const v1 = Buffer.from(
      JSON.stringify({
        format: 'harden-state',
        version: 1,
        updatedAt: now,
        events: [{ id: 'old-1', receivedAt: now, type: 't', series: 's', value: 7 }],
      }),
    );
    await writeFile(join(dir, 'old.json'), v1);
    expect((await server(['verify', join(dir, 'old.json')])).stdout).toBe('ok: state file, 1 events\n');
    const header = {
      format: 'harden-backup',
      version: 1,
      createdAt: now,
      events: 1,
      bytes: v1.length,
      sha256: sha256(v1),
    };
    await writeFile(join(dir, 'old.bak'), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), v1]));
    expect((await server(['verify', join(dir, 'old.bak')])).stdout).toMatch(/^ok: backup v1, 1 events/);
    const r = await server(['restore', '--from', join(dir, 'old.bak'), '--state', state]);
    expect(r.code, r.stderr).toBe(0);
    expect(await ids(state)).toEqual(['old-1']);
  });

  it('restores over a database a killed server left with its WAL, without replaying that WAL', async () => {
    const state = await makeState('crashed.db', 3);
    const bak = join(dir, 'crashed.bak');
    expect((await server(['backup', '--state', state, '--out', bak])).code).toBe(0);
    const wanted = await ids(state);
    const live = await spawnServer(['--state', state, '--log-file', join(dir, 'crashed.log')]);
    for (let i = 0; i < 20; i++) {
      const r = await call(`${live.url}/v1/webhooks/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"type":"after","value":${i}}`,
      });
      expect(r.status).toBe(202);
    }
    await live.stop('SIGKILL');
    // The killed server's commits are still in its WAL, not yet in the database file.
    await access(`${state}-wal`);
    const r = await server(['restore', '--from', bak, '--state', state]);
    expect(r.code, r.stderr).toBe(0);
    await expect(access(`${state}-wal`)).rejects.toThrow();
    expect(await ids(state)).toEqual(wanted);
    expect((await server(['verify', state])).stdout).toBe('ok: database, 3 events, integrity_check ok\n');
  });

  it('backs up consistently while a server writes, and restore refuses while it runs', async () => {
    const state = await makeState('live.db', 5);
    const bak = join(dir, 'live.bak');
    expect((await server(['backup', '--state', state, '--out', bak])).code).toBe(0);
    const live = await spawnServer(['--state', state, '--log-file', join(dir, 'live.log')]);
    try {
      const acked: string[] = [];
      const writes = Array.from({ length: 200 }, async (_, i) => {
        const r = await call(`${live.url}/v1/webhooks/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"type":"x","value":${i}}`,
        });
        if (r.status === 202) acked.push((r.json() as { id: string }).id);
      });
      await new Promise((r) => setTimeout(r, 20));
      const ackedBefore = acked.length;
      const during = await server(['backup', '--state', state, '--out', join(dir, 'during.bak')]);
      await Promise.all(writes);
      expect(during.code, during.stderr).toBe(0);
      const verified = await server(['verify', join(dir, 'during.bak')]);
      expect(verified.code, verified.stderr).toBe(0);
      const events = Number(/(\d+) events/.exec(verified.stdout)?.[1]);
      expect(events).toBeGreaterThanOrEqual(5 + ackedBefore);
      expect(events).toBeLessThanOrEqual(5 + 200);
      const r = await server(['restore', '--from', bak, '--state', state]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /a server \(pid \d+\) is using .*stop it \(SIGTERM\), run restore, then start it again/,
      );
    } finally {
      await live.stop();
    }
    expect(await ids(state)).toHaveLength(205);
  });
});
