// The request head of a load target, rendered once to bytes (RFC 9112 §3): every request of the
// target writes the same Buffer, so the hot loop builds no strings.

/** A load target's request, ready to write. */
export interface H1Request {
  /** request-line, field lines and the empty line, latin1-encoded. */
  head: Buffer;
  /** A HEAD request: its response has no content (RFC 9112 §6.3). */
  headRequest: boolean;
  /** Safe to send again after a stale keep-alive close (RFC 9110 §9.2.2; RFC 9112 §9.3.1). */
  idempotent: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// origin-form / absolute-form request-target: visible ASCII, no spaces (RFC 9112 §3.2).
const TARGET = /^[\x21-\x7e]+$/;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
// Methods whose requests are expected to carry content: send Content-Length: 0 (RFC 9110 §8.6).
const EXPECTS_CONTENT = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Renders `METHOD path HTTP/1.1` with Host (from the origin unless the headers give one) and the
 * given fields. Throws TypeError for a method, path or field that cannot be sent as is.
 */
export function renderRequest(
  origin: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
): H1Request {
  if (!TOKEN.test(method)) throw new TypeError(`invalid request method "${method.slice(0, 20)}"`);
  if (!TARGET.test(path)) throw new TypeError(`invalid request target "${path.slice(0, 60)}"`);
  const names = new Set<string>();
  let fields = '';
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`invalid field name "${name.slice(0, 40)}"`);
    if (/[\0\r\n]/.test(value)) throw new TypeError(`the value of ${name} contains a line break`);
    names.add(name.toLowerCase());
    fields += `${name}: ${value}\r\n`;
  }
  const host = names.has('host') ? '' : `host: ${origin.host}\r\n`;
  const length =
    EXPECTS_CONTENT.has(method) && !names.has('content-length') && !names.has('transfer-encoding')
      ? 'content-length: 0\r\n'
      : '';
  return {
    head: Buffer.from(`${method} ${path} HTTP/1.1\r\n${host}${fields}${length}\r\n`, 'latin1'),
    headRequest: method === 'HEAD',
    idempotent: IDEMPOTENT.has(method),
  };
}
