import type { Context } from '../context.js';
import type { StoredEvent } from '../store/state-format.js';

const CSV_COLUMNS = ['id', 'receivedAt', 'type', 'series', 'value', 'occurredAt'] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const s = String(value);
  // RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not evaluate it (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) && typeof value === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function wantsCsv(ctx: Context): boolean {
  const format = ctx.query.get('format');
  if (format) return format.toLowerCase() === 'csv';
  return (ctx.req.headers.accept ?? '').toLowerCase().includes('text/csv');
}

/**
 * Streams the stored events as NDJSON (or CSV), one page of rows at a time, waiting for the client
 * to drain each (memory stays bounded by one page however many events are stored). The pages stop at
 * the newest event stored when the export began.
 */
export async function streamExport(ctx: Context, pages: Iterable<StoredEvent[]>): Promise<void> {
  const csv = wantsCsv(ctx);
  const { res } = ctx;
  res.writeHead(200, {
    ...ctx.headers,
    'content-type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    ...(csv ? { 'content-disposition': 'attachment; filename="events.csv"' } : {}),
  });
  if (csv) res.write(`${CSV_COLUMNS.join(',')}\r\n`);
  for (const page of pages) {
    if (res.destroyed) return;
    let chunk = '';
    for (const e of page) {
      if (csv) chunk += `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')}\r\n`;
      else chunk += `${JSON.stringify(e)}\n`;
    }
    if (!res.write(chunk)) await new Promise<void>((r) => res.once('drain', r).once('close', r));
  }
  res.end();
}
