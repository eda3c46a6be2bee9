/**
 * The URL of an origin-form request target (RFC 9112 §3.2.1: absolute-path [ "?" query ]) on
 * `origin`. Unlike `new URL(path, origin)`, a path that begins `//host/…` stays a path on `origin`
 * and never names another host. Characters a request line cannot carry (non-ASCII, spaces) are
 * percent-encoded as the WHATWG URL parser encodes them; dot segments are resolved; a fragment is
 * dropped (it is never sent, RFC 9110 §4.2.5).
 */
export function urlOnOrigin(origin: string | URL, path: string): URL {
  const base = typeof origin === 'string' ? new URL(origin).origin : origin.origin;
  return new URL(`${base}${path.startsWith('/') ? path : `/${path}`}`);
}

/** The request-target to write in a request line for `path` on `origin`: pathname and query. */
export function requestTarget(origin: string | URL, path: string): string {
  const url = urlOnOrigin(origin, path);
  return `${url.pathname}${url.search}`;
}
