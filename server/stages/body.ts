import type { IncomingMessage } from 'node:http';
import { HttpError } from '../errors.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads a JSON request body with a size cap: a declared Content-Length over the cap is refused
 * before reading; a chunked body is cut off as soon as it passes the cap.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!isJsonType(req.headers['content-type'])) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', {
      headers: { 'accept-post': 'application/json' },
    });
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    throw new HttpError(413, 'BODY_TOO_LARGE', `Request body exceeds ${limit} bytes.`, {
      headers: { connection: 'close' },
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new HttpError(413, 'BODY_TOO_LARGE', `Request body exceeds ${limit} bytes.`, {
        headers: { connection: 'close' },
      });
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks, size).toString('utf8');
  if (text.trim() === '')
    throw new HttpError(400, 'BODY_EMPTY', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BODY_MALFORMED', 'The request body is not valid JSON.');
  }
}
