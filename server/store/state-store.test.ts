import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from './state-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('StateStore', () => {
  it('group-commits concurrent appends into few writes, each acknowledged event on disk', async () => {
    const store = await StateStore.open({ path: join(dir, 'state.json') });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.append({ type: 't', series: 's', value: i })),
    );
    expect(store.writes).toBeLessThan(20);
    const doc = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as {
      events: Array<{ id: string }>;
    };
    const ids = new Set(doc.events.map((e) => e.id));
    for (const r of results) expect(ids.has(r.event.id)).toBe(true);
    await store.close();
  });

  it('returns the first result for a repeated Idempotency-Key and stores nothing new', async () => {
    const store = await StateStore.open({ path: join(dir, 'state.json') });
    const [a, b] = await Promise.all([
      store.append({ type: 't', series: 's', value: 1 }, 'key-1'),
      store.append({ type: 't', series: 's', value: 2 }, 'key-1'),
    ]);
    const c = await store.append({ type: 't', series: 's', value: 3 }, 'key-1');
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ duplicate: true, event: { id: a.event.id } });
    expect(c).toMatchObject({ duplicate: true, event: { id: a.event.id } });
    expect(store.events).toHaveLength(1);
    const raw = await readFile(join(dir, 'state.json'), 'utf8');
    expect(raw).not.toContain('key-1');
    await store.close();
  });

  it('keeps only the newest events past the retention bound, across restarts', async () => {
    const path = join(dir, 'state.json');
    let store = await StateStore.open({ path, retention: 5 });
    for (let i = 0; i < 8; i++) await store.append({ type: 't', series: 's', value: i });
    await store.close();
    store = await StateStore.open({ path, retention: 5 });
    expect(store.events.map((e) => e.value)).toEqual([3, 4, 5, 6, 7]);
    await store.close();
  });

  it('removes temp files a crash left and refuses a corrupt state file', async () => {
    const path = join(dir, 'state.json');
    await writeFile(join(dir, '.state.json.tmp-999-abcd'), 'partial');
    const store = await StateStore.open({ path });
    await store.close();
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await writeFile(path, '{"format":"harden-state","version":1,"updat');
    await expect(StateStore.open({ path })).rejects.toMatchObject({ code: 'STATE_INVALID' });
  });

  it('takes over a stale lock left by a dead process', async () => {
    const path = join(dir, 'state.json');
    await writeFile(`${path}.lock`, '999999\n');
    const store = await StateStore.open({ path });
    expect(store.isOpen()).toBe(true);
    await store.close();
  });
});

describe('StateStore write failures', () => {
  it('rejects the batch, keeps the committed state, and reports the failure until a write succeeds', async () => {
    const { mkdir } = await import('node:fs/promises');
    const sub = join(dir, 'gone');
    await mkdir(sub);
    const store = await StateStore.open({ path: join(sub, 'state.json') });
    await store.append({ type: 't', series: 's', value: 1 });
    // Replace the state directory by a file: every write now fails (ENOTDIR), even as root.
    await rm(sub, { recursive: true });
    await writeFile(sub, 'not a directory');
    await expect(store.append({ type: 't', series: 's', value: 2 })).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    expect(store.lastWriteError).toBe('ENOTDIR');
    expect(store.events.map((e) => e.value)).toEqual([1]);
    await rm(sub);
    await mkdir(sub);
    await store.append({ type: 't', series: 's', value: 3 });
    expect(store.lastWriteError).toBeUndefined();
    expect(store.events.map((e) => e.value)).toEqual([1, 3]);
    await store.close();
  });
});
