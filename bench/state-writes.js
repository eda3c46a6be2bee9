#!/usr/bin/env node
// Durable webhook writes: 50 concurrent clients POST events to harden-server for a few seconds;
// prints acknowledged (fsynced) events/s and events per group commit, with an empty state and with
// the state full at its retention bound (each commit rewrites the newest N events).
//   node bench/state-writes.js [--seconds 5] [--retention 10000]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { arg, fmt, machine, startChild, table } from './lib.js';

const SECONDS = arg('seconds', 5);
const RETENTION = arg('retention', 10_000);
const CLIENTS = 50;
const KEY = 'bench-bypass-key-0123456789abcdef';
const serverScript = fileURLToPath(new URL('./targets/state-server.js', import.meta.url));

async function run(prefill) {
  const dir = mkdtempSync(join(tmpdir(), 'harden-bench-state-'));
  const state = join(dir, 'state.json');
  if (prefill > 0) {
    const now = new Date().toISOString();
    const events = Array.from({ length: prefill }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      receivedAt: now,
      type: 'prefill',
      series: 'default',
      value: i,
    }));
    writeFileSync(
      state,
      `${JSON.stringify({ format: 'harden-state', version: 1, updatedAt: now, events })}\n`,
    );
  }
  const child = await startChild(serverScript, [state, String(RETENTION), KEY]);
  const pool = new Pool(child.url, { connections: CLIENTS });
  let acked = 0;
  let failed = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const body = JSON.stringify({ type: 'bench', value: 1, data: { source: 'bench', note: 'x'.repeat(64) } });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const res = await pool.request({
          method: 'POST',
          path: '/v1/webhooks/events',
          headers: { 'content-type': 'application/json', 'x-api-key': KEY },
          body,
        });
        await res.body.dump();
        if (res.statusCode === 202) acked++;
        else failed++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const metrics = await (
    await pool.request({ method: 'GET', path: '/metrics', headers: { 'x-api-key': KEY } })
  ).body.text();
  await pool.close();
  await child.stop();
  const commits = Number(/harden_state_commit_duration_seconds_count (\d+)/.exec(metrics)?.[1] ?? 0);
  const commitSum = Number(/harden_state_commit_duration_seconds_sum ([\d.e-]+)/.exec(metrics)?.[1] ?? 0);
  return {
    rate: acked / secs,
    acked,
    failed,
    commits,
    perCommit: acked / Math.max(commits, 1),
    commitMs: (commitSum / Math.max(commits, 1)) * 1000,
  };
}

console.log(
  `durable writes: ${CLIENTS} concurrent clients, ${SECONDS} s per run, retention ${fmt(RETENTION)} events\nmachine: ${machine()}\n`,
);
const empty = await run(0);
const full = await run(RETENTION);
console.log(
  table([
    [
      'state at start',
      'acked events/s',
      'acked',
      'non-202',
      'commits',
      'events/commit',
      'ms/commit',
      'µs of commit per event',
    ],
    ...[
      ['empty', empty],
      [`full (${fmt(RETENTION)})`, full],
    ].map(([name, r]) => [
      name,
      fmt(r.rate),
      fmt(r.acked),
      fmt(r.failed),
      fmt(r.commits),
      fmt(r.perCommit, 1),
      fmt(r.commitMs, 2),
      fmt((r.commitMs * 1000) / r.perCommit, 1),
    ]),
  ]),
);
console.log(
  `\ngoal: ≥ 1,000 acknowledged, fsynced events/s from ${CLIENTS} clients (full state: ${fmt(full.rate)})`,
);
