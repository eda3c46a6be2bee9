import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

async function makeState(name: string, events: number): Promise<string> {
  const path = join(dir, name);
  const store = await StateStore.open({ path });
  await Promise.all(
    Array.from({ length: events }, (_, i) => store.append({ type: 't', series: 's', value: i })),
  );
  await store.close();
  return path;
}

describe('backup, verify, restore', () => {
  it('backup → restore round-trips byte-identical state', async () => {
    const state = await makeState('a.json', 25);
    const original = await readFile(state);
    const b = await server(['backup', '--state', state, '--out', join(dir, 'a.bak')]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/25 events, \d+ bytes, sha256 [0-9a-f]{64}/);
    const v = await server(['verify', join(dir, 'a.bak')]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^ok: backup v1, 25 events/);
    // Change the state, then restore: the old bytes come back exactly.
    await makeState('a.json', 3);
    expect(await readFile(state)).not.toEqual(original);
    const r = await server(['restore', '--from', join(dir, 'a.bak'), '--state', state]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(state)).toEqual(original);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
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
      /corrupt: SHA-256/,
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
    ['not a backup at all', () => Buffer.from('hello'), /not a backup/],
  ];
  for (const [name, corrupt, message] of corruptions) {
    it(`refuses ${name} and leaves the current state untouched`, async () => {
      const state = await makeState(`c-${name.length}.json`, 10);
      const bak = join(dir, `c-${name.length}.bak`);
      expect((await server(['backup', '--state', state, '--out', bak])).code).toBe(0);
      await writeFile(bak, corrupt(await readFile(bak)));
      const v = await server(['verify', bak]);
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(message);
      await makeState(`c-${name.length}.json`, 2);
      const before = await readFile(state);
      const r = await server(['restore', '--from', bak, '--state', state]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(await readFile(state)).toEqual(before);
    });
  }

  it('verify checks a bare state file too', async () => {
    const state = await makeState('bare.json', 4);
    const v = await server(['verify', state]);
    expect(v.stdout).toBe('ok: state file, 4 events\n');
  });

  it('restore refuses while a live server holds the state, and says how to do it safely', async () => {
    const state = await makeState('live.json', 5);
    const bak = join(dir, 'live.bak');
    expect((await server(['backup', '--state', state, '--out', bak])).code).toBe(0);
    const live = await spawnServer(['--state', state, '--log-file', join(dir, 'live.log')]);
    try {
      // Backup is safe while the server writes: it reads one whole version of the file.
      const writes = Array.from({ length: 20 }, (_, i) =>
        call(`${live.url}/v1/webhooks/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"type":"x","value":${i}}`,
        }),
      );
      const during = await server(['backup', '--state', state, '--out', join(dir, 'during.bak')]);
      await Promise.all(writes);
      expect(during.code).toBe(0);
      expect((await server(['verify', join(dir, 'during.bak')])).code).toBe(0);
      const before = await readFile(state);
      const r = await server(['restore', '--from', bak, '--state', state]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /a server \(pid \d+\) is using .*stop it \(SIGTERM\), run restore, then start it again/,
      );
      expect(await readFile(state)).toEqual(before);
    } finally {
      await live.stop();
    }
  });
});
