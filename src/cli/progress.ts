import type { EventEmitter } from 'node:events';
import type { Progress } from '../load/run-load.js';

/** Seconds between status lines when stderr is not a terminal (a CI log must not be silent for a minute). */
export const STATUS_EVERY_SEC = 10;

const line = (p: Progress) =>
  `load: ${p.elapsedSec.toFixed(0)} s, ${p.sent} sent, ${p.rps.toFixed(0)} req/s, p99 ${p.p99Ms.toFixed(1)} ms, ${p.errors} errors`;

/**
 * Shows the load phase's progress on stderr, as a subscriber of the runner's `tick` events (so
 * measurement and display never mix). On a terminal: one line rewritten in place, erased at the
 * end. Otherwise: a plain status line every `everySec` seconds. Returns `stop`, which also ends
 * the display cleanly when the run is cut short by an error.
 */
export function attachProgress(
  runner: EventEmitter,
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  everySec = STATUS_EVERY_SEC,
): () => void {
  let shown = false;
  let next = everySec;
  const onTick = (p: Progress) => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line(p)}`);
      shown = true;
    } else if (p.elapsedSec >= next) {
      stream.write(`${line(p)}\n`);
      next = (Math.floor(p.elapsedSec / everySec) + 1) * everySec;
    }
  };
  const stop = () => {
    runner.off('tick', onTick);
    runner.off('done', stop);
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  runner.on('tick', onTick);
  runner.on('done', stop);
  return stop;
}
