import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/harden-check.js', import.meta.url));

/** A plain 127.0.0.1 HTTP server answering 200 "ok", counting the requests it received. */
export async function countingServer(): Promise<{ url: string; seen(): number; close(): Promise<void> }> {
  let seen = 0;
  const server: Server = createServer((_req, res) => {
    seen++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Spawns the built CLI (`node bin/harden-check.js ARGS`) with NO_COLOR set. */
export function spawnCli(args: string[], cwd?: string): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    ...(cwd ? { cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/** Runs the built CLI to its end. */
export function runCliBin(args: string[], cwd?: string) {
  return spawnCli(args, cwd).done;
}
