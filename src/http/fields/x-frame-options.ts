/**
 * X-Frame-Options as the HTML standard processes it
 * (https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header):
 * get, decode and split the field, lower-case each member into a set; more than one distinct
 * value that includes `deny`, `sameorigin` or `allowall` blocks framing, other multiples are
 * ignored; `deny` blocks, `sameorigin` allows same-origin ancestors, anything else (including
 * the obsolete `ALLOW-FROM uri`) is ignored. An enforced CSP frame-ancestors overrides it
 * entirely; see {@link frameAncestors} in csp.ts.
 */
import { type FieldMap, getDecodeSplit } from './field-lines.js';

export type XfoEffect = 'deny' | 'sameorigin' | 'conflict-deny' | 'ignored';

export interface XfoReading {
  effect: XfoEffect;
  /** The distinct lower-cased values browsers saw. */
  values: string[];
  /** True when a value was sent more than once (two lines, or `DENY, DENY`). */
  duplicated: boolean;
  /** The field as received, lines joined. */
  raw: string;
}

/** Reads X-Frame-Options; undefined when absent. */
export function readXFrameOptions(fields: FieldMap): XfoReading | undefined {
  const members = getDecodeSplit(fields, 'x-frame-options');
  if (members === undefined) return undefined;
  const lowered = members.map((m) => m.toLowerCase());
  const values = [...new Set(lowered)];
  const raw = members.join(', ');
  const duplicated = lowered.length > values.length;
  let effect: XfoEffect;
  if (values.length > 1)
    effect = values.some((v) => v === 'deny' || v === 'sameorigin' || v === 'allowall')
      ? 'conflict-deny'
      : 'ignored';
  else if (values[0] === 'deny') effect = 'deny';
  else if (values[0] === 'sameorigin') effect = 'sameorigin';
  else effect = 'ignored';
  return { effect, values, duplicated, raw };
}
