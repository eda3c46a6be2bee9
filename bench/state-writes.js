#!/usr/bin/env node
// Durable webhook writes: 50 concurrent clients POST events to harden-server for a few seconds and
// count acknowledged (committed, fsynced) events/s, with 0, 100k and 1M events already stored. The
// large stores are seeded straight through SQLite, with random (version 4) UUIDs as the server's own
// events have, so that their id index is as scattered as a real store's. Also: start-up time and
// resident memory of the server, and the CPU the server and this load generator spend per event.
// Each run starts with 1 s of the same load that is not counted (JIT warm-up of server and client).
//   node bench/state-writes.js [--seconds 5] [--sizes 0,100000,1000000]
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { openDatabase } from '../dist/server/store/database.js';
import { cpuSeconds, fmt, machine, startChild, table } from './lib.js';

const i = process.argv.indexOf('--seconds');
const SECONDS = i === -1 ? 5 : Number(process.argv[i + 1]);
const j = process.argv.indexOf('--sizes');
const SIZES = (j === -1 ? '0,100000,1000000' : process.argv[j + 1]).split(',').map(Number);
const CLIENTS = 50;
const WARMUP_SECONDS = 1;
const KEY = 'bench-bypass-key-0123456789abcdef';
const serverScript = fileURLToPath(new URL('./targets/state-server.js', import.meta.url));
const BODY = JSON.stringify({ type: 'bench', value: 1, data: { source: 'bench', note: 'x'.repeat(64) } });

/** Inserts `n` events like the benchmark's own, plus their series statistics, in large transactions. */
function seed(path, n) {
  const db = openDatabase(path);
  const insert = db.prepare(
    'INSERT INTO events (id, received_at, type, series, value, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const data = JSON.stringify({ source: 'seed', note: 'x'.repeat(64) });
  const now = new Date().toISOString();
  const chunk = db.transaction((from, to) => {
    for (let k = from; k < to; k++) insert.run(randomUUID(), now, 'seed', `s${k % 10}`, k, data);
  });
  for (let k = 0; k < n; k += 50_000) chunk(k, Math.min(n, k + 50_000));
  db.exec(`INSERT INTO series_stats (series, count, sum, min, max, last)
    SELECT series, count(*), sum(value), min(value), max(value), max(value) FROM events GROUP BY series`);
  db.close();
}

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function run(size) {
  const dir = mkdtempSync(join(tmpdir(), 'harden-bench-state-'));
  const state = join(dir, 'state.db');
  const seedStart = performance.now();
  if (size > 0) seed(state, size);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const t0 = performance.now();
  const child = await startChild(serverScript, [state, KEY]);
  const startMs = performance.now() - t0;
  const rssAtStart = rssMiB(child.pid);
  const pool = new Pool(child.url, { connections: CLIENTS });
  const post = () =>
    pool.request({
      method: 'POST',
      path: '/v1/webhooks/events',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: BODY,
    });
  // Warm-up, not counted: the first second runs unoptimised code in both processes.
  const warmEnd = performance.now() + WARMUP_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < warmEnd) await (await post()).body.dump();
    }),
  );
  let acked = 0;
  let failed = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const cpu0 = cpuSeconds(child.pid);
  const client0 = process.cpuUsage();
  const started = performance.now();
  // A GET /healthz every 20 ms on its own connection: how long commits hold the event loop.
  const probe = new Pool(child.url, { connections: 1 });
  const health = [];
  const probing = (async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      const res = await probe.request({ method: 'GET', path: '/healthz' });
      await res.body.dump();
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const res = await post();
        await res.body.dump();
        if (res.statusCode === 202) acked++;
        else failed++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(child.pid) - cpu0;
  const clientUsage = process.cpuUsage(client0);
  await probing;
  await probe.close();
  health.sort((a, b) => a - b);
  const rssAfter = rssMiB(child.pid);
  const metrics = await (
    await pool.request({ method: 'GET', path: '/metrics', headers: { 'x-api-key': KEY } })
  ).body.text();
  await pool.close();
  await child.stop();
  const commits = Number(/harden_state_commit_duration_seconds_count (\d+)/.exec(metrics)?.[1] ?? 0);
  const commitSum = Number(/harden_state_commit_duration_seconds_sum ([\d.e-]+)/.exec(metrics)?.[1] ?? 0);
  const dbMiB = statSync(state).size / 2 ** 20;
  rmSync(dir, { recursive: true, force: true });
  return {
    size,
    seedSeconds,
    startMs,
    rssAtStart,
    rssAfter,
    dbMiB,
    rate: acked / secs,
    cpuPerEvent: (cpu * 1e6) / Math.max(acked, 1),
    clientCpuPerEvent: (clientUsage.user + clientUsage.system) / Math.max(acked, 1),
    healthP99: health[Math.floor(health.length * 0.99)] ?? 0,
    acked,
    failed,
    perCommit: acked / Math.max(commits, 1),
    commitMs: (commitSum / Math.max(commits, 1)) * 1000,
  };
}

const disk = spawnSync('df', ['-h', tmpdir()], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
console.log(
  `durable writes: ${CLIENTS} concurrent clients, ${SECONDS} s per run after ${WARMUP_SECONDS} s of warm-up, SQLite WAL + synchronous=FULL\nmachine: ${machine()}\ntmp filesystem: ${disk}\n`,
);
const results = [];
for (const size of SIZES) results.push(await run(size));
console.log(
  table([
    [
      'stored at start',
      'acked events/s',
      'non-202',
      'events/commit',
      'ms/commit',
      'server CPU/event',
      'client CPU/event',
      'healthz p99 meanwhile',
      'start-up',
      'RSS at start',
      'RSS after',
      'database',
    ],
    ...results.map((r) => [
      fmt(r.size),
      fmt(r.rate),
      fmt(r.failed),
      fmt(r.perCommit, 1),
      fmt(r.commitMs, 2),
      `${fmt(r.cpuPerEvent)} µs`,
      `${fmt(r.clientCpuPerEvent)} µs`,
      `${fmt(r.healthP99, 1)} ms`,
      `${fmt(r.startMs)} ms`,
      `${fmt(r.rssAtStart)} MiB`,
      `${fmt(r.rssAfter)} MiB`,
      `${fmt(r.dbMiB)} MiB`,
    ]),
  ]),
);
console.log(`\nseeding: ${results.map((r) => `${fmt(r.size)} in ${fmt(r.seedSeconds, 1)} s`).join(', ')}`);
console.log(`goal: ≥ 5,000 acknowledged, durable events/s from ${CLIENTS} clients at every size`);
