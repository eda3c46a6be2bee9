/** Stable error codes of harden-check; callers branch on `code`, never on message text. */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'OPENAPI_INVALID'
  | 'TARGET_INVALID'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_NOT_HTTP'
  | 'TARGET_TLS'
  | 'TARGET_TIMEOUT'
  | 'TARGET_REDIRECT_LOOP'
  | 'REPORT_INVALID'
  | 'SHARDS_INCOMPLETE'
  | 'SHARDS_MISMATCH'
  | 'CHECK_CRASHED'
  | 'OUTPUT_FAILED';

/** Exit codes of docs/contract.md. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, interrupted: 130 } as const;

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  USAGE: EXIT.usage,
  CONFIG_INVALID: EXIT.usage,
  CONFIG_UNREADABLE: EXIT.usage,
  OPENAPI_INVALID: EXIT.usage,
  TARGET_INVALID: EXIT.usage,
  REPORT_INVALID: EXIT.usage,
  SHARDS_INCOMPLETE: EXIT.usage,
  SHARDS_MISMATCH: EXIT.usage,
  TARGET_UNREACHABLE: EXIT.unreachable,
  TARGET_NOT_HTTP: EXIT.unreachable,
  TARGET_TLS: EXIT.unreachable,
  TARGET_TIMEOUT: EXIT.unreachable,
  TARGET_REDIRECT_LOOP: EXIT.unreachable,
  CHECK_CRASHED: EXIT.failed,
  OUTPUT_FAILED: EXIT.usage,
};

/** An error with a stable code; its message is one line that names the problem and the fix. */
export class HardenError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HardenError';
    this.code = code;
  }
  get exitCode(): number {
    return EXIT_BY_CODE[this.code];
  }
}
