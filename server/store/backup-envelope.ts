import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { ServerCommandError } from '../errors.js';

/**
 * Backup file layout: one JSON header line, then the payload bytes unchanged.
 *   {"format":"harden-backup","version":2,"payload":"sqlite","createdAt":…,"events":N,"bytes":B,"sha256":"…"}\n<database>
 * Version 1 (before the database) carried a state.json payload; it is still read and restored.
 */
export interface BackupHeader {
  format: 'harden-backup';
  version: number;
  /** `sqlite` (version 2) or `state-json` (version 1, where the field is absent). */
  payload?: 'sqlite' | 'state-json';
  createdAt: string;
  events: number;
  bytes: number;
  sha256: string;
}

export const BACKUP_FORMAT_VERSION = 2;
/** Longest header line read; a real one is about 200 bytes. */
const MAX_HEADER = 4096;

/** SHA-256 (hex) and length of `path` from byte `start` on, streamed (bounded memory). */
export async function hashFile(path: string, start = 0): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { start })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Copies bytes `start`.. of `from` to the end of the open `to`. */
export async function appendFileTo(from: string, to: FileHandle, start = 0): Promise<void> {
  for await (const chunk of createReadStream(from, { start })) await to.write(chunk as Buffer);
}

/**
 * Reads the header line of a backup. Returns undefined when the file does not start with one (it
 * may be a bare database or state file), with `offset` = where the payload starts.
 * Errors: VERIFY_UNREADABLE, VERIFY_FUTURE_VERSION.
 */
export async function readBackupHeader(
  path: string,
): Promise<{ header: BackupHeader; offset: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new ServerCommandError(
      'VERIFY_UNREADABLE',
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  let head: Buffer;
  try {
    const buf = Buffer.alloc(MAX_HEADER);
    const { bytesRead } = await handle.read(buf, 0, MAX_HEADER, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const newline = head.indexOf(0x0a);
  if (newline === -1) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(head.subarray(0, newline).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!header || typeof header !== 'object' || (header as { format?: unknown }).format !== 'harden-backup') {
    return undefined;
  }
  const h = header as BackupHeader;
  if (typeof h.version === 'number' && h.version <= BACKUP_FORMAT_VERSION) {
    const missing = (['events', 'bytes', 'sha256'] as const).filter(
      (k) => typeof h[k] !== (k === 'sha256' ? 'string' : 'number'),
    );
    if (missing.length > 0)
      throw new ServerCommandError(
        'VERIFY_INVALID',
        `${path} has a harden-server backup header without a valid ${missing.join(', ')}: the header line is damaged; take a new backup`,
      );
  }
  if (typeof h.version !== 'number' || h.version > BACKUP_FORMAT_VERSION) {
    throw new ServerCommandError(
      'VERIFY_FUTURE_VERSION',
      `${path} is backup format version ${h.version}; this harden-server reads versions up to ${BACKUP_FORMAT_VERSION} — upgrade it to restore this file`,
    );
  }
  return { header: { ...h, payload: h.payload ?? 'state-json' }, offset: newline + 1 };
}

/** Checks a backup's payload length and SHA-256 against its header. Errors: VERIFY_TRUNCATED, VERIFY_CHECKSUM. */
export async function checkPayload(path: string, header: BackupHeader, offset: number): Promise<void> {
  const { sha256, bytes } = await hashFile(path, offset);
  if (bytes !== header.bytes) {
    throw new ServerCommandError(
      'VERIFY_TRUNCATED',
      bytes < header.bytes
        ? `${path} is a truncated backup: its header announces ${header.bytes} bytes of payload, the file holds ${bytes}`
        : `${path} is a backup with ${bytes - header.bytes} bytes more than its header announces (${header.bytes}): appended to or padded`,
    );
  }
  if (sha256 !== header.sha256) {
    throw new ServerCommandError(
      'VERIFY_CHECKSUM',
      `${path} is a corrupt backup: the SHA-256 of its payload does not match its header (damaged or altered since it was written)`,
    );
  }
}
