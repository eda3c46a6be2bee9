#!/usr/bin/env node
// The hardened pipeline (memory store, logging and metrics on) vs a bare node:http server returning
// the same body: alternating runs with the same load tool, printing req/s, p99, the server's CPU
// time per request and the ratios. Server on core 0, load tool on core 1 where taskset exists.
//   node bench/server-overhead.js [--seconds 5] [--rounds 3] [--connections 50]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { arg, cpuSeconds, hasTaskset, fmt, machine, median, startChild, table } from './lib.js';

const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 3);
const CONNECTIONS = arg('connections', 50);
const KEY = 'bench-override-key-0123456789abcdef';
const hasWrk = spawnSync('wrk', ['--version']).status !== null && spawnSync('which', ['wrk']).status === 0;

async function load(url) {
  if (hasWrk) {
    const wrk = [
      'wrk',
      '-t1',
      `-c${CONNECTIONS}`,
      `-d${SECONDS}s`,
      '--latency',
      '-H',
      `X-Api-Key: ${KEY}`,
      `${url}/v1/info`,
    ];
    const [cmd, ...argv] = hasTaskset ? ['taskset', '-c', '1', ...wrk] : wrk;
    const out = spawnSync(cmd, argv, { encoding: 'utf8' }).stdout;
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const total = Number(/(\d+) requests in/.exec(out)?.[1]);
    const p99raw = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
    const p99 = p99raw ? Number(p99raw[1]) * { us: 0.001, ms: 1, s: 1000 }[p99raw[2]] : Number.NaN;
    return { rps, total, p99 };
  }
  const r = await autocannon({
    url: `${url}/v1/info`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'x-api-key': KEY },
  });
  return { rps: r.requests.average, total: r.requests.total, p99: r.latency.p99 };
}

const servers = {
  bare: fileURLToPath(new URL('./targets/bare-server.js', import.meta.url)),
  'bare+headers': fileURLToPath(new URL('./targets/bare-headers-server.js', import.meta.url)),
  hardened: fileURLToPath(new URL('./targets/hardened-server.js', import.meta.url)),
};
const results = { bare: [], 'bare+headers': [], hardened: [] };
console.log(
  `server overhead: ${ROUNDS} alternating rounds × ${SECONDS} s, ${CONNECTIONS} connections, load tool ${hasWrk ? 'wrk' : 'autocannon'}`,
);
console.log(`machine: ${machine()}\n`);
for (let round = 0; round < ROUNDS; round++) {
  for (const name of ['bare', 'bare+headers', 'hardened']) {
    const child = await startChild(servers[name], [], { core: 0 });
    await load(child.url).catch(() => undefined); // warm-up is not counted
    const cpu0 = cpuSeconds(child.pid);
    const r = await load(child.url);
    const cpu = cpuSeconds(child.pid) - cpu0;
    await child.stop();
    results[name].push({ ...r, cpuUsPerReq: (cpu * 1e6) / r.total });
    process.stdout.write(
      `  round ${round + 1} ${name.padEnd(8)} ${fmt(r.rps)} req/s, p99 ${fmt(r.p99, 2)} ms, ${fmt((cpu * 1e6) / r.total, 1)} µs CPU/req\n`,
    );
  }
}
const m = (name, key) => median(results[name].map((r) => r[key]));
console.log(
  `\n${table([
    ['', 'req/s', 'p99 ms', 'server CPU µs/req'],
    ['bare node:http', fmt(m('bare', 'rps')), fmt(m('bare', 'p99'), 2), fmt(m('bare', 'cpuUsPerReq'), 1)],
    [
      'bare + the 15 contract headers',
      fmt(m('bare+headers', 'rps')),
      fmt(m('bare+headers', 'p99'), 2),
      fmt(m('bare+headers', 'cpuUsPerReq'), 1),
    ],
    [
      'hardened pipeline',
      fmt(m('hardened', 'rps')),
      fmt(m('hardened', 'p99'), 2),
      fmt(m('hardened', 'cpuUsPerReq'), 1),
    ],
  ])}`,
);
console.log(
  `\nthroughput ratio (hardened / bare): ${(m('hardened', 'rps') / m('bare', 'rps')).toFixed(2)}×   goal ≥ 0.80`,
);
console.log(
  `CPU per request ratio (hardened / bare): ${(m('hardened', 'cpuUsPerReq') / m('bare', 'cpuUsPerReq')).toFixed(2)}×   goal ≤ 1.25`,
);
