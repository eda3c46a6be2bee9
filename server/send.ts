import type { Context } from './context.js';
import { buildProblem } from './problem.js';

/** Writes a complete JSON response with every accumulated header in one writeHead call. */
export function sendJson(
  ctx: Context,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  sendRawJson(ctx, status, JSON.stringify(body), contentType);
}

/**
 * Like sendJson for an already serialized body (e.g. a cached one). The context's header object is
 * handed to writeHead as it is, not copied: it is built once per request.
 */
export function sendRawJson(
  ctx: Context,
  status: number,
  payload: string,
  contentType = 'application/json',
): void {
  const h = ctx.headers;
  h['content-type'] = `${contentType}; charset=utf-8`;
  h['content-length'] = Buffer.byteLength(payload);
  ctx.res.writeHead(status, h);
  ctx.res.end(payload);
}

/** Writes a text response (e.g. Prometheus exposition). */
export function sendText(ctx: Context, status: number, text: string, contentType: string): void {
  const h = ctx.headers;
  h['content-type'] = contentType;
  h['content-length'] = Buffer.byteLength(text);
  ctx.res.writeHead(status, h);
  ctx.res.end(text);
}

/** Writes an empty response (204, OPTIONS). */
export function sendEmpty(ctx: Context, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { ...ctx.headers, ...headers, 'content-length': 0 });
  ctx.res.end();
}

/**
 * The only writer of problem bodies (RFC 9457). `detail` comes from an HttpError and is always a
 * fixed sentence; internal error messages never reach it.
 */
export function sendProblem(
  ctx: Context,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
  extensions?: Record<string, unknown>,
): void {
  const { res } = ctx;
  if (res.headersSent) {
    // A streamed body already started: the status line is gone, so end the connection abruptly
    // rather than append an error to a body the client would take as complete.
    res.destroy();
    return;
  }
  const body = buildProblem(status, detail, ctx.path, ctx.requestId, extensions);
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...ctx.headers,
    ...headers,
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
