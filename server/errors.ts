/** An error that maps onto an HTTP problem response; `detail` is safe to show to clients. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    status: number,
    code: string,
    detail: string,
    options: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions;
  }
}

/** Errors of the server's own commands (start, backup, restore, verify), with stable codes. */
export class ServerCommandError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ServerCommandError';
    this.code = code;
  }
}
