import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliBin } from './helpers/spawn-cli.js';

const SERVER_BIN = fileURLToPath(new URL('../bin/harden-server.js', import.meta.url));

function runServerBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER_BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Every case is refused by the parser before any target is contacted: the URL points nowhere.
const CHECK_CASES: Array<[string, string[], RegExp]> = [
  [
    'a value out of range',
    ['http://127.0.0.1:9', '--rate', '-1'],
    /^harden-check: --rate must be a number from 0\.001 to 1000000, not -1 \(see harden-check --help\)$/,
  ],
  ['an unknown flag', ['http://127.0.0.1:9', '--bogus'], /unknown option '--bogus'/],
  [
    'only slo checks and no load phase',
    ['http://127.0.0.1:9', '--checks', 'slo', '--duration', '0'],
    /--duration 0 skips the load phase, which every selected check \(slo\) needs/,
  ],
  [
    'two load models at once',
    ['http://127.0.0.1:9', '--rate', '5', '--connections', '2'],
    /--rate \(open model: a fixed arrival rate\) and --connections \(closed model\) choose different load models/,
  ],
  [
    'a request count without the closed model',
    ['http://127.0.0.1:9', '--requests', '10'],
    /--requests is the closed model's total: add --connections/,
  ],
  [
    'a message-framing header',
    ['http://127.0.0.1:9', '--load-header', 'Transfer-Encoding: chunked'],
    /--load-header: Transfer-Encoding cannot be given: harden-check frames each request/,
  ],
  [
    'a connection header',
    ['http://127.0.0.1:9', '--header', 'content-length: 5'],
    /--header: content-length cannot be given/,
  ],
  [
    'a header value beyond ISO-8859-1',
    ['http://127.0.0.1:9', '--load-header', 'X-Name: 日本'],
    /--load-header: the value of X-Name has characters outside ISO-8859-1; percent-encode them/,
  ],
  ['a missing option argument', ['http://127.0.0.1:9', '--rate'], /--rate.*argument missing/],
  [
    'a value outside the choices',
    ['http://127.0.0.1:9', '--format', 'xml'],
    /--format must be one of text, json, junit, markdown, html, not xml /,
  ],
  ['an unparsable duration', ['http://127.0.0.1:9', '--duration', 'soon'], /--duration.*soon/],
  ['too many arguments', ['http://127.0.0.1:9', 'extra'], /too many arguments/],
  [
    'a subcommand without its arguments',
    ['merge'],
    /missing required argument 'reports'.*harden-check merge --help/,
  ],
  [
    'a subcommand flag misspelt',
    ['diff', 'a.json', 'b.json', '--formt', 'json'],
    /unknown option '--formt'.*harden-check diff --help/,
  ],
  [
    'a watch option out of range',
    ['watch', 'http://127.0.0.1:9', '--metrics-port', '70000'],
    /--metrics-port/,
  ],
];

describe('commander parse errors are one line with exit 2', () => {
  for (const [name, args, message] of CHECK_CASES) {
    it(`harden-check: ${name}`, async () => {
      const r = await runCliBin(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^harden-check: /);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).not.toMatch(/^harden-check: error:/);
    });
  }

  it('harden-check: a usage error found after parsing has the same one-line shape', async () => {
    const r = await runCliBin(['http://127.0.0.1:9', '--checks', 'securty']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^harden-check: /);
  });

  const SERVER_CASES: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['--bogus'], /unknown option '--bogus'/],
    [
      'a missing option argument',
      ['start', '--port'],
      /--port.*argument missing.*harden-server start --help/,
    ],
    ['a value out of range', ['start', '--port', '70000'], /--port.*0 to 65535/],
    ['an unknown command', ['frob'], /unknown command 'frob'/],
    ['a missing required option', ['backup'], /--out.*not specified.*harden-server backup --help/],
    ['a missing argument', ['verify'], /missing required argument 'file'/],
  ];
  for (const [name, args, message] of SERVER_CASES) {
    it(`harden-server: ${name}`, async () => {
      const r = await runServerBin(args);
      expect(r.code).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^harden-server: /);
      expect(lines[0]).toMatch(message);
    });
  }

  it('--help and --version still print to stdout with exit 0', async () => {
    const help = await runCliBin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: harden-check/);
    expect(help.stderr).toBe('');
    const version = await runServerBin(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
