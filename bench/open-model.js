#!/usr/bin/env node
// Open-model accuracy: at 1k, 5k and 10k req/s against a fast target, the achieved rate vs the
// requested one and the client's own scheduling lag.  node bench/open-model.js [--seconds 5]
import { spawnSync } from 'node:child_process';
import { LoadRunner } from '../dist/src/load/run-load.js';
import { singleTargetPlan, fmt, machine, table } from './lib.js';
import { startFastTarget } from './targets/nginx.js';

const i = process.argv.indexOf('--seconds');
const SECONDS = i === -1 ? 5 : Number(process.argv[i + 1]);
spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const target = await startFastTarget();
console.log(`open model: ${SECONDS} s per rate, target ${target.kind}\nmachine: ${machine()}\n`);
const rows = [
  [
    'requested req/s',
    'achieved req/s',
    'ratio',
    'lag p99 ms',
    'lag max ms',
    'client p99 ms',
    'client CPU µs/req',
  ],
];
try {
  for (const rate of [1000, 5000, 10000]) {
    const runner = new LoadRunner(
      singleTargetPlan(target.url, {
        model: 'open',
        rate,
        requests: rate * SECONDS,
        durationMs: SECONDS * 1000,
      }),
    );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await runner.run();
    const cpu = process.cpuUsage(cpu0);
    // Achieved rate over the scheduled span (the drain of the last responses is not arrival time).
    const achieved = s.completed / Math.max((performance.now() - t0) / 1000, SECONDS);
    rows.push([
      fmt(rate),
      fmt(achieved),
      (achieved / rate).toFixed(3),
      fmt(s.lag.getValueAtPercentile(99) / 1000, 2),
      fmt(s.lag.getValueAtPercentile(100) / 1000, 2),
      fmt(s.client.getValueAtPercentile(99) / 1000, 2),
      fmt((cpu.user + cpu.system) / s.completed, 1),
    ]);
  }
} finally {
  await target.stop();
}
console.log(table(rows));
