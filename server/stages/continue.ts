import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1): the interim 100 is sent only when a handler starts
 * reading the body, so a request the pipeline refuses first (413 by Content-Length, 429, 404, 405,
 * 415, 503) gets its final status without the client uploading the body at all.
 */
const pending = new WeakMap<IncomingMessage, ServerResponse>();

/** Registers a request that asked for 100-continue (the server's 'checkContinue' event). */
export function deferContinue(req: IncomingMessage, res: ServerResponse): void {
  pending.set(req, res);
}

/** Sends the deferred 100 Continue, once, if this request asked for one. */
export function sendContinue(req: IncomingMessage): void {
  const res = pending.get(req);
  if (!res) return;
  pending.delete(req);
  if (!res.headersSent) res.writeContinue();
}
