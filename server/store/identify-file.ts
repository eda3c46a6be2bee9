import { open, readFile, stat } from 'node:fs/promises';
import { ServerCommandError } from '../errors.js';
import { parseState, type StateFile } from './state-format.js';

/** What `verify` and `restore` accept, said in every refusal so the reader knows what was expected. */
export const EXPECTED =
  'expected a harden-server backup (a {"format":"harden-backup",…} line, then the database), database, or version-1 state.json';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Bytes looked at to tell what a file is (text or binary, JSON, an envelope's header). */
const SNIFF_BYTES = 4096;

/** What a file that is not a readable backup envelope turned out to be. */
export type Identified = { kind: 'sqlite' } | { kind: 'state'; state: StateFile };

/**
 * Refuses, with one line saying what the path is and what was expected, a path that is missing, not
 * a regular file, or unreadable. Errors: VERIFY_MISSING, VERIFY_NOT_A_FILE, VERIFY_UNREADABLE.
 */
export async function assertReadableFile(path: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile())
      throw new ServerCommandError(
        'VERIFY_NOT_A_FILE',
        `${path} is a ${s.isDirectory() ? 'directory' : 'special file'}, not a file; ${EXPECTED}`,
      );
    size = s.size;
  } catch (err) {
    if (err instanceof ServerCommandError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ServerCommandError('VERIFY_MISSING', `no file at ${path}; ${EXPECTED}`);
    throw new ServerCommandError('VERIFY_UNREADABLE', `cannot read ${path} (${code ?? 'error'})`);
  }
  if (size === 0) throw new ServerCommandError('VERIFY_INVALID', `${path} is empty (0 bytes); ${EXPECTED}`);
}

/**
 * Tells what a file without a valid backup header is: an SQLite database (judged by the caller) or
 * a valid version-1 state.json; anything else is refused with one line naming what the file is —
 * a cut-off backup header, JSON that does not parse, a JSON document of another kind, a state.json
 * that fails its schema, text, or binary data — and what was expected. Errors: VERIFY_TRUNCATED,
 * VERIFY_INVALID.
 */
export async function identifyFile(path: string): Promise<Identified> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length >= SQLITE_MAGIC.length && head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC))
    return { kind: 'sqlite' };
  const start = head.toString('utf8').trimStart();
  if (start.startsWith('{') && start.slice(0, 200).includes('"harden-backup"'))
    throw new ServerCommandError(
      'VERIFY_TRUNCATED',
      `${path} starts like a harden-server backup, but its header line is cut off or damaged (a truncated or corrupt backup); take a new backup`,
    );
  if (!start.startsWith('{') && !start.startsWith('['))
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} is ${isBinary(head) ? 'binary data' : 'text'} that is not a harden-server backup, database or state file; ${EXPECTED}`,
    );
  const text = await readFile(path, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} looks like JSON but does not parse (${(err as Error).message.split('\n')[0]}): a truncated or corrupt state.json?; ${EXPECTED}`,
    );
  }
  const format =
    doc && typeof doc === 'object' && 'format' in doc ? (doc as { format: unknown }).format : undefined;
  if (format !== 'harden-state')
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} is a JSON document${typeof format === 'string' ? ` of format "${format.slice(0, 40)}"` : ''}, not a harden-server state.json (no "format": "harden-state"); ${EXPECTED}`,
    );
  const parsed = parseState(text);
  if (!parsed.ok)
    throw new ServerCommandError(
      'VERIFY_INVALID',
      `${path} is a harden-server state.json that cannot be used: ${parsed.reason}`,
    );
  return { kind: 'state', state: parsed.state };
}

/** NUL bytes or invalid UTF-8 in the first bytes: not a text file. */
function isBinary(head: Buffer): boolean {
  if (head.includes(0)) return true;
  // A multi-byte character cut at the end of the sniffed bytes is not invalid UTF-8.
  const whole = head.length === SNIFF_BYTES ? head.subarray(0, head.length - 3) : head;
  return whole.toString('utf8').includes('\ufffd');
}
