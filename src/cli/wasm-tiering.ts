import { setFlagsFromString } from 'node:v8';

/**
 * For a CLI run. undici's HTTP parser, which the probe phase uses, is WebAssembly: it gets hot
 * during the probe phase and V8 compiles an optimised version on a background thread — ≈ 0.1 s of
 * CPU for code that runs only for the few dozen probe requests (the load phase has its own parser,
 * src/load/h1/), and node waits for that compile before the process exits, so a run without a load
 * phase also spends it as idle wall time. Keeping V8's baseline (Liftoff) code for WebAssembly
 * avoids both; the parser is the same, only not optimised. The flag is process-wide and applies to
 * modules compiled after it is set, so only the CLI that is the whole process (bin/) sets it,
 * before its run compiles any WebAssembly.
 */
export function keepBaselineWasm(): void {
  setFlagsFromString('--liftoff-only');
}
