import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../fixtures/api.js';
import { workflowCommands } from '../src/cli/github.js';
import { cli } from './helpers/cli.js';
import { freePort } from './helpers/net.js';
import { testReport } from './helpers/report.js';

let dir: string;
let bad: Fixture;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-gh-'));
  bad = await startFixture({ defects: { poweredBy: true, noCsp: true } });
});
afterAll(async () => {
  await bad.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GitHub Actions', () => {
  it('prints ::error/::warning per flagged check id on stderr and appends Markdown to GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const r = await cli([bad.url, '--duration', '0', '--format', 'json'], {
      env: { NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).verdict).toBe('fail');
    const commands = r.stderr.split('\n').filter((l) => l.startsWith('::'));
    expect(commands).toContainEqual(
      expect.stringMatching(/^::error title=security\.fingerprint::.+docs\/checks\.md#securityfingerprint$/),
    );
    expect(commands).toContainEqual(expect.stringMatching(/^::warning title=security\.csp::/));
    expect(commands.filter((c) => c.includes('title=security.fingerprint::'))).toHaveLength(1);
    const md = await readFile(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## harden-check: ❌ fail')).toBe(true);
  });

  it('annotates a run that could not reach its target with the reason, and still writes the summary', async () => {
    const summary = join(dir, 'unreachable.md');
    const r = await cli([`http://127.0.0.1:${await freePort()}`, '--format', 'json'], {
      env: { NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).verdict).toBe('error');
    expect(r.stderr).toMatch(/^::error title=harden-check TARGET_UNREACHABLE::.*unreachable/m);
    expect(await readFile(summary, 'utf8')).toMatch(/^## harden-check: ⛔ error[\s\S]*unreachable/);
  });

  it('annotates a run that verified nothing with the reason, as an error', async () => {
    const summary = join(dir, 'nothing.md');
    const r = await cli([bad.url, '--checks', 'security.hsts', '--duration', '0', '--format', 'json'], {
      env: { NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^::error title=harden-check verdict::nothing was verified: /m);
    expect(await readFile(summary, 'utf8')).toMatch(/^## harden-check: ❌ fail[\s\S]*nothing was verified/);
  });

  it('prints nothing GitHub-specific outside Actions', async () => {
    const r = await cli([bad.url, '--duration', '0', '--quiet']);
    expect(r.stderr).not.toMatch(/^::/m);
  });

  it('escapes workflow-command data and properties', () => {
    const out = workflowCommands(
      testReport([
        {
          id: 'errors.no-leak',
          category: 'errors',
          status: 'fail',
          endpoint: 'GET /x',
          message: 'a%b\r\n::error::c',
        },
      ]),
    );
    expect(out).toBe('::error title=errors.no-leak::a%25b%0D%0A::error::c — docs/checks.md#errorsno-leak\n');
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
