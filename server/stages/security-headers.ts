/**
 * Security headers for a JSON API (OWASP REST Security Cheat Sheet). Built once;
 * HSTS only when the server is reached over TLS or told it sits behind a TLS terminator.
 */
export function createSecurityHeaders(options: { hsts: boolean }): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
  // RFC 6797 §6.1: one year, subdomains included (OSHP's recommended value).
  if (options.hsts) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return Object.freeze(headers);
}
