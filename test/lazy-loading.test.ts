import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI loads only what a command uses (issue: a fast start). These tests run the built CLI as a
// whole process with a module-loader hook that records every module it loads; they assert which
// modules are loaded, never how long anything takes.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/harden-check.js');
const TRACE = fileURLToPath(new URL('./helpers/trace-modules.mjs', import.meta.url));

let dir: string;
let target: Server;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-lazy-'));
  target = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const address = target.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await new Promise((r) => target.close(r));
  await rm(dir, { recursive: true, force: true });
});

let runs = 0;
/** Runs `harden-check args…` and returns the project-relative paths of the modules it loaded. */
async function loaded(args: string[]): Promise<{ code: number | null; modules: string[] }> {
  const file = join(dir, `trace-${runs++}.txt`);
  await writeFile(file, '');
  const child = spawn(process.execPath, ['--import', TRACE, BIN, ...args], {
    cwd: dir,
    env: { ...process.env, MODULE_TRACE_FILE: file, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const modules = (await readFile(file, 'utf8'))
    .split('\n')
    .filter((u) => u.startsWith('file:'))
    .map((u) => fileURLToPath(u).slice(ROOT.length));
  return { code, modules };
}

const packages = (modules: string[]) =>
  [...new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1] ?? []))].sort();

describe('lazy loading of the CLI', () => {
  it.each([
    ['--version', 0],
    ['--help', 0],
    ['--no-such-flag', 2],
  ])('%s loads commander and the option definitions only', async (flag, exit) => {
    const { code, modules } = await loaded([flag]);
    expect(code).toBe(exit);
    expect(modules).toContain('dist/src/cli/cli.js');
    // The build bundles commander into cli.js (scripts/bundle-cli.js); unbundled it is the only package.
    expect(packages(modules).filter((p) => p !== 'commander')).toEqual([]);
    expect(modules.filter((m) => m.startsWith('dist/') && !m.startsWith('dist/src/cli/'))).toEqual(
      expect.not.arrayContaining([
        expect.stringMatching(/^dist\/(server|src\/(engine|probe|load|config|checks))\//),
      ]),
    );
    expect(modules).not.toContain('dist/src/cli/commands/check.js');
  });

  it('a run loads the engine and the one report format it writes, not the server or the OpenAPI parser', async () => {
    const { code, modules } = await loaded([url, '--duration', '0', '--format', 'json']);
    expect(code).not.toBeNull();
    expect(modules).toContain('dist/src/engine/run-checks.js');
    expect(modules).toContain('dist/src/report/json.js');
    for (const other of ['text', 'junit', 'markdown', 'html'])
      expect(modules).not.toContain(`dist/src/report/${other}.js`);
    // The contract's policy table (server/policies.js, no imports) is shared; the server itself is not.
    expect(modules.filter((m) => m.startsWith('dist/server/'))).toEqual(['dist/server/policies.js']);
    for (const pkg of [
      '@apidevtools/swagger-parser',
      // Error bodies and config files are judged by validators generated at build time.
      'ajv',
      'ajv-formats',
      // Nor does a run without a load phase load the load generator's histograms.
      'hdr-histogram-js',
      'ioredis',
      'pino',
      'prom-client',
      'rate-limiter-flexible',
    ])
      expect(packages(modules)).not.toContain(pkg);
  });

  it('watch and the OpenSLO export load only when asked for', async () => {
    const help = await loaded(['watch', '--help']);
    expect(help.code).toBe(0);
    expect(packages(help.modules).filter((p) => p !== 'commander')).toEqual([]);
    const run = await loaded([url, '--duration', '0', '--format', 'json']);
    expect(run.modules.filter((m) => /^dist\/src\/(watch|export)\//.test(m))).toEqual([]);
    expect(packages(run.modules)).not.toContain('yaml');
    const exported = await loaded([
      url,
      '--duration',
      '0',
      '--format',
      'json',
      '--export-openslo',
      join(dir, 's.yaml'),
    ]);
    expect(exported.modules).toContain('dist/src/export/openslo.js');
    expect(packages(exported.modules)).toContain('yaml');
  });

  it('the built CLI keeps the exit codes of errors thrown by lazily loaded commands', async () => {
    // The bundle and the commands must share one HardenError class: an unreachable target is 3.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise((r) => closed.close(r));
    const { code } = await loaded([`http://127.0.0.1:${port}`, '--duration', '0', '--timeout', '2000']);
    expect(code).toBe(3);
    const bad = await loaded(['merge', join(dir, 'missing.json')]);
    expect(bad.code).toBe(2);
  });

  it('diff and --baseline load the comparison only when asked for', async () => {
    const help = await loaded(['diff', '--help']);
    expect(help.code).toBe(0);
    expect(packages(help.modules).filter((p) => p !== 'commander')).toEqual([]);
    const report = join(dir, 'baseline.json');
    const run = await loaded([url, '--duration', '0', '--format', 'json', '--output', report]);
    expect(run.modules.filter((m) => m.startsWith('dist/src/diff/'))).toEqual([]);
    const diff = await loaded(['diff', report, report, '--format', 'json']);
    expect(diff.code).toBe(0);
    expect(diff.modules).toContain('dist/src/diff/diff-reports.js');
    // Comparing two files runs nothing: no engine, no load phase, no watch.
    expect(diff.modules.filter((m) => /^dist\/src\/(engine|probe|watch|export)\//.test(m))).toEqual([]);
    expect(diff.modules).not.toContain('dist/src/load/run-load.js');
    const compared = await loaded([url, '--duration', '0', '--format', 'json', '--baseline', report]);
    expect(compared.code).not.toBeNull();
    expect(compared.modules).toContain('dist/src/diff/diff-reports.js');
    expect(compared.modules.filter((m) => m.startsWith('dist/src/watch/'))).toEqual([]);
  });

  it('--openapi loads the OpenAPI parser', async () => {
    const spec = join(dir, 'openapi.json');
    await writeFile(
      spec,
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: { '/': { get: { responses: { 200: { description: 'ok' } } } } },
      }),
    );
    const { modules } = await loaded([url, '--openapi', spec, '--duration', '0', '--format', 'json']);
    expect(packages(modules)).toContain('@apidevtools/swagger-parser');
  });
});
