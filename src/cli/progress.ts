import type { LoadRunner, Progress } from '../load/run-load.js';

/**
 * A progress line on stderr while the load phase runs (TTY only): a subscriber of the runner's
 * `tick` events, so measurement and display never mix.
 */
export function attachProgress(runner: LoadRunner, stream: NodeJS.WriteStream): void {
  const line = (p: Progress) =>
    `load: ${p.elapsedSec.toFixed(0)} s, ${p.sent} sent, ${p.rps.toFixed(0)} req/s, p99 ${p.p99Ms.toFixed(1)} ms, ${p.errors} errors`;
  runner.on('tick', (p: Progress) => stream.write(`\r\x1b[2K${line(p)}`));
  runner.on('done', () => stream.write('\r\x1b[2K'));
}
