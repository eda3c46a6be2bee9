import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../server/store/state-store.js';

const SERVER_BIN = fileURLToPath(new URL('../bin/harden-server.js', import.meta.url));

/** `harden-server ARGS` as a process: its exit code and output. */
function serverBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER_BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let backup: Buffer;
let database: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-verify-'));
  database = join(dir, 'state.db');
  const store = await StateStore.open({ path: database });
  await Promise.all(Array.from({ length: 5 }, (_, i) => store.append({ type: 't', series: 's', value: i })));
  await store.close();
  const out = join(dir, 'good.bak');
  expect((await serverBin(['backup', '--state', database, '--out', out])).code).toBe(0);
  backup = await readFile(out);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const EXPECTED =
  /expected a harden-server backup \(a \{"format":"harden-backup",…\} line, then the database\)/;

/** Each case: how to make the file, what verify must say it is. */
const CASES: Array<[string, (path: string) => Promise<void>, RegExp]> = [
  ['a missing file', async () => {}, /^no file at .*; expected a harden-server backup/],
  ['a directory', (p) => mkdir(p), /is a directory, not a file; expected/],
  ['an empty file', (p) => writeFile(p, ''), /is empty \(0 bytes\); expected/],
  [
    'a text file',
    (p) => writeFile(p, 'hello\n'),
    /is text that is not a harden-server backup, database or state file; expected/,
  ],
  [
    'binary data',
    (p) => writeFile(p, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 0xff])),
    /is binary data that is not/,
  ],
  [
    'a JSON document of another kind',
    (p) => writeFile(p, '{"name":"pkg","version":"1.0.0"}\n'),
    /is a JSON document, not a harden-server state\.json/,
  ],
  [
    'a state.json cut short',
    (p) => writeFile(p, '{"format":"harden-state","version":1,"events":[{"id"'),
    /looks like JSON but does not parse .*truncated or corrupt state\.json/,
  ],
  [
    'a state.json that fails its schema',
    (p) =>
      writeFile(
        p,
        JSON.stringify({ format: 'harden-state', version: 1, updatedAt: 'yesterday', events: [] }),
      ),
    /is a harden-server state\.json that cannot be used: does not match the state schema at \/updatedAt/,
  ],
  [
    'a backup cut inside its header line',
    (p) => writeFile(p, backup.subarray(0, 40)),
    /starts like a harden-server backup, but its header line is cut off/,
  ],
  [
    'a truncated backup',
    (p) => writeFile(p, backup.subarray(0, backup.length - 100)),
    /is a truncated backup: its header announces \d+ bytes of payload, the file holds \d+/,
  ],
  [
    'a backup with bytes appended',
    (p) => writeFile(p, Buffer.concat([backup, Buffer.from('x')])),
    /is a backup with 1 bytes more than its header announces/,
  ],
  [
    'a backup whose checksum does not match',
    (p) => {
      const c = Buffer.from(backup);
      c[c.length - 20] = c[c.length - 20]! ^ 0x01;
      return writeFile(p, c);
    },
    /is a corrupt backup: the SHA-256 of its payload does not match its header/,
  ],
  [
    'an SQLite database of another application',
    async (p) => {
      const db = new Database(p);
      db.exec('CREATE TABLE t (x)');
      db.close();
    },
    /is an SQLite database of another application/,
  ],
  [
    'a database that fails integrity_check',
    async (p) => {
      const d = Buffer.from(await readFile(database));
      d.fill(0x5a, 4096 + 8, 4096 + 200);
      await writeFile(p, d);
    },
    /^FILE is an SQLite database that fails PRAGMA integrity_check: /,
  ],
];

describe('harden-server verify says what a file is and what was expected', () => {
  for (const [name, make, message] of CASES) {
    it(name, async () => {
      const path = join(dir, name.replace(/\W+/g, '-'));
      await make(path);
      const r = await serverBin(['verify', path]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^harden-server: /);
      expect(lines[0]!.replace(/^harden-server: /, '').replace(path, 'FILE')).toMatch(message);
      expect(lines[0]).not.toMatch(/not valid JSON/);
    });
  }

  it('the refusal of a non-backup names what is accepted', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'hello\n');
    expect((await serverBin(['verify', path])).stderr).toMatch(EXPECTED);
  });

  it('a good backup, database and state.json still verify (exit 0)', async () => {
    const bak = join(dir, 'ok.bak');
    await writeFile(bak, backup);
    expect(await serverBin(['verify', bak])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^ok: backup v2, 5 events/),
    });
    expect(await serverBin(['verify', database])).toMatchObject({
      code: 0,
      stdout: 'ok: database, 5 events, integrity_check ok\n',
    });
  });

  it('restore refuses a non-backup with the same line and leaves the state alone', async () => {
    const path = join(dir, 'restore-me.json');
    await writeFile(path, '{"name":"pkg"}');
    const before = await readFile(database);
    const r = await serverBin(['restore', '--from', path, '--state', database]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is a JSON document, not a harden-server state\.json/);
    expect(await readFile(database)).toEqual(before);
  });
});
