import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HardenError } from '../errors.js';
import { jsonPath, readConfigFile } from './config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'harden-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(text: string): string {
  const path = join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, text);
  try {
    readConfigFile(path);
  } catch (err) {
    expect(err).toBeInstanceOf(HardenError);
    expect((err as HardenError).code).toBe('CONFIG_INVALID');
    return (err as Error).message.slice(path.length);
  }
  throw new Error('no error');
}

describe('config file errors', () => {
  it('reports every problem at once, each with its JSON path', () => {
    const msg = problem(
      JSON.stringify({
        slo: { p95Ms: 'fast' },
        endpoints: ['GET /ok', 'nonsense', { method: 'GET', path: 'items' }],
        health: { liveness: 'healthz' },
        sloo: {},
      }),
    );
    expect(msg).toMatch(/^: 5 problems/);
    expect(msg).toContain('slo.p95Ms must be a number');
    expect(msg).toContain('endpoints[1]: "nonsense" is not "METHOD /path" (e.g. "GET /items")');
    expect(msg).toContain('endpoints[2].path: "items" is not a path; it must start with "/"');
    expect(msg).toContain('health.liveness: "healthz" is not a path; it must start with "/"');
    expect(msg).toContain('unknown field "sloo"');
    // No noise from the oneOf branch that does not apply.
    expect(msg).not.toMatch(/must match exactly one schema|must be a object/);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('names the problems the schema cannot see in the same line: methods and check ids', () => {
    const msg = problem(
      JSON.stringify({
        slo: { p99Ms: 'slow' },
        endpoints: ['FETCH /x', { method: 'GRAB', path: '/y' }, 'GET /ok'],
        checks: { skip: ['nope.check', 'security.cors'], categories: ['securty'], cacheable: ['TAKE /z'] },
      }),
    );
    expect(msg).toMatch(/^: 6 problems/);
    expect(msg).toContain('slo.p99Ms must be a number');
    expect(msg).toContain('endpoints[0]: unknown method FETCH');
    expect(msg).toContain('endpoints[1]: unknown method GRAB');
    expect(msg).toContain('checks.skip: unknown check id or category "nope.check"');
    expect(msg).toContain('checks.categories[0] must be one of contract, ratelimit');
    expect(msg).toContain('checks.cacheable[0]: unknown method TAKE');
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('a JSON syntax error gives line and column', () => {
    expect(problem('{\n  "slo": {\n    "p95Ms": 100,\n  }\n}')).toMatch(/not valid JSON: line 4, column 3: /);
    expect(problem('{\n  "target": "http://x"\n  "strict": true\n}')).toMatch(/line 3, column 3/);
    expect(problem('')).toMatch(/not valid JSON: line 1, column 1/);
  });

  it('JSON paths read like the document', () => {
    expect(jsonPath('')).toBe('(root)');
    expect(jsonPath('/endpoints/0/slo/p99Ms')).toBe('endpoints[0].slo.p99Ms');
    expect(jsonPath('/policies/GET ~1v1~1x')).toBe('policies.GET /v1/x');
  });
});
