#!/usr/bin/env node
import { runServerCli } from '../dist/server/cli.js';

// A console that went away (e.g. `… | head` exited: EPIPE) must neither crash the server nor stop
// its drain: what cannot be written there is dropped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

process.exitCode = await runServerCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
