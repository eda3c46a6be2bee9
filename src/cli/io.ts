import type { SignalSource } from './interrupt.js';

/** What the CLI needs from its environment; bin/ passes the real process streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ctrl-C and SIGTERM (bin/ passes `process`); without it a run cannot be interrupted. */
  signals?: SignalSource;
  /** The CLI is the whole process (bin/ sets it): it may set process-wide V8 options. */
  ownsProcess?: boolean;
}
