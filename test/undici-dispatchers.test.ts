import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import * as undici from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Pool } from '../src/probe/undici-dispatchers.js';

// The probe phase loads undici's Pool and Agent without undici's index.js (see the module). An
// undici upgrade that moves them fails here, not in a run.

const BUILT = new URL('../dist/src/probe/undici-dispatchers.js', import.meta.url).href;

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => res.end(`${req.method} ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('undici dispatchers loaded without undici/index.js', () => {
  it('are the classes undici exports', () => {
    expect(Pool).toBe(undici.Pool);
    expect(Agent).toBe(undici.Agent);
  });

  it('have the request API over a real socket', async () => {
    const pool = new Pool(origin, { connections: 1 });
    const agent = new Agent();
    try {
      const a = await pool.request({ method: 'GET', path: '/p?q=1' });
      expect(a.statusCode).toBe(200);
      expect(await a.body.text()).toBe('GET /p?q=1');
      const b = await agent.request({ origin, method: 'HEAD', path: '/a' });
      expect(b.statusCode).toBe(200);
      await b.body.dump();
    } finally {
      await Promise.all([pool.close(), agent.close()]);
    }
  });

  it('have the request API in a process that never loads undici/index.js (built module)', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const { Agent, Pool } = await import(${JSON.stringify(BUILT)});
      const pool = new Pool(${JSON.stringify(origin)});
      const agent = new Agent();
      const a = await pool.request({ method: 'GET', path: '/x' });
      const b = await agent.request({ origin: ${JSON.stringify(origin)}, method: 'GET', path: '/y' });
      const index = createRequire(${JSON.stringify(BUILT)}).resolve('undici');
      console.log(JSON.stringify([await a.body.text(), await b.body.text(), index in createRequire(${JSON.stringify(BUILT)}).cache]));
      await Promise.all([pool.close(), agent.close()]);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual(['GET /x', 'GET /y', false]);
  });
});
