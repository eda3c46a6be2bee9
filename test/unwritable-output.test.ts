import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingServer, runCliBin } from './helpers/spawn-cli.js';

let dir: string;
let server: Awaited<ReturnType<typeof countingServer>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-unwritable-'));
  server = await countingServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A run that would send traffic: probes plus one second of load at 20 req/s. */
const run = (...extra: string[]) =>
  runCliBin([
    server.url,
    '--endpoint',
    'GET /',
    '--checks',
    'slo',
    '--rate',
    '20',
    '--duration',
    '1',
    ...extra,
  ]);

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe('an output file that cannot be written', () => {
  it('is refused before any traffic: exit 2 and one line naming the option, the path and why', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    const cases: Array<[string[], string, RegExp]> = [
      [['--output', join(file, 'x.txt')], `--output ${join(file, 'x.txt')}`, /is not a directory/],
      [['--report', `junit=${folder}`], `--report junit=${folder}`, /is a directory/],
      [['--export-openslo', join(file, 's.yaml')], '--export-openslo', /is not a directory/],
    ];
    for (const [args, names, why] of cases) {
      const before = server.seen();
      const r = await run(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const line = oneLine(r.stderr);
      expect(line).toContain(names);
      expect(line).toMatch(why);
      expect(server.seen() - before).toBe(0);
    }
    // merge and diff check their --output too, before reading anything.
    for (const cmd of [
      ['merge', join(dir, 'none.json'), '--output', folder],
      ['diff', join(dir, 'none.json'), join(dir, 'none.json'), '--output', folder],
    ]) {
      const r = await runCliBin(cmd);
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/--output .*is a directory/);
    }
  });

  it('still failing at the end (disk full) exits 2 with one line; the other files are written', async () => {
    const json = join(dir, 'new', 'sub', 'report.json');
    const before = server.seen();
    // /dev/full accepts opening for writing and fails every write with ENOSPC, like a full disk.
    const r = await run('--quiet', '--output', '/dev/full', '--report', `json=${json}`);
    expect(server.seen() - before).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/cannot write the text report to \/dev\/full: no space left on device/);
    // Missing folders of a writable path are created; that report is not lost.
    expect(JSON.parse(await readFile(json, 'utf8')).latency.requests).toBeGreaterThan(0);
  });
});
