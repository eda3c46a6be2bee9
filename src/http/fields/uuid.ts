/**
 * UUIDs in their canonical string form (RFC 9562 §4, https://www.rfc-editor.org/rfc/rfc9562#section-4):
 * 8-4-4-4-12 hexadecimal digits. Only that form is accepted; the braces, `urn:uuid:` prefix,
 * dash-less and extra-dash spellings that lenient parsers take are not canonical.
 */

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is exactly a canonical UUID string (hex digits in either case). */
export function isCanonicalUuid(value: string): boolean {
  return value.length === 36 && CANONICAL.test(value);
}

/** The version digit (RFC 9562 §4.2) of a canonical UUID, or undefined for anything else. */
export function uuidVersion(value: string): string | undefined {
  return isCanonicalUuid(value) ? value.charAt(14).toLowerCase() : undefined;
}

/**
 * Non-canonical spellings of `uuid` that common lenient parsers (Python's uuid.UUID, .NET
 * Guid.Parse, several JavaScript libraries) accept and may echo back unvalidated.
 */
export function lenientUuidSpellings(uuid: string): string[] {
  const hex = uuid.replace(/-/g, '');
  return [`{${uuid}}`, `urn:uuid:${uuid}`, hex, `${uuid.slice(0, 8)}${'-'.repeat(300)}${uuid.slice(8)}`];
}

/** The 32 hex digits a (possibly non-canonical) UUID spelling carries, lower-cased, or undefined. */
function uuidDigits(value: string): string | undefined {
  const hex = value
    .replace(/^urn:uuid:/i, '')
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase();
  return hex.length === 32 ? hex : undefined;
}

/** True when two spellings carry the same UUID digits (e.g. a server echoed `{uuid}` as `uuid` without dashes). */
export function sameUuidDigits(a: string, b: string): boolean {
  const da = uuidDigits(a);
  return da !== undefined && da === uuidDigits(b);
}
