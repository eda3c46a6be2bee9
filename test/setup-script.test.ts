import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/ensure-test-deps.sh runs first in `npm test`. The packages are installed on the machines
// that run this suite, so the "missing" paths are exercised with a PATH that hides them, in the
// script's dry-run mode (which changes nothing) or where apt-get cannot be found.

const SCRIPT = fileURLToPath(new URL('../scripts/ensure-test-deps.sh', import.meta.url));
const BASH = '/bin/bash';
let bare: string;
let noApt: string;

beforeAll(async () => {
  // A PATH with `id` and `apt-get` only: Redis, promtool, logrotate and the toolchain look absent.
  bare = await mkdtemp(join(tmpdir(), 'harden-path-'));
  await symlink('/usr/bin/id', join(bare, 'id'));
  await symlink('/usr/bin/apt-get', join(bare, 'apt-get'));
  noApt = join(bare, 'no-apt');
  await mkdir(noApt);
  await symlink('/usr/bin/id', join(noApt, 'id'));
});
afterAll(() => rm(bare, { recursive: true, force: true }));

function run(env: NodeJS.ProcessEnv) {
  const r = spawnSync(BASH, [SCRIPT], { env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, lines: r.stderr.split('\n').filter(Boolean), stdout: r.stdout };
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('scripts/ensure-test-deps.sh', () => {
  it('does nothing and says nothing when everything is installed', () => {
    const r = run({ PATH: process.env.PATH, HARDEN_SETUP_DRY_RUN: '1' });
    expect(r).toEqual({ code: 0, lines: [], stdout: '' });
  });

  it('as root, says in one line which packages it installs (dry run: installs nothing)', () => {
    const r = run({ PATH: bare, HARDEN_SETUP_DRY_RUN: '1', CHROMIUM_PATH: join(bare, 'no-chromium') });
    if (!asRoot) {
      // Not root: it cannot install, so it stops and names the packages instead.
      expect(r.code).toBe(1);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(
        /need the Debian packages redis-server chromium prometheus logrotate g\+\+ make python3;/,
      );
      return;
    }
    expect(r.code).toBe(0);
    expect(r.lines[0]).toBe(
      'installing Debian packages the tests need: redis-server chromium prometheus logrotate g++ make python3',
    );
    expect(r.lines[1]).toMatch(/policy-rc\.d denying service starts/);
  });

  it('stops with one line naming the packages and the command when apt-get is not there', () => {
    const r = run({ PATH: noApt, CHROMIUM_PATH: '/usr/bin/chromium' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'harden-check tests need the Debian packages redis-server prometheus logrotate g++ make python3; install them as root with: apt-get update && apt-get install -y --no-install-recommends redis-server prometheus logrotate g++ make python3',
    ]);
  });
});
