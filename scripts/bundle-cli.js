#!/usr/bin/env node
// Build step after tsc: bundles the CLI's start-up path (src/cli/cli.ts with its option definitions
// and commander) into one module at dist/src/cli/cli.js, so that
// `--help`, `--version` and usage errors read one file instead of a dozen. The command
// implementations stay separate modules (./commands/*.js), imported only when their command runs.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  input: `${root}src/cli/cli.ts`,
  platform: 'node',
  // Only cli.ts, the option definitions and commander go into the bundle. The commands are loaded on
  // use, and every module outside src/cli (errors, version, report format names) stays the tsc
  // output beside it, so that the commands and the bundle share one HardenError class.
  external: (id) => id.startsWith('./commands/') || id.startsWith('../') || id.startsWith('node:'),
  output: { file: `${root}dist/src/cli/cli.js`, format: 'esm', sourcemap: false, minify: true },
  // hdr-histogram-js's direct eval is reached only through the commands, which are not bundled.
  onLog: (level, log, handler) => (log.code === 'EVAL' ? undefined : handler(level, log)),
});
// tsc's source map describes the unbundled module, not this file.
rmSync(`${root}dist/src/cli/cli.js.map`, { force: true });
