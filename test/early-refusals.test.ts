import { createServer, type Server } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { countingServer, runCliBin } from './helpers/spawn-cli.js';

let dir: string;
let target: Awaited<ReturnType<typeof countingServer>>;
let baseline: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-early-'));
  target = await countingServer();
  baseline = join(dir, 'base.json');
  const r = await runCliBin([target.url, '--duration', '0', '--format', 'json', '--output', baseline]);
  expect(r.code).not.toBe(2);
});
afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI and asserts a one-line usage error (exit 2) sent before any request reached the target. */
async function refusedUpFront(args: string[], message: RegExp): Promise<void> {
  const before = target.seen();
  const r = await runCliBin(args);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^harden-check: /);
  expect(lines[0]).toMatch(message);
  expect(target.seen()).toBe(before);
}

describe('option combinations are refused before any traffic', () => {
  it('--shard with --baseline', async () => {
    await refusedUpFront(
      [target.url, '--shard', '1/2', '--baseline', baseline, '--rate', '10', '--duration', '1'],
      /--baseline compares whole runs, but this run is shard 1\/2: .*harden-check merge/,
    );
  });

  it('--baseline that is itself one shard of a sharded run', async () => {
    const doc = JSON.parse(await readFile(baseline, 'utf8')) as Report;
    const shard = join(dir, 'shard.json');
    await writeFile(
      shard,
      JSON.stringify({
        ...doc,
        execution: {
          plan: { model: 'open', rate: 10, requests: 10, durationSec: 1, targets: [] },
          shard: { index: 2, total: 3, source: 'flag', probes: false },
        },
      }),
    );
    await refusedUpFront([target.url, '--baseline', shard, '--duration', '0'], /the baseline is shard 2\/3/);
  });

  it('--baseline of another target', async () => {
    const other = await countingServer();
    try {
      await refusedUpFront(
        [other.url, '--baseline', baseline, '--duration', '0'],
        new RegExp(`it checked ${target.url}, this run checks ${other.url}`),
      );
      expect(other.seen()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('--max-regression without --baseline', async () => {
    await refusedUpFront([target.url, '--max-regression', 'p99=10%'], /--max-regression .*--baseline/);
  });

  it('--wait-for-reset or --source-address without --rate-limit-probe', async () => {
    await refusedUpFront([target.url, '--wait-for-reset'], /--wait-for-reset .*--rate-limit-probe/);
    await refusedUpFront(
      [target.url, '--source-address', '127.0.0.2'],
      /--source-address .*--rate-limit-probe/,
    );
  });

  it('watch with a --metrics-port already in use', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      await refusedUpFront(
        ['watch', target.url, '--for', '2s', '--metrics-port', String(port)],
        new RegExp(`--metrics-port: cannot listen on 127\\.0\\.0\\.1:${port}`),
      );
    } finally {
      busy.close();
    }
  });

  it('a --baseline of the same target is still compared at the end', async () => {
    const r = await runCliBin([target.url, '--baseline', baseline, '--duration', '0', '--format', 'json']);
    expect(r.code).not.toBe(2);
    expect((JSON.parse(r.stdout) as Report).baseline?.verdict).not.toBe('incomparable');
  });
});

describe('the pre-send line of a shard', () => {
  it("names this shard's requests and rate beside the whole plan, and the shard sends exactly that", async () => {
    const r = await runCliBin([
      target.url,
      '--endpoint',
      'GET /',
      '--checks',
      'slo',
      '--shard',
      '2/3',
      '--rate',
      '30',
      '--duration',
      '1',
      '--no-polite',
      '--format',
      'json',
    ]);
    expect(r.stderr).toMatch(
      /^load: shard 2\/3 sends 10 of the plan's 30 requests at 10 of its 30 req\/s \(about 1 s\) to 1 endpoint; /m,
    );
    expect(r.stderr).toMatch(/can only be inconclusive or fail once the shards are merged: /);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.latency?.requests).toBe(10);
  });
});
