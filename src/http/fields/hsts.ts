/**
 * Strict-Transport-Security (RFC 6797 §6.1, https://www.rfc-editor.org/rfc/rfc6797#section-6.1):
 *
 *   Strict-Transport-Security = [ directive ] *( ";" [ directive ] )
 *   directive = directive-name [ "=" directive-value ]; directive-value = token | quoted-string
 *
 * Directive names are case-insensitive and each may appear only once; a field that breaks the
 * syntax (a repeated directive, an unbalanced quote, stray characters) MUST be ignored whole by
 * the user agent (§6.1, §8.1). max-age (§6.1.1) is REQUIRED and is delta-seconds, quoted or not.
 * When several fields are received only the first is processed (§8.1).
 */
import { type FieldMap, type Parsed, singletonField } from './field-lines.js';

const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

export interface HstsPolicy {
  maxAge: number;
  includeSubDomains: boolean;
  /** The non-standard `preload` directive (hstspreload.org), reported for information. */
  preload: boolean;
  /** Directive names in order, lower-cased. */
  directives: string[];
}

function readToken(s: string, i: number): [string, number] {
  let j = i;
  while (j < s.length && TCHAR.test(s[j]!)) j++;
  return [s.slice(i, j), j];
}

function readQuoted(s: string, i: number): [string, number] | undefined {
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const ch = s[j]!;
    if (ch === '\\') {
      if (j + 1 >= s.length) return undefined;
      out += s[++j];
    } else if (ch === '"') return [out, j + 1];
    else out += ch;
  }
  return undefined;
}

const skipWs = (s: string, i: number): number => {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
};

/** Parses one Strict-Transport-Security value; a syntax violation leaves `value` undefined. */
export function parseHsts(value: string): Parsed<HstsPolicy> {
  const seen = new Map<string, string | undefined>();
  const order: string[] = [];
  const fail = (why: string): Parsed<HstsPolicy> => ({
    value: undefined,
    problems: [`Strict-Transport-Security "${value.slice(0, 60)}" is invalid: ${why} (RFC 6797 §6.1)`],
  });
  let i = 0;
  while (i <= value.length) {
    i = skipWs(value, i);
    if (i < value.length && value[i] !== ';') {
      const [name, afterName] = readToken(value, i);
      if (name === '') return fail(`unexpected "${value[i]}"`);
      i = skipWs(value, afterName);
      let dirValue: string | undefined;
      if (value[i] === '=') {
        i = skipWs(value, i + 1);
        if (value[i] === '"') {
          const q = readQuoted(value, i);
          if (!q) return fail('unbalanced quote');
          [dirValue, i] = q;
        } else {
          const [tok, after] = readToken(value, i);
          if (tok === '') return fail(`directive ${name} has no value`);
          [dirValue, i] = [tok, after];
        }
        i = skipWs(value, i);
      }
      const key = name.toLowerCase();
      if (seen.has(key)) return fail(`directive ${key} appears more than once`);
      seen.set(key, dirValue);
      order.push(key);
    }
    if (i >= value.length) break;
    if (value[i] !== ';') return fail(`unexpected "${value[i]}"`);
    i++;
  }
  if (!seen.has('max-age')) return fail('the required max-age directive is missing');
  const age = seen.get('max-age');
  if (age === undefined || !/^[0-9]+$/.test(age)) return fail(`max-age "${age ?? ''}" is not delta-seconds`);
  return {
    value: {
      maxAge: Number(age),
      includeSubDomains: seen.has('includesubdomains'),
      preload: seen.has('preload'),
      directives: order,
    },
    problems: [],
  };
}

export interface HstsReading extends Parsed<HstsPolicy> {
  /** The first field line, the one user agents process (§8.1). */
  first: string;
  /** Number of field lines received. */
  lines: number;
}

/** Reads the first Strict-Transport-Security field of a response; undefined when absent. */
export function readHsts(fields: FieldMap): HstsReading | undefined {
  const field = singletonField(fields, 'strict-transport-security');
  if (!field) return undefined;
  return { ...parseHsts(field.first), first: field.first, lines: field.lines.length };
}
