import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { countingServer, runCliBin, spawnCli } from './helpers/spawn-cli.js';

let dir: string;
let server: Awaited<ReturnType<typeof countingServer>>;
const load = (file: string, duration: string) => [
  server.url,
  '--endpoint',
  'GET /',
  '--checks',
  'slo',
  '--rate',
  '30',
  '--duration',
  duration,
  // Latency targets no busy machine misses: these tests are about merging, not about latency.
  '--slo-p95',
  '60000',
  '--slo-p99',
  '60000',
  '--quiet',
  '--format',
  'json',
  '--output',
  file,
];
const read = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Report;
const exitOf = (r: Report) => (r.verdict === 'pass' ? 0 : 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-merge-same-'));
  server = await countingServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('harden-check merge of real runs', () => {
  it('refuses one run given twice (same file, or a copy) with exit 2 naming both files', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const copy = join(dir, 'a-copy.json');
    for (const f of [a, b]) expect((await runCliBin(load(f, '1'))).code).toBe(0);
    await copyFile(a, copy);
    for (const [files, why] of [
      [[a, a], /are the same file/],
      [[a, b, copy], /are the same run/],
    ] as const) {
      const r = await runCliBin(['merge', ...files, '--format', 'json']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain(a);
      expect(r.stderr).toContain(files[files.length - 1]!);
    }
    // Two distinct runs still merge: requests add up, the exit code is the merged verdict's.
    const r = await runCliBin(['merge', a, b, '--format', 'json']);
    const merged = JSON.parse(r.stdout) as Report;
    const [ra, rb] = [await read(a), await read(b)];
    expect(merged.latency!.requests).toBe(ra.latency!.requests + rb.latency!.requests);
    expect(r.code, r.stderr).toBe(exitOf(merged));
  });

  it('merges an interrupted run marked interrupted, and exits with the verdict, not 130', async () => {
    const part = join(dir, 'interrupted.json');
    const whole = join(dir, 'whole.json');
    expect((await runCliBin(load(whole, '1'))).code).toBe(0);
    const before = server.seen();
    const run = spawnCli(load(part, '60'));
    while (server.seen() - before < 15 && run.child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(130);
    expect((await read(part)).execution?.interrupted?.signal).toBe('SIGINT');
    for (const files of [[part], [part, whole]]) {
      const r = await runCliBin(['merge', ...files, '--format', 'json']);
      const merged = JSON.parse(r.stdout) as Report;
      expect(merged.execution?.interrupted).toBeDefined();
      expect(r.code, r.stderr).not.toBe(130);
      expect(r.code).toBe(exitOf(merged));
    }
  });
});
