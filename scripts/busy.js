#!/usr/bin/env node
// Keeps every core busy until stopped (SIGTERM/SIGINT): one spinning worker thread per core, at
// normal priority. `npm run test:busy` runs the suite beside it to show the tests hold on a busy
// machine.   node scripts/busy.js [threads]
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const threads = Number(process.argv[2] ?? availableParallelism());
const spin = 'let x = 0; for (;;) { x = (x * 1103515245 + 12345) | 0; }';
const workers = Array.from({ length: threads }, () => new Worker(spin, { eval: true }));
process.stdout.write(`busy: ${threads} spinning threads in pid ${process.pid}\n`);
const stop = () => {
  for (const w of workers) w.terminate();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
