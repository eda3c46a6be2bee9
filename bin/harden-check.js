#!/usr/bin/env node
import { runCli } from '../dist/src/cli/cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  signals: process,
  ownsProcess: true,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
