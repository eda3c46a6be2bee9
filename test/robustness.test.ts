import { afterEach, describe, expect, it } from 'vitest';
import { type Hostile, type HostileKind, startHostile } from '../fixtures/hostile.js';
import { classifyTransportError } from '../src/probe/classify-error.js';
import { cli } from './helpers/cli.js';
import { freePort } from './helpers/net.js';

let hostile: Hostile | undefined;
afterEach(async () => {
  await hostile?.close();
  hostile = undefined;
});

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^harden-check: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const TIMEOUT = 800;

describe('unreachable or hostile targets end with one line and exit 3 within --timeout', () => {
  it('connection refused', async () => {
    const r = await cli([`http://127.0.0.1:${await freePort()}`, '--timeout', String(TIMEOUT)]);
    expect(r.code).toBe(3);
    expectOneLine(r.stderr, /connection refused/);
    expect(r.stdout).toBe('');
  });

  const cases: Array<[HostileKind, RegExp]> = [
    ['silent', /no complete response within 800 ms/],
    ['drip', /no complete response within 800 ms/],
    ['garbage', /did not answer with valid HTTP/],
    ['reset-mid-response', /reset|not answer|no complete/],
    ['huge-headers', /headers exceed/],
    ['redirect-loop', /redirects in a loop/],
    ['redirect-offsite', /redirects to https:\/\/api\.example\.com/],
    ['self-signed', /certificate.*--insecure/],
  ];
  for (const [kind, pattern] of cases) {
    it(kind, async () => {
      hostile = await startHostile(kind);
      const r = await cli([hostile.url, '--timeout', String(TIMEOUT), '--duration', '0']);
      expect(r.code, r.stderr).toBe(3);
      expectOneLine(r.stderr, pattern);
      // Bounded by the per-request deadline, not by the server: one deadline plus scheduling slack.
      expect(r.ms).toBeLessThan(TIMEOUT * 4);
    });
  }

  it('a target that stops answering after the first requests ends the run after two timeouts', async () => {
    const { startDelayServer } = await import('../fixtures/known-latency.js');
    const server = await startDelayServer((i) => (i < 3 ? 0 : 30_000));
    try {
      // With an endpoint configured, no OpenAPI document is looked for: the probe phase sees the stall.
      const r = await cli([
        server.url,
        '--endpoint',
        'GET /',
        '--timeout',
        String(TIMEOUT),
        '--duration',
        '0',
      ]);
      expect(r.code).toBe(3);
      expectOneLine(r.stderr, /stopped answering during the probe phase: no complete response within 800 ms/);
      // Without one, the stall shows while the default plan looks for an OpenAPI document: one timeout.
      const fresh = await startDelayServer((i) => (i < 3 ? 0 : 30_000));
      try {
        const d = await cli([fresh.url, '--timeout', String(TIMEOUT), '--duration', '0']);
        expect(d.code).toBe(3);
        expectOneLine(
          d.stderr,
          /stopped answering while harden-check looked for an OpenAPI document: no complete response within 800 ms/,
        );
        expect(d.ms).toBeLessThan(TIMEOUT * 4);
      } finally {
        await fresh.close();
      }
      // The reachability request, two answered probes, then two timeouts — not one timeout per probe.
      expect(r.ms).toBeLessThan(TIMEOUT * 5);
    } finally {
      await server.close();
    }
  });

  it('--insecure accepts the self-signed certificate and judges the target', async () => {
    hostile = await startHostile('self-signed');
    const r = await cli([
      hostile.url,
      '--insecure',
      '--timeout',
      String(TIMEOUT),
      '--duration',
      '0',
      '--checks',
      'security',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === 'security.hsts').status).toBe('fail');
  });

  it('a huge body is read only up to the cap; the run finishes with bounded memory', async () => {
    hostile = await startHostile('huge-body');
    const before = process.memoryUsage().rss;
    const r = await cli([
      hostile.url,
      '--timeout',
      '5000',
      '--duration',
      '0',
      '--checks',
      'contract',
      '--format',
      'json',
    ]);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).checks.length).toBeGreaterThan(0);
    // 64 MiB were offered per response; keeping them would add hundreds of MiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  });
});

describe('transport errors are classified', () => {
  it('maps DNS, TLS and parser failures to plain sentences', () => {
    expect(classifyTransportError({ code: 'ENOTFOUND' }, 1000).message).toMatch(/does not resolve/);
    expect(classifyTransportError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 1000).message).toMatch(
      /--insecure/,
    );
    expect(classifyTransportError({ code: 'HPE_INVALID_CONSTANT' }, 1000).code).toBe('NOT_HTTP');
    expect(classifyTransportError({ name: 'TimeoutError' }, 1234).message).toMatch(/1234 ms/);
  });
});

describe('bad usage exits 2 with one line', () => {
  const cases: Array<[string[], RegExp]> = [
    [['not a url'], /is not a URL/],
    [['ftp://127.0.0.1/'], /unsupported scheme ftp:/],
    [['http://user:pw@127.0.0.1/'], /credentials in the URL/],
    [['http://127.0.0.1:1', '--endpoint', 'FETCH /x'], /unknown method FETCH/],
    [['http://127.0.0.1:1', '--endpoint', '/v1/info'], /not "METHOD \/path"/],
    [['http://127.0.0.1:1', '--checks', 'contract,speed'], /unknown check id or category "speed"/],
    [['http://127.0.0.1:1', '--skip', 'security.nope'], /unknown check id or category "security.nope"/],
    [['http://127.0.0.1:1', '--header', 'NoColon'], /not "Name: value"/],
    [['http://127.0.0.1:1', '--report', 'pdf=x.pdf'], /FORMAT=FILE/],
    [['http://127.0.0.1:1', '--config', '/nonexistent/h.json'], /cannot read config/],
  ];
  for (const [args, pattern] of cases) {
    it(args.slice(-1)[0]!, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expectOneLine(r.stderr, pattern);
    });
  }

  it('commander errors (unknown option, bad number) exit 2', async () => {
    expect((await cli(['http://127.0.0.1:1', '--rate', 'fast'])).code).toBe(2);
    expect((await cli(['http://127.0.0.1:1', '--frobnicate'])).code).toBe(2);
  });
});
