#!/usr/bin/env node
// Load-generator efficiency: harden-check's closed model vs autocannon against the same fast target
// (nginx on core 0, this process on core 1), alternating runs; prints req/s, the client's CPU time
// per request and the ratios.  node bench/loadgen.js [--seconds 5] [--rounds 3] [--connections 50]
import { spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { LoadRunner } from '../dist/src/load/run-load.js';
import { arg, singleTargetPlan, fmt, machine, median, table } from './lib.js';
import { startFastTarget } from './targets/nginx.js';

const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 3);
const CONNECTIONS = arg('connections', 50);
spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

async function harden(url) {
  const runner = new LoadRunner(
    singleTargetPlan(url, {
      model: 'closed',
      requests: Number.MAX_SAFE_INTEGER,
      connections: CONNECTIONS,
      durationMs: SECONDS * 1000,
    }),
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await runner.run();
  const cpu = process.cpuUsage(cpu0);
  const secs = (performance.now() - t0) / 1000;
  return {
    rps: s.completed / secs,
    total: s.completed,
    cpuUs: (cpu.user + cpu.system) / s.completed,
    p99: s.client.getValueAtPercentile(99) / 1000,
  };
}

async function ac(url) {
  const cpu0 = process.cpuUsage();
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  const cpu = process.cpuUsage(cpu0);
  return {
    rps: r.requests.total / SECONDS,
    total: r.requests.total,
    cpuUs: (cpu.user + cpu.system) / r.requests.total,
    p99: r.latency.p99,
  };
}

const target = await startFastTarget();
console.log(
  `load generators: ${ROUNDS} alternating rounds × ${SECONDS} s, ${CONNECTIONS} connections, target ${target.kind}`,
);
console.log(`machine: ${machine()}\n`);
const res = { harden: [], autocannon: [] };
try {
  await harden(target.url); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of [
      ['harden', harden],
      ['autocannon', ac],
    ]) {
      const r = await fn(target.url);
      res[name].push(r);
      console.log(
        `  round ${round + 1} ${name.padEnd(10)} ${fmt(r.rps)} req/s, ${fmt(r.cpuUs, 1)} µs client CPU/req, p99 ${fmt(r.p99, 2)} ms`,
      );
    }
  }
} finally {
  await target.stop();
}
const m = (n, k) => median(res[n].map((r) => r[k]));
console.log(
  `\n${table([
    ['', 'req/s', 'client CPU µs/req'],
    ['harden-check (closed model)', fmt(m('harden', 'rps')), fmt(m('harden', 'cpuUs'), 1)],
    ['autocannon', fmt(m('autocannon', 'rps')), fmt(m('autocannon', 'cpuUs'), 1)],
  ])}`,
);
console.log(
  `\nthroughput ratio (harden-check / autocannon): ${(m('harden', 'rps') / m('autocannon', 'rps')).toFixed(2)}×   goal ≥ 1.00`,
);
console.log(
  `CPU per request ratio (harden-check / autocannon): ${(m('harden', 'cpuUs') / m('autocannon', 'cpuUs')).toFixed(2)}×   goal ≤ 1.00`,
);
