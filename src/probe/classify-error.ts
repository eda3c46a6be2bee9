/** Maps a transport failure to a stable code and one plain sentence. */
export function classifyTransportError(err: unknown, timeoutMs: number): { code: string; message: string } {
  const e = err as {
    code?: unknown;
    name?: string;
    message?: string;
    cause?: { code?: unknown; message?: string };
  };
  // DOMException (AbortSignal.timeout) carries a numeric legacy `code`; only string codes are ours.
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const code = str(e?.code) ?? str(e?.cause?.code) ?? e?.name ?? 'UNKNOWN';
  const text = `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
  switch (code) {
    case 'ECONNREFUSED':
      return { code: 'ECONNREFUSED', message: 'connection refused (nothing listens on that port)' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code: 'ENOTFOUND', message: 'host name does not resolve (DNS lookup failed)' };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'H1_CLOSED':
      return { code: 'ECONNRESET', message: 'connection reset by the server mid-exchange' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code: 'EHOSTUNREACH', message: 'host unreachable (network route failed)' };
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'H1_HEADERS_OVERFLOW':
      return { code: 'HEADERS_OVERFLOW', message: 'response headers exceed 16 KiB' };
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_CR_EXPECTED':
    case 'HPE_LF_EXPECTED':
    case 'UND_ERR_INFO':
    case 'H1_INVALID_STATUS_LINE':
    case 'H1_INVALID_HEADER':
    case 'H1_INVALID_CONTENT_LENGTH':
    case 'H1_INVALID_CHUNK':
    case 'H1_UNEXPECTED_UPGRADE':
      return { code: 'NOT_HTTP', message: 'the server did not answer with valid HTTP' };
    case 'UND_ERR_DESTROYED':
    case 'ClientDestroyedError':
      return { code: 'TIMEOUT', message: 'abandoned: no response before the end of the run' };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'H1_CONNECT_TIMEOUT':
      return { code: 'TIMEOUT', message: `could not connect within ${timeoutMs} ms` };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'H1_RESPONSE_TIMEOUT':
    case 'TimeoutError':
    case 'AbortError':
    case 'ABORT_ERR':
    case 'UND_ERR_ABORTED':
      return { code: 'TIMEOUT', message: `no complete response within ${timeoutMs} ms` };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return { code: 'TLS', message: `TLS certificate rejected (${code}); use --insecure to accept it` };
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return { code: 'TLS', message: 'TLS handshake failed (is the port plain HTTP? try http://)' };
    default:
      if (code.startsWith('HPE_') || /parse error|invalid http|expected http/i.test(text)) {
        return { code: 'NOT_HTTP', message: 'the server did not answer with valid HTTP' };
      }
      if (/certificate|ssl|tls/i.test(text)) {
        return {
          code: 'TLS',
          message: `TLS error (${code}); use --insecure to accept self-signed certificates`,
        };
      }
      return { code, message: (e?.message ?? String(err)).split('\n')[0]!.slice(0, 200) };
  }
}
