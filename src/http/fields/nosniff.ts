/**
 * X-Content-Type-Options as the Fetch standard's "determine nosniff" reads it
 * (https://fetch.spec.whatwg.org/#determine-nosniff): get, decode and split the field (all lines
 * combined), and nosniff holds when the first member, whitespace-trimmed, is an ASCII
 * case-insensitive match for `nosniff`. Later members are ignored by browsers.
 */
import { type FieldMap, getDecodeSplit } from './field-lines.js';

export interface NosniffReading {
  /** Whether browsers apply nosniff. */
  nosniff: boolean;
  /** The member browsers judged (the first), as sent. */
  first: string;
  /** Every member of every line. */
  members: string[];
  /** True when more than one member was sent (two lines, or `nosniff, nosniff` from an app and a proxy). */
  duplicated: boolean;
}

/** Reads X-Content-Type-Options; undefined when absent. */
export function readNosniff(fields: FieldMap): NosniffReading | undefined {
  const members = getDecodeSplit(fields, 'x-content-type-options');
  if (members === undefined) return undefined;
  const first = members[0] ?? '';
  return {
    nosniff: first.toLowerCase() === 'nosniff',
    first,
    members,
    duplicated: members.length > 1,
  };
}
