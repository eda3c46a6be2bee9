// Byte-level reading of the few response fields the load client needs (RFC 9110 §5): the token
// and field-value alphabets, the framing fields' names, and their values.
import { H1Error } from './h1-error.js';

// tchar (RFC 9110 §5.6.2): ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA
export const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;
// Bytes not allowed in a field value (RFC 9110 §5.5): CTLs other than HTAB, and DEL.
export const BAD_VALUE_BYTE = new Uint8Array(256);
for (let b = 0; b < 32; b++) if (b !== 9) BAD_VALUE_BYTE[b] = 1;
BAD_VALUE_BYTE[127] = 1;

const CONTENT_LENGTH = Buffer.from('content-length');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const CONNECTION = Buffer.from('connection');
const X_LATENCY_MS = Buffer.from('x-latency-ms');

/** Case-insensitive match of buf[start, start+name.length) against a lower-case token. */
function nameIs(buf: Buffer, start: number, len: number, name: Buffer): boolean {
  if (len !== name.length) return false;
  for (let i = 0; i < len; i++) if ((buf[start + i]! | 0x20) !== name[i]) return false;
  return true;
}

/** Whole milliseconds from plain digits (RFC 9110 §5.6.1 style 1*DIGIT), else undefined. */
export function digitsValue(buf: Buffer, start: number, end: number): number | undefined {
  if (end <= start || end - start > 12) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 48 || b > 57) return undefined;
    n = n * 10 + b - 48;
  }
  return n;
}

/** True when a comma-separated list (RFC 9110 §5.6.1) has `token` as a member, case-insensitively. */
export function listHas(value: string, token: string): boolean {
  for (const member of value.toLowerCase().split(',')) if (member.trim() === token) return true;
  return false;
}

/**
 * Content-Length (RFC 9110 §8.6): 1*DIGIT, or a list of identical values, which a recipient may
 * accept as that value; anything else makes the framing unknowable (RFC 9112 §6.3 item 5).
 */
export function contentLength(value: string, previous: number): number {
  let n = -1;
  for (const member of value.split(',')) {
    const m = member.trim();
    if (!/^\d{1,15}$/.test(m))
      throw new H1Error('H1_INVALID_CONTENT_LENGTH', `invalid Content-Length "${value.slice(0, 40)}"`);
    const v = Number(m);
    if (n !== -1 && v !== n)
      throw new H1Error('H1_INVALID_CONTENT_LENGTH', 'conflicting Content-Length values');
    n = v;
  }
  if (previous !== -1 && previous !== n)
    throw new H1Error('H1_INVALID_CONTENT_LENGTH', 'conflicting Content-Length field lines');
  return n;
}

/** Field kinds the load client reads: 0 other, 1 Content-Length, 2 Transfer-Encoding, 3 Connection, 4 X-Latency-MS. */
export function framingField(buf: Buffer, start: number, len: number): number {
  if (nameIs(buf, start, len, CONTENT_LENGTH)) return 1;
  if (nameIs(buf, start, len, TRANSFER_ENCODING)) return 2;
  if (nameIs(buf, start, len, CONNECTION)) return 3;
  if (nameIs(buf, start, len, X_LATENCY_MS)) return 4;
  return 0;
}
