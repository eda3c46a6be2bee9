#!/usr/bin/env node
// The fixed cost of a harden-check run as a whole process — start-up, probe phase, evaluation,
// report, exit — against autocannon's: `harden-check URL --endpoint "GET /" --duration 0
// --no-polite --format json --quiet` vs autocannon's cost beyond its duration, 2·f(1 s) − f(2 s)
// of `autocannon -c 50 -d S -j URL` (start-up, connections, JSON result), with `node -e 0` as the
// floor, against the same nginx target (one worker on core 0, the clients on core 1),
// alternating, medians of whole-process wall time and CPU (user + system of all threads, from
// the kernel's rusage via /usr/bin/time).
//   node bench/fixed-cost.js [--rounds 10] [--compare /other/checkout/bin/harden-check.js]
// --compare adds a second harden-check (e.g. a build of another commit) to the same rounds.
import { fileURLToPath } from 'node:url';
import { arg, fmt, machine, median, table, timedNode } from './lib.js';
import { startFastTarget } from './targets/nginx.js';

const ROUNDS = arg('rounds', 10);
const COMPARE = process.argv.includes('--compare')
  ? process.argv[process.argv.indexOf('--compare') + 1]
  : undefined;
const HARDEN = fileURLToPath(new URL('../bin/harden-check.js', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));

const harden = (bin) => (url) => [
  bin,
  url,
  '--endpoint',
  'GET /',
  '--duration',
  '0',
  '--no-polite',
  '--format',
  'json',
  '--quiet',
];
const autocannon = (seconds) => (url) => [AUTOCANNON, '-c', '50', '-d', String(seconds), '-j', url];
const cases = [
  ['node -e 0', () => ['-e', '0']],
  ['autocannon -d 1', autocannon(1)],
  ['autocannon -d 2', autocannon(2)],
  ['harden-check --duration 0', harden(HARDEN)],
  ...(COMPARE ? [[`${COMPARE} --duration 0`, harden(COMPARE)]] : []),
];

const target = await startFastTarget();
console.log(`fixed cost of a run: ${ROUNDS} alternating rounds, whole processes, target ${target.kind}`);
console.log(`machine: ${machine()}\n`);
const res = cases.map(() => []);
try {
  for (const [, args] of cases) await timedNode(args(target.url)); // warm the file cache
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, [, args]] of cases.entries()) res[i].push(await timedNode(args(target.url)));
} finally {
  await target.stop();
}
const med = (i, k) => median(res[i].map((r) => r[k]));
// autocannon's cost at duration 0, extrapolated per round from its 1 s and 2 s runs.
const fixedAc = (k) => median(res[1].map((r, round) => 2 * r[k] - res[2][round][k]));
const rows = [
  ['node -e 0', med(0, 'wall'), med(0, 'cpu')],
  ['autocannon, beyond its duration (2·f(1 s) − f(2 s))', fixedAc('wall'), fixedAc('cpu')],
  ...cases.slice(3).map(([name], i) => [name, med(i + 3, 'wall'), med(i + 3, 'cpu')]),
];
console.log(
  table([
    ['', 'wall s (median)', 'CPU s (median)', 'wall vs autocannon', 'CPU vs autocannon'],
    ...rows.map(([name, wall, cpu]) => [
      name,
      fmt(wall, 3),
      fmt(cpu, 3),
      `${(wall / rows[1][1]).toFixed(2)}×`,
      `${(cpu / rows[1][2]).toFixed(2)}×`,
    ]),
  ]),
);
