import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { beforeAll, describe, expect, it } from 'vitest';

// The packed tarball is a release candidate: what a user needs to run harden-check and
// harden-server, nothing the tests use. Checked on `npm pack --dry-run` of the built tree
// (scripts are not run: the test must not rebuild dist/ under the other tests).

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  main: string;
  types: string;
};
let files: string[];

beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
});

describe('npm pack', () => {
  it('holds the launchers, the built CLI, library and server, schemas and user docs', () => {
    for (const f of [
      'package.json',
      'README.md',
      ...Object.values(pkg.bin),
      pkg.main.replace(/^\.\//, ''),
      pkg.types.replace(/^\.\//, ''),
      'dist/src/cli/cli.js',
      'dist/src/cli/demo-worker.js',
      'dist/server/start.js',
      'schema/report.schema.json',
      'schema/config.schema.json',
      'docs/checks.md',
      'docs/contract.md',
      'docs/ops/hardening_runbook.md',
    ])
      expect(files, f).toContain(f);
  });

  it('holds no test, fixture, hostile server, benchmark, source map or TypeScript source', () => {
    const allowed =
      /^(package\.json|README\.md|LICENSE|bin\/[^/]+\.js|dist\/(src|server)\/.+\.(js|d\.ts)|schema\/[^/]+\.json|docs\/.+\.(md|yml|conf))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(
      files.filter((f) =>
        /fixtures|hostile|^dist\/.*\.test\.|(^|\/)test\/|bench\/|\.map$|sprint_plan/.test(f),
      ),
    ).toEqual([]);
  });

  it('every module the packed code imports is packed or a runtime dependency', () => {
    const packed = new Set(files);
    const deps = new Set(Object.keys(pkg.dependencies));
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(ROOT, file), 'utf8');
      for (const m of code.matchAll(
        /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm,
      )) {
        const spec = (m[1] ?? m[2] ?? m[3])!;
        if (spec.startsWith('.')) {
          const target = normalize(join(dirname(file), spec));
          if (!packed.has(target)) problems.push(`${file} imports ${spec}, which is not packed`);
        } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!deps.has(name)) problems.push(`${file} imports ${name}, which is not in dependencies`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every locked package allows the oldest Node version of "engines" (no EBADENGINE on npm ci)', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<
        string,
        { version?: string; engines?: { node?: string } | string[]; optional?: boolean }
      >;
    };
    const refused = Object.entries(lock.packages)
      .filter(
        ([path, p]) =>
          path !== '' && !p.optional && typeof p.engines === 'object' && !Array.isArray(p.engines),
      )
      .filter(([, p]) => {
        const range = (p.engines as { node?: string }).node;
        return range !== undefined && !semver.satisfies(oldest, range);
      })
      .map(
        ([path, p]) =>
          `${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`,
      );
    expect(refused, `Node ${oldest}`).toEqual([]);
  });
});
