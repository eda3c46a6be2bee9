// harden-server for the durable-writes benchmark: state file and retention from argv, a bypass key
// so 50 clients are not rate limited, logging to a temp file.  node state-server.js STATE RETENTION KEY
import { dirname, join } from 'node:path';
import { startServer } from '../../dist/server/start.js';

const [state, retention, key] = process.argv.slice(2);
const server = await startServer({
  port: 0,
  statePath: state,
  retention: Number(retention),
  log: join(dirname(state), 'server.log'),
  apiKeys: [{ name: 'bench', key, kind: 'bypass' }],
});
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', async () => {
  await server.close(2000);
  process.exit(0);
});
