import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerOptions, startServer } from '../../server/start.js';

/** Starts the reference server on 127.0.0.1:0 with a state file in a fresh temp directory. */
export async function startTestServer(
  options: ServerOptions & { logToFile?: boolean } = {},
): Promise<
  RunningServer & { dir: string; logFile: string; stop(options?: { keep?: boolean }): Promise<void> }
> {
  const dir = await mkdtemp(join(tmpdir(), 'harden-test-'));
  const logFile = join(dir, 'server.log');
  const { logToFile, ...rest } = options;
  const server = await startServer({
    port: 0,
    statePath: join(dir, 'state.db'),
    log: logToFile ? logFile : 'silent',
    processMetrics: false,
    ...rest,
  });
  return Object.assign(server, {
    dir,
    logFile,
    async stop(stopOptions: { keep?: boolean } = {}) {
      await server.close(1000);
      if (!stopOptions.keep) await rm(dir, { recursive: true, force: true });
    },
  });
}
