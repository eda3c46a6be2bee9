import type { IncomingMessage } from 'node:http';
import { HttpError } from '../errors.js';
import { sendContinue } from './continue.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads a JSON request body with a size cap: a declared Content-Length over the cap is refused
 * before reading; a chunked body is refused as soon as it passes the cap. A refused body is left
 * flowing (never destroyed: that would reset the connection before the 413 is read); the response
 * then arms a lingering close that discards the rest (see linger.ts).
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!isJsonType(req.headers['content-type'])) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', {
      headers: { 'accept-post': 'application/json' },
    });
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  sendContinue(req);
  const text = await collect(req, limit);
  if (text.trim() === '')
    throw new HttpError(400, 'BODY_EMPTY', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BODY_MALFORMED', 'The request body is not valid JSON.');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `Request body exceeds ${limit} bytes.`);
}

/** Collects the body as UTF-8 text up to `limit` bytes; stops listening (not reading) past it. */
function collect(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onClose = () => {
      stop();
      reject(new HttpError(400, 'BODY_INCOMPLETE', 'The connection closed before the body was complete.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}
