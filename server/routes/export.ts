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
 * Streams the stored events as NDJSON (or CSV), in chunks that respect backpressure. The snapshot is
 * taken up front, so a concurrent write never tears the export.
 */
export async function streamExport(ctx: Context, events: readonly StoredEvent[]): Promise<void> {
  const csv = wantsCsv(ctx);
  const { res } = ctx;
  res.writeHead(200, {
    ...ctx.headers,
    'content-type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    ...(csv ? { 'content-disposition': 'attachment; filename="events.csv"' } : {}),
  });
  const snapshot = events.slice();
  if (csv) res.write(`${CSV_COLUMNS.join(',')}\r\n`);
  const BATCH = 200;
  for (let i = 0; i < snapshot.length; i += BATCH) {
    if (res.destroyed) return;
    let chunk = '';
    for (const e of snapshot.slice(i, i + BATCH)) {
      if (csv) chunk += `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')}\r\n`;
      else {
        const { idempotencyKey: _omit, ...visible } = e;
        chunk += `${JSON.stringify(visible)}\n`;
      }
    }
    if (!res.write(chunk)) await new Promise<void>((r) => res.once('drain', r).once('close', r));
  }
  res.end();
}
