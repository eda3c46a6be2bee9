#!/usr/bin/env node
// `npm run test:busy`: runs `npm test` while another process keeps every core busy for the whole
// run (scripts/busy.js), then stops that process by its PID. Exit status: that of `npm test`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const busy = spawn(process.execPath, [fileURLToPath(new URL('./busy.js', import.meta.url))], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const busyExit = new Promise((resolve) => busy.once('exit', resolve));
const t0 = performance.now();
const test = spawn('npm', ['test'], { stdio: 'inherit' });
const code = await new Promise((resolve) => test.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
busy.kill('SIGTERM');
await busyExit;
process.stdout.write(
  `test:busy: npm test exited ${code} after ${((performance.now() - t0) / 1000).toFixed(0)} s with every core kept busy\n`,
);
process.exitCode = code;
