/**
 * A failure of the load phase's HTTP/1.1 client, with a stable `code` that
 * src/probe/classify-error.ts maps to the report's transport-error kinds:
 * - H1_INVALID_STATUS_LINE, H1_INVALID_HEADER, H1_INVALID_CONTENT_LENGTH, H1_INVALID_CHUNK,
 *   H1_UNEXPECTED_UPGRADE: the bytes are not a valid HTTP/1.x response (RFC 9112) → NOT_HTTP
 * - H1_HEADERS_OVERFLOW: the header section exceeds 16 KiB → HEADERS_OVERFLOW
 * - H1_CLOSED: the connection closed before the response was complete → ECONNRESET
 * - H1_CONNECT_TIMEOUT, H1_RESPONSE_TIMEOUT: no connection / no response within the timeout → TIMEOUT
 */
export class H1Error extends Error {
  override name = 'H1Error';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
