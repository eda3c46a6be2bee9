#!/usr/bin/env node
import { runServerCli } from '../dist/server/cli.js';

process.exitCode = await runServerCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
