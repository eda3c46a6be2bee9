import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createHistogram, decodeHistogram, percentilesMs } from '../src/load/histogram.js';
import type { Report } from '../src/types.js';
import { type ChildServer, spawnServer } from './helpers/child-server.js';
import { cli } from './helpers/cli.js';

const BIN = fileURLToPath(new URL('../bin/harden-check.js', import.meta.url));
const KEY = 'shard-test-bypass-0123456789';

let dir: string;
let server: ChildServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-shards-'));
  await writeFile(
    join(dir, 'keys.json'),
    JSON.stringify({ apiKeys: [{ name: 'load', key: KEY, kind: 'bypass' }] }),
  );
  server = await spawnServer([
    '--config',
    join(dir, 'keys.json'),
    '--log-file',
    join(dir, 'server.log'),
    '--state',
    join(dir, 'state.db'),
  ]);
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the built CLI in its own process; resolves with its exit code and output. */
function runBin(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 })),
  );
}

const RATE = 120;
const SECONDS = 3;
const load = [
  '--endpoint',
  'GET /v1/info',
  '--endpoint',
  'GET /v1/forecast/summary',
  '--checks',
  'slo',
  '--rate',
  String(RATE),
  '--duration',
  String(SECONDS),
  '--load-header',
  `X-Api-Key: ${KEY}`,
];

describe('sharded load across processes (execution segments)', () => {
  it('three shards merged equal the single-process plan; percentiles equal one histogram of all samples', async () => {
    // How long a CLI process takes to start on this machine, measured now: the shards start together after it.
    const startup = (await runBin(['--version'])).ms;
    const startAt = new Date(Date.now() + 4 * startup + 3000).toISOString();
    const files = [1, 2, 3].map((i) => join(dir, `shard${i}.json`));
    const common = [server.url, ...load, '--start-at', startAt, '--format', 'json'];
    const shards = await Promise.all([
      runBin([...common, '--shard', '1/3', '--output', files[0]!]),
      // Kubernetes Indexed Job: 0-based JOB_COMPLETION_INDEX with --shard-total.
      runBin([...common, '--shard', 'auto', '--shard-total', '3', '--output', files[1]!], {
        JOB_COMPLETION_INDEX: '1',
      }),
      // GitLab CI parallel: 1-based CI_NODE_INDEX / CI_NODE_TOTAL.
      runBin([...common, '--shard', 'auto', '--output', files[2]!], {
        CI_NODE_INDEX: '3',
        CI_NODE_TOTAL: '3',
      }),
    ]);
    // Exit 1 is a verdict (latency on a busy machine), not a failure of the run.
    for (const s of shards) expect([0, 1], s.stderr).toContain(s.code);
    const single = await runBin([server.url, ...load, '--format', 'json']);
    expect([0, 1], single.stderr).toContain(single.code);
    const one = JSON.parse(single.stdout) as Report;

    const slo = join(dir, 'merged.openslo.yaml');
    const merged = await cli(['merge', ...files, '--format', 'json', '--export-openslo', slo]);
    expect([0, 1], merged.stderr).toContain(merged.code);
    const m = JSON.parse(merged.stdout) as Report;
    const parts = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Report));
    expect(parts.map((p) => p.execution?.shard?.source)).toEqual(['flag', 'kubernetes', 'gitlab']);
    expect(parts.map((p) => p.latency?.requests)).toEqual([120, 120, 120]);

    // Same request count as the single-process plan, and the same requested rate.
    expect(m.latency?.requests).toBe(RATE * SECONDS);
    expect(one.latency?.requests).toBe(RATE * SECONDS);
    expect(m.latency?.requestedRps).toBe(RATE);
    expect(m.execution?.shards).toEqual({ total: 3, indexes: [1, 2, 3], probesOn: [1] });
    expect(m.execution?.plan).toEqual({ ...one.execution?.plan, startAt });
    // Achieved rate: the shards together are within the open-model tolerance of the single process
    // (each run's tail after its last due request costs a few per cent of a 3 s run).
    const ratio = m.latency!.throughputRps / one.latency!.throughputRps;
    expect(
      ratio,
      `merged ${m.latency?.throughputRps} vs single ${one.latency?.throughputRps} req/s`,
    ).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);

    // Percentiles equal those of one histogram holding every shard's samples.
    const all = createHistogram();
    for (const p of parts) all.add(decodeHistogram(p.latency!.histogram));
    expect(all.totalCount).toBe(RATE * SECONDS);
    expect(m.latency?.clientMs).toEqual(percentilesMs(all));

    // Latency over time merges by absolute time: the shards started together, so their intervals
    // line up, and each merged interval holds every shard's answers in it.
    type Series = {
      intervalMs: number;
      entries: Array<{ start: string; completed: number; requests: number }>;
    };
    const series = (r: Report) => r.latency!.intervals as Series;
    const completedAt = (r: Report, start: string) =>
      series(r).entries.find((e) => e.start === start)?.completed ?? 0;
    const starts = [...new Set(parts.flatMap((p) => series(p).entries.map((e) => e.start)))].sort();
    expect(series(m).intervalMs).toBe(1000);
    expect(series(m).entries.map((e) => e.start)).toEqual(starts);
    for (const start of starts)
      expect(completedAt(m, start), start).toBe(parts.reduce((n, p) => n + completedAt(p, start), 0));
    expect(series(m).entries.reduce((n, e) => n + e.completed, 0)).toBe(RATE * SECONDS);

    // The merged run compares with the single-process run; one shard alone does not.
    const singleFile = join(dir, 'single.json');
    const mergedFile = join(dir, 'merged.json');
    await writeFile(singleFile, single.stdout);
    await writeFile(mergedFile, merged.stdout);
    const whole = await cli(['diff', singleFile, mergedFile, '--format', 'json']);
    expect([0, 1], whole.stderr).toContain(whole.code);
    expect(JSON.parse(whole.stdout).incomparable).toEqual([]);
    const part = await cli(['diff', singleFile, files[1]!]);
    expect(part.code).toBe(2);
    expect(part.stdout).toMatch(/the new run is shard 2\/3 of a sharded run: merge its shards/);

    // The merge exports the SLOs it judged as OpenSLO v1.
    const docs = parseAllDocuments(await readFile(slo, 'utf8')).map((d) => d.toJS() as { kind: string });
    expect(docs.filter((d) => d.kind === 'SLO')).toHaveLength(4);

    // A missing shard is a clear error (exit 2).
    const missing = await cli(['merge', files[0]!, files[2]!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/3 missing/);
  }, 180_000);

  it('only shard 1 runs the probe checks, and the report says which shard it is', async () => {
    const first = await cli([server.url, '--shard', '1/2', '--duration', '0', '--format', 'json']);
    const second = await cli([server.url, '--shard', '2/2', '--duration', '0', '--format', 'json']);
    const a = JSON.parse(first.stdout) as Report;
    const b = JSON.parse(second.stdout) as Report;
    expect(a.execution?.shard).toEqual({ index: 1, total: 2, source: 'flag', probes: true });
    expect(b.execution?.shard).toEqual({ index: 2, total: 2, source: 'flag', probes: false });
    expect(a.checks.some((c) => c.category === 'contract')).toBe(true);
    expect(b.checks.filter((c) => c.category !== 'slo').every((c) => c.status === 'skip')).toBe(true);
    expect(b.checks.find((c) => c.id === 'contract.request-id.present')?.message).toBe(
      'probe checks run on shard 1 only; this is shard 2/2',
    );
  }, 60_000);

  it('bad shard flags are usage errors (exit 2)', async () => {
    for (const args of [
      ['--shard', '3/2'],
      ['--shard', 'auto'],
      ['--shard', '1/2', '--connections', '4'],
      ['--start-at', 'noon'],
    ]) {
      const r = await cli([server.url, ...args, '--duration', '0'], { env: { NO_COLOR: '1' } });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^harden-check: --(shard|start-at)/);
    }
  });
});
