import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../server/store/state-store.js';

const SERVER_BIN = fileURLToPath(new URL('../bin/harden-server.js', import.meta.url));

function verify(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER_BIN, 'verify', file]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every entry of `dir` with the SHA-256 of its content: what "exactly as it was" compares. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort())
    out[name] = createHash('sha256')
      .update(await readFile(join(dir, name)))
      .digest('hex');
  return out;
}

let root: string;
let clean: string;
let crashed: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'harden-verify-dir-'));
  clean = join(root, 'clean');
  crashed = join(root, 'crashed');
  const live = join(root, 'live');
  for (const d of [clean, crashed, live]) await mkdir(d);
  const state = join(live, 'state.db');
  let store = await StateStore.open({ path: state });
  await Promise.all(Array.from({ length: 5 }, (_, i) => store.append({ type: 't', series: 's', value: i })));
  await store.close();
  // A clean stop: the WAL is checkpointed and removed, the file stays in WAL mode.
  await copyFile(state, join(clean, 'state.db'));
  // A server stopped without a checkpoint: 3 more committed events live only in state.db-wal.
  store = await StateStore.open({ path: state });
  await Promise.all(Array.from({ length: 3 }, (_, i) => store.append({ type: 't', series: 's', value: i })));
  await copyFile(state, join(crashed, 'state.db'));
  await copyFile(`${state}-wal`, join(crashed, 'state.db-wal'));
  await store.close();
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('harden-server verify leaves the directory of the file it checks as it was', () => {
  it('a WAL-mode database without a -wal file', async () => {
    const before = await snapshot(clean);
    expect(Object.keys(before)).toEqual(['state.db']);
    const r = await verify(join(clean, 'state.db'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: database, 5 events, integrity_check ok\n');
    expect(r.code).toBe(0);
    expect(await snapshot(clean)).toEqual(before);
  });

  it('a database whose committed events are still in its -wal file: counted, files untouched', async () => {
    const before = await snapshot(crashed);
    expect(Object.keys(before)).toEqual(['state.db', 'state.db-wal']);
    const r = await verify(join(crashed, 'state.db'));
    expect(r.stdout).toBe('ok: database, 8 events, integrity_check ok\n');
    expect(r.code).toBe(0);
    expect(await snapshot(crashed)).toEqual(before);
  });

  it('a truncated database: refused in one line, nothing created beside it', async () => {
    const dir = join(root, 'truncated');
    await mkdir(dir);
    const file = join(dir, 'state.db');
    await copyFile(join(clean, 'state.db'), file);
    await truncate(file, 4096 + 100);
    const before = await snapshot(dir);
    const r = await verify(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^harden-server: [^\n]*state\.db[^\n]*\n$/);
    expect(await snapshot(dir)).toEqual(before);
  });
});
