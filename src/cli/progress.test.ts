import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Progress } from '../load/run-load.js';
import { attachProgress } from './progress.js';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const tick = (elapsedSec: number): Progress => ({
  elapsedSec,
  sent: elapsedSec * 50,
  rps: 50,
  p99Ms: 12.5,
  errors: 0,
});

describe('load progress on stderr', () => {
  it('without a TTY: a plain status line every 10 s, no control characters', () => {
    const runner = new EventEmitter();
    const err = new Capture(false);
    attachProgress(runner, err);
    for (let s = 1; s <= 35; s++) runner.emit('tick', tick(s));
    runner.emit('done');
    expect(err.text.split('\n').filter(Boolean)).toEqual([
      'load: 10 s, 500 sent, 50 req/s, p99 12.5 ms, 0 errors',
      'load: 20 s, 1000 sent, 50 req/s, p99 12.5 ms, 0 errors',
      'load: 30 s, 1500 sent, 50 req/s, p99 12.5 ms, 0 errors',
    ]);
    expect(err.text).not.toMatch(/[\r\u001b]/);
  });

  it('on a TTY: one line rewritten in place and erased at the end, also when the run stops early', () => {
    const runner = new EventEmitter();
    const err = new Capture(true);
    const stop = attachProgress(runner, err);
    runner.emit('tick', tick(1));
    runner.emit('tick', tick(2));
    stop();
    expect(err.text).toBe(
      '\r\u001b[2Kload: 1 s, 50 sent, 50 req/s, p99 12.5 ms, 0 errors\r\u001b[2Kload: 2 s, 100 sent, 50 req/s, p99 12.5 ms, 0 errors\r\u001b[2K',
    );
    runner.emit('tick', tick(3));
    runner.emit('done');
    expect(err.text.endsWith('errors\r\u001b[2K')).toBe(true);
  });
});
