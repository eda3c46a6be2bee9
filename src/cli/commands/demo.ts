import { DEMO_ENDPOINTS, startDemoTarget } from '../demo.js';
import type { CliIo } from '../io.js';
import type { CliOptions } from '../options.js';
import { runCheck } from './check.js';

/** `harden-check demo`: the reference server in-process on 127.0.0.1:0, checked, then stopped. */
export async function runDemo(o: CliOptions, io: CliIo): Promise<number> {
  const demo = await startDemoTarget();
  try {
    return await runCheck(demo.url, o, io, { ...demo, endpoints: DEMO_ENDPOINTS });
  } finally {
    await demo.stop();
  }
}
