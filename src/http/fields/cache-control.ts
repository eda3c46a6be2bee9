/**
 * Cache-Control (RFC 9111 §5.2, https://www.rfc-editor.org/rfc/rfc9111#section-5.2):
 * `Cache-Control = #cache-directive`, `cache-directive = token [ "=" ( token / quoted-string ) ]`,
 * directive names case-insensitive; all field lines form one list (RFC 9110 §5.3).
 */
import { combinedValue, type FieldMap, splitList } from './field-lines.js';

export interface CacheControl {
  /** Directive name (lower-case) → its argument (unquoted), or true when it has none. */
  directives: Map<string, string | true>;
  /** The combined field value as received. */
  raw: string;
}

/** Reads Cache-Control; undefined when absent. The first occurrence of a directive is kept. */
export function readCacheControl(fields: FieldMap): CacheControl | undefined {
  const raw = combinedValue(fields, 'cache-control');
  if (raw === undefined) return undefined;
  const directives = new Map<string, string | true>();
  for (const member of splitList(raw).value) {
    const eq = member.indexOf('=');
    const name = (eq === -1 ? member : member.slice(0, eq)).trim().toLowerCase();
    let arg: string | true = true;
    if (eq !== -1) {
      const v = member.slice(eq + 1).trim();
      arg =
        v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
    }
    if (name && !directives.has(name)) directives.set(name, arg);
  }
  return { directives, raw };
}

/** True when the response may be stored by a shared cache beyond the exchange (public or a positive max-age/s-maxage) and no-store is absent. */
export function isStorable(cc: CacheControl | undefined): boolean {
  if (!cc || cc.directives.has('no-store')) return false;
  const positive = (d: string) => {
    const v = cc.directives.get(d);
    return typeof v === 'string' && /^[0-9]+$/.test(v) && Number(v) > 0;
  };
  return cc.directives.has('public') || positive('max-age') || positive('s-maxage');
}
