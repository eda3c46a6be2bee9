import { type Dispatcher, request } from 'undici';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  json(): unknown;
}

/** One real HTTP request over a socket; headers lower-cased, multi-values joined. */
export async function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; dispatcher?: Dispatcher } = {},
): Promise<Reply> {
  const res = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await res.body.text();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return { status: res.statusCode, headers, text, json: () => JSON.parse(text) };
}
