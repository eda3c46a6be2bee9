import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ServerCommandError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { acquireStateLock, lockHolder } from './lock.js';
import { parseState, type StateFile } from './state-format.js';

/**
 * Backup file layout: one JSON header line, then the state file's bytes unchanged.
 *   {"format":"harden-backup","version":1,"createdAt":…,"events":N,"bytes":B,"sha256":"…"}\n<state.json>
 * Keeping the payload byte-identical makes restore → backup round trips exact.
 */
export interface BackupHeader {
  format: 'harden-backup';
  version: number;
  createdAt: string;
  events: number;
  bytes: number;
  sha256: string;
}

export const BACKUP_FORMAT_VERSION = 1;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Reads the state file once (it is only ever replaced by rename, so one read sees one whole
 * version, never a write in progress) and wraps it with a checksummed header.
 */
export async function createBackup(statePath: string, outPath: string): Promise<BackupHeader> {
  let payload: Buffer;
  try {
    payload = await readFile(statePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ServerCommandError(
      'BACKUP_NO_STATE',
      code === 'ENOENT'
        ? `no state file at ${statePath}; nothing to back up`
        : `cannot read ${statePath} (${code})`,
    );
  }
  const parsed = parseState(payload.toString('utf8'));
  if (!parsed.ok)
    throw new ServerCommandError(
      'BACKUP_STATE_INVALID',
      `${statePath} is ${parsed.reason}; not backing it up`,
    );
  const header: BackupHeader = {
    format: 'harden-backup',
    version: BACKUP_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    events: parsed.state.events.length,
    bytes: payload.length,
    sha256: sha256(payload),
  };
  await writeFileAtomic(outPath, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]));
  return header;
}

export interface VerifiedFile {
  kind: 'backup' | 'state';
  header: BackupHeader | undefined;
  state: StateFile;
  payload: Buffer;
}

/** Checks a backup (header, size, checksum, schema) or a bare state file; read-only. */
export async function verifyFile(path: string): Promise<VerifiedFile> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new ServerCommandError(
      'VERIFY_UNREADABLE',
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  const newline = data.indexOf(0x0a);
  const firstLine = newline === -1 ? data.toString('utf8') : data.subarray(0, newline).toString('utf8');
  let header: unknown;
  try {
    header = JSON.parse(firstLine);
  } catch {
    header = undefined;
  }
  if (!header || typeof header !== 'object' || (header as { format?: unknown }).format !== 'harden-backup') {
    const parsed = parseState(data.toString('utf8'));
    if (!parsed.ok)
      throw new ServerCommandError(
        'VERIFY_INVALID',
        `${path} is not a backup, and as a state file it is ${parsed.reason}`,
      );
    return { kind: 'state', header: undefined, state: parsed.state, payload: data };
  }
  const h = header as BackupHeader;
  if (typeof h.version !== 'number' || h.version > BACKUP_FORMAT_VERSION) {
    throw new ServerCommandError(
      'VERIFY_FUTURE_VERSION',
      `${path} is backup format version ${h.version}; this harden-server reads version ${BACKUP_FORMAT_VERSION} — upgrade it to restore this file`,
    );
  }
  const payload = data.subarray(newline + 1);
  if (payload.length !== h.bytes) {
    throw new ServerCommandError(
      'VERIFY_TRUNCATED',
      `${path} is truncated or padded: payload has ${payload.length} bytes, header says ${h.bytes}`,
    );
  }
  if (sha256(payload) !== h.sha256) {
    throw new ServerCommandError(
      'VERIFY_CHECKSUM',
      `${path} is corrupt: SHA-256 of the payload does not match its header`,
    );
  }
  const parsed = parseState(payload.toString('utf8'));
  if (!parsed.ok)
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} passes its checksum but its state is ${parsed.reason}`,
    );
  if (parsed.state.events.length !== h.events) {
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} header says ${h.events} events, payload has ${parsed.state.events.length}`,
    );
  }
  return { kind: 'backup', header: h, state: parsed.state, payload };
}

/**
 * Verifies the backup completely before touching anything, refuses while a live server holds the
 * state file, then replaces the state atomically (temp + fsync + rename + directory fsync).
 */
export async function restoreBackup(fromPath: string, statePath: string): Promise<VerifiedFile> {
  const verified = await verifyFile(fromPath);
  const absolute = resolve(statePath);
  const holder = await lockHolder(absolute);
  if (holder !== undefined) {
    throw new ServerCommandError(
      'RESTORE_SERVER_RUNNING',
      `a server (pid ${holder}) is using ${statePath}; stop it (SIGTERM), run restore, then start it again`,
    );
  }
  // Hold the lock while writing so a server cannot start on a half-restored state.
  const lock = await acquireStateLock(absolute);
  try {
    await writeFileAtomic(absolute, verified.payload);
  } finally {
    await lock.release();
  }
  return verified;
}
