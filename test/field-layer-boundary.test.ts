import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The field-layer boundary (STYLE.md "Reading HTTP fields"): checks and the probe/load planners
 * read response fields only through src/http/fields. This scans their source for the ways header
 * text gets parsed by hand.
 */
const ROOT = join(import.meta.dirname, '..');
const SCANNED = ['src/checks', 'src/probe', 'src/load/load-phase.ts'];
/** The recorder builds the field map from undici's response; it copies, never interprets. */
const RECORDER = 'src/probe/client.ts';

const RULES: Array<[string, RegExp]> = [
  ['indexes response headers directly', /\bheaders\s*(\[|\.(?!\s*(?:length)\b)[a-z])/i],
  ['calls Date.parse (use parseHttpDate)', /\bDate\.parse\s*\(/],
  [
    'builds a Date from a value (use parseHttpDate)',
    /new Date\(\s*(?!\)|[\w.]*(?:now|startedAt|Ms|ms)\b)[^)]/,
  ],
  ['uses a raw header helper', /\b(?:header|headerValues)\(\s*\w+\s*,\s*'/],
  ['reads Object.values of headers', /Object\.(?:values|entries)\(\s*[\w.!?]*headers\b/],
  [
    'splits a list or directives by hand (use splitList / the field parsers)',
    /\.split\(\s*(?:',|';|\/[^/]*[,;][^/]*\/)/,
  ],
];

/** Lines that read what harden-check itself sent, or pass the whole field map to the layer, are allowed. */
const ALLOWED = [/\brequest\.headers\b/, /\breq\.headers\b/, /headers:\s/, /\.\.\.\w*[hH]eaders\b/];

function files(path: string): string[] {
  const abs = join(ROOT, path);
  if (statSync(abs).isFile()) return [abs];
  return readdirSync(abs, { recursive: true })
    .map((f) => join(abs, String(f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

/** Violations in one source text: `[line number, rule]`. */
function violations(source: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  source.split('\n').forEach((line, i) => {
    const code = line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''").replace(/\/\/.*$/, '');
    if (/^\s*(\*|\/\*)/.test(code)) return;
    for (const [name, re] of RULES) {
      // The split rule looks at the separator literal itself; the others ignore string contents.
      if (!re.test(name.startsWith('splits') ? line.replace(/\/\/.*$/, '') : code)) continue;
      if (name.startsWith('indexes') && ALLOWED.some((a) => a.test(code))) continue;
      out.push([i + 1, name]);
    }
  });
  return out;
}

describe('field-layer boundary', () => {
  it('finds hand parsing when it is there (the scanner can fail)', () => {
    expect(violations("const v = e.response.headers['retry-after'];")).toHaveLength(1);
    expect(violations('const l = first429.response.headers.location;')).toHaveLength(1);
    expect(violations('const t = Date.parse(value);')).toHaveLength(1);
    expect(violations("const v = header(e, 'x-frame-options');")).toHaveLength(1);
    expect(violations('for (const v of Object.values(e.response.headers)) {}')).toHaveLength(1);
    expect(violations('const d = new Date(dateHeader);')).toHaveLength(1);
    expect(violations("for (const d of csp.split(';')) {}")).toHaveLength(1);
    expect(violations('const parts = value.split(/\\s*,\\s*/);')).toHaveLength(1);
  });

  it('lets checks read what they sent and hand field maps to the layer', () => {
    expect(violations("const sent = e.request.headers['x-request-id'];")).toEqual([]);
    expect(violations("  id: 'ratelimit.headers.present',")).toEqual([]);
    expect(violations('const r = readNosniff(e.response.headers);')).toEqual([]);
    expect(violations('const t = new Date(Date.now());')).toEqual([]);
  });

  it('no check, probe or load planner parses header text outside src/http/fields', () => {
    const found: string[] = [];
    for (const file of SCANNED.flatMap(files).filter((f) => relative(ROOT, f) !== RECORDER)) {
      for (const [line, rule] of violations(readFileSync(file, 'utf8')))
        found.push(`${relative(ROOT, file)}:${line} ${rule}`);
    }
    expect(found).toEqual([]);
  });
});
