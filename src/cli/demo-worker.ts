// The demo's reference server, run in a worker thread so that it does not share an event loop
// with the client measuring it: on a busy machine each gets its own share of the cores, and the
// client's schedule is not held up by the server's work (nor the other way round).
import { parentPort, workerData } from 'node:worker_threads';
import { type ServerOptions, startServer } from '../../server/start.js';

const port = parentPort;
if (!port) throw new Error('demo-worker runs as a worker thread');
try {
  const server = await startServer(workerData as ServerOptions);
  port.once('message', async () => {
    await server.close(2000);
    port.postMessage({ stopped: true });
    port.close();
  });
  port.postMessage({ url: server.url });
} catch (err) {
  port.postMessage({ error: err });
  port.close();
}
