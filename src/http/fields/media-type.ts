/**
 * Content-Type media types (RFC 9110 §8.3.1, https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1):
 * `media-type = type "/" subtype parameters`; type and subtype are case-insensitive tokens.
 */
import { type FieldMap, singletonField } from './field-lines.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The `type/subtype` of a Content-Type value, lower-cased, without parameters; undefined when malformed. */
export function parseMediaType(value: string): string | undefined {
  const essence = value.split(';', 1)[0]!.replace(/^[ \t]+|[ \t]+$/g, '');
  const slash = essence.indexOf('/');
  if (slash <= 0) return undefined;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  return `${type}/${subtype}`.toLowerCase();
}

/** The media type of a response (its first Content-Type line), or undefined. */
export function contentType(fields: FieldMap): string | undefined {
  const field = singletonField(fields, 'content-type');
  return field ? parseMediaType(field.first) : undefined;
}

/** True for `application/json` and any `application/*+json` (RFC 6839 §3.1). */
export function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}
