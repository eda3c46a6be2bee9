#!/usr/bin/env node
// Start-up cost of the CLI as a whole process: wall time of `harden-check --version`,
// `--help`, a usage error and a `--duration 0` run against a local server, each against
// `node -e 0` measured in the same rounds (alternating), medians printed with the ratios.
//   node bench/cold-start.js [--rounds 10]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { arg, fmt, machine, median, startChild, table } from './lib.js';

const ROUNDS = arg('rounds', 10);
const BIN = fileURLToPath(new URL('../bin/harden-check.js', import.meta.url));

/** Runs one command to its exit; wall ms from spawn to exit. */
function timed(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ ms: performance.now() - t0, code }));
  });
}

const target = await startChild(fileURLToPath(new URL('./targets/bare-server.js', import.meta.url)));
const cases = [
  ['node -e 0', ['-e', '0'], 0],
  ['harden-check --version', [BIN, '--version'], 0],
  ['harden-check --help', [BIN, '--help'], 0],
  ['harden-check --no-such-flag (usage error)', [BIN, '--no-such-flag'], 2],
  ['harden-check URL --duration 0', [BIN, target.url, '--duration', '0', '--format', 'json'], null],
];
const ms = cases.map(() => []);
console.log(`cold start: ${ROUNDS} alternating rounds, whole processes, target ${target.url}`);
console.log(`machine: ${machine()}\n`);
try {
  for (const [, args] of cases) await timed(args); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [name, args, exit]] of cases.entries()) {
      const r = await timed(args);
      if (exit !== null && r.code !== exit) throw new Error(`${name} exited ${r.code}, expected ${exit}`);
      ms[i].push(r.ms);
    }
  }
} finally {
  await target.stop();
}
const base = median(ms[0]);
console.log(
  table([
    ['', 'median wall', 'min', 'max', 'vs node -e 0'],
    ...cases.map(([name], i) => [
      name,
      `${fmt(median(ms[i]))} ms`,
      `${fmt(Math.min(...ms[i]))} ms`,
      `${fmt(Math.max(...ms[i]))} ms`,
      `${(median(ms[i]) / base).toFixed(2)}×`,
    ]),
  ]),
);
console.log('\ngoal: ≤ 1.50× for --version, --help and the usage error');
