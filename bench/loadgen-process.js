#!/usr/bin/env node
// The load generator as users run it, a whole process: `harden-check URL --connections 50
// --duration S` (closed model, JSON report) vs the `autocannon -c 50 -d S -j` command, against the
// same nginx target (one worker on core 0; both clients on core 1), alternating runs. Whole-process
// CPU (user + system, all threads, from the kernel's rusage via /usr/bin/time) per completed
// request, and completed requests per second of the process's wall time (start-up, probe phase and
// report included). Loopback only; each run stops after S seconds.
//   node bench/loadgen-process.js [--seconds 5] [--rounds 3] [--connections 50]
import { fileURLToPath } from 'node:url';
import { arg, fmt, machine, median, table, timedNode } from './lib.js';
import { startFastTarget } from './targets/nginx.js';

const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 3);
const CONNECTIONS = arg('connections', 50);
const HARDEN = fileURLToPath(new URL('../bin/harden-check.js', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));

const hardenArgs = (url, seconds) => [
  HARDEN,
  url,
  '--endpoint',
  'GET /',
  '--connections',
  String(CONNECTIONS),
  '--duration',
  String(seconds),
  '--no-polite',
  '--format',
  'json',
  '--quiet',
];

async function harden(url) {
  const r = await timedNode(hardenArgs(url, SECONDS));
  const completed = JSON.parse(r.out).latency.requests;
  return { completed, rps: completed / r.wall, cpuUs: (r.cpu * 1e6) / completed, wall: r.wall, cpu: r.cpu };
}

/** The fixed part of a run: start-up, probe phase, evaluation and report, without a load phase. */
async function fixed(url) {
  const r = await timedNode(hardenArgs(url, 0));
  return { wall: r.wall, cpu: r.cpu };
}

async function autocannon(url) {
  const r = await timedNode([AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(SECONDS), '-j', url]);
  const completed = JSON.parse(r.out).requests.total;
  return { completed, rps: completed / r.wall, cpuUs: (r.cpu * 1e6) / completed, wall: r.wall, cpu: r.cpu };
}

const target = await startFastTarget();
console.log(
  `load generators as processes: ${ROUNDS} alternating rounds × ${SECONDS} s, ${CONNECTIONS} connections, target ${target.kind}`,
);
console.log(`machine: ${machine()}\n`);
const res = { harden: [], autocannon: [], fixed: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of [
      ['harden', harden],
      ['autocannon', autocannon],
    ]) {
      const r = await fn(target.url);
      res[name].push(r);
      console.log(
        `  round ${round + 1} ${name.padEnd(10)} ${fmt(r.completed)} requests in ${fmt(r.wall, 2)} s: ${fmt(r.rps)} req/s, ${fmt(r.cpuUs, 1)} µs CPU/req`,
      );
    }
    const f = await fixed(target.url);
    res.fixed.push(f);
    console.log(`  round ${round + 1} harden --duration 0: ${fmt(f.wall, 2)} s wall, ${fmt(f.cpu, 2)} s CPU`);
  }
} finally {
  await target.stop();
}
const m = (n, k) => median(res[n].map((r) => r[k]));
console.log(
  `\n${table([
    ['', 'req/s (whole process)', 'CPU µs/req (whole process)', 'wall s'],
    ['harden-check', fmt(m('harden', 'rps')), fmt(m('harden', 'cpuUs'), 1), fmt(m('harden', 'wall'), 2)],
    [
      'autocannon',
      fmt(m('autocannon', 'rps')),
      fmt(m('autocannon', 'cpuUs'), 1),
      fmt(m('autocannon', 'wall'), 2),
    ],
  ])}`,
);
const fixedCpu = median(res.fixed.map((r) => r.cpu));
const loadCpuUs = median(res.harden.map((r) => ((r.cpu - fixedCpu) * 1e6) / r.completed));
console.log(
  `\nharden-check's fixed cost (start-up, probe phase, evaluation, report; --duration 0): ${fmt(median(res.fixed.map((r) => r.wall)), 2)} s wall, ${fmt(fixedCpu, 2)} s CPU`,
);
console.log(`harden-check's load phase alone: ${fmt(loadCpuUs, 1)} µs CPU/req`);
console.log(
  `\nthroughput ratio (harden-check / autocannon): ${(m('harden', 'rps') / m('autocannon', 'rps')).toFixed(2)}×   goal ≥ 1.00`,
);
console.log(
  `CPU per request ratio (harden-check / autocannon): ${(m('harden', 'cpuUs') / m('autocannon', 'cpuUs')).toFixed(2)}×   goal ≤ 1.00`,
);
