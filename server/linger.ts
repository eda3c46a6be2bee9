import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds of a lingering close, after nginx's `lingering_close`: once the server has answered a
 * request whose body it did not read, it keeps reading and discarding that body for at most
 * `maxBytes` and `maxMs` (and at most `idleMs` between two reads) before it closes the connection.
 */
export interface LingerBounds {
  /** Bytes of unread body discarded after the response at most. */
  maxBytes: number;
  /** Time after the response the connection is kept open at most (ms); nginx `lingering_time`. */
  maxMs: number;
  /** Longest pause between two reads (ms); nginx `lingering_timeout`. */
  idleMs: number;
}

/** 64 MiB, 10 s in all, 2 s idle: a client sending up to 64 MiB at ≥ 6.4 MB/s reads its status. */
export const DEFAULT_LINGER: LingerBounds = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000, idleMs: 2_000 };

/** True when the request announced a body (RFC 9112 §6.3) and it has not been read to its end. */
export function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Arms a lingering close for a response written before its request body was read (413, 429, 404,
 * 405, 415, 503 …). The caller marks the response `Connection: close`. Node ends such a response
 * with `socket.destroySoon()`, which closes the socket while the client is still sending; the
 * kernel then answers the unread bytes with a RST and most clients lose the response (EPIPE,
 * ECONNRESET). For this socket only, that close becomes: send FIN after the response, keep reading
 * and discarding the body within `bounds`, then close.
 */
export function armLingeringClose(req: IncomingMessage, socket: Socket, bounds: LingerBounds): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bounds.maxBytes) socket.destroy();
  });
  req.resume();
  socket.destroySoon = () => {
    const closeWhenFlushed = () => {
      clearTimeout(timer);
      if (socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    };
    const timer = setTimeout(() => socket.destroy(), bounds.maxMs);
    socket.once('close', () => clearTimeout(timer));
    socket.setTimeout(bounds.idleMs, () => socket.destroy());
    socket.end();
    if (req.complete) closeWhenFlushed();
    else req.once('end', closeWhenFlushed);
  };
}
