#!/usr/bin/env node
// Runs every benchmark in turn (npm run bench). Needs `npm run build`; uses wrk and nginx when installed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const name of [
  'server-overhead.js',
  'cold-start.js',
  'loadgen.js',
  'loadgen-process.js',
  'fixed-cost.js',
  'open-model.js',
  'state-writes.js',
]) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(name, import.meta.url)), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) process.exitCode = 1;
}
