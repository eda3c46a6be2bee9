import { setFlagsFromString } from 'node:v8';

/**
 * For a CLI run without a load phase. undici's HTTP parser is WebAssembly: it gets hot during the
 * probe phase and V8 starts compiling an optimised version on a background thread, and node waits
 * for that compile before the process exits — ≈ 0.1 s of idle wall time (and its CPU) for code that
 * would never run. Keeping V8's baseline (Liftoff) code for WebAssembly avoids it; the parser is the
 * same, only not optimised. A run with a load phase keeps the default: there the optimised parser
 * pays off. The flag is process-wide and applies to modules compiled after it is set, so only the
 * CLI that is the whole process (bin/) sets it, before its run compiles any WebAssembly.
 */
export function keepBaselineWasm(): void {
  setFlagsFromString('--liftoff-only');
}
