/**
 * Field lines and lists: RFC 9110 §5.2–5.3 (field lines of one name are one comma-joined value)
 * and §5.6.1 (the `#rule` list syntax), read the way the Fetch standard's "get, decode and split"
 * does (https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split).
 */

/** Recorded response fields: lower-cased names; a repeated field keeps every line in order. */
export type FieldMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A parse result: the typed value (undefined when nothing usable was found) and every problem seen. */
export interface Parsed<T> {
  value: T | undefined;
  problems: string[];
}

/** Every field line of `name` (case-insensitive), in the order received; [] when absent. */
export function fieldLines(fields: FieldMap, name: string): string[] {
  const v = fields[name.toLowerCase()];
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

/** True when at least one line of `name` was received. */
export function hasField(fields: FieldMap, name: string): boolean {
  return fieldLines(fields, name).length > 0;
}

/**
 * The combined field value (RFC 9110 §5.3): all lines joined with ", ", or undefined when absent.
 * Only meaningful for list-based fields; singleton fields are read with {@link singletonField}.
 */
export function combinedValue(fields: FieldMap, name: string): string | undefined {
  const lines = fieldLines(fields, name);
  return lines.length === 0 ? undefined : lines.join(', ');
}

const OWS = /^[ \t]+|[ \t]+$/g;

function split(value: string): { members: string[]; unterminated: boolean } {
  const members: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\' && i + 1 < value.length) {
      cur += ch + value[i + 1];
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      members.push(cur.replace(OWS, ''));
      cur = '';
    } else cur += ch;
  }
  members.push(cur.replace(OWS, ''));
  return { members, unterminated: quoted };
}

/**
 * Splits a list value into members (RFC 9110 §5.6.1): commas inside quoted strings (§5.6.4) do
 * not separate members, a backslash escapes the next character inside quotes, surrounding
 * whitespace is dropped and empty members are ignored ("a recipient MUST accept … empty list
 * elements"). An unterminated quoted string is reported as a problem.
 */
export function splitList(value: string): { value: string[]; problems: string[] } {
  const { members, unterminated } = split(value);
  return {
    value: members.filter((m) => m !== ''),
    problems: unterminated ? [`unterminated quoted string in "${value.slice(0, 40)}"`] : [],
  };
}

/**
 * Fetch's "get, decode and split" of a field: every line combined (§5.3) and split into members
 * (§5.6.1), whitespace-trimmed, quoted strings kept as sent; undefined when the field is absent.
 * Unlike {@link splitList}, empty members are kept, as Fetch keeps them ("first member" rules).
 */
export function getDecodeSplit(fields: FieldMap, name: string): string[] | undefined {
  const value = combinedValue(fields, name);
  return value === undefined ? undefined : split(value).members;
}

/** A field that the standards allow only once, with how often it was sent. */
export interface SingletonField {
  /** The first line (RFC 9110 §5.3: a recipient may not combine singleton fields). */
  first: string;
  /** All lines, in order. */
  lines: string[];
  /** True when the field came on more than one line. */
  repeated: boolean;
}

/** Reads a singleton field: its first line and whether more were sent; undefined when absent. */
export function singletonField(fields: FieldMap, name: string): SingletonField | undefined {
  const lines = fieldLines(fields, name);
  if (lines.length === 0) return undefined;
  return { first: lines[0]!, lines, repeated: lines.length > 1 };
}

/** The names of every field received (lower-case). */
export function fieldNames(fields: FieldMap): string[] {
  return Object.keys(fields).filter((k) => fields[k] !== undefined);
}
