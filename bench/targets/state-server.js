// harden-server for the durable-writes benchmark: database file from argv, a bypass key so 50
// clients are not rate limited, logging to a temp file.  node state-server.js STATE KEY
import { dirname, join } from 'node:path';
import { startServer } from '../../dist/server/start.js';

const [state, key] = process.argv.slice(2);
const server = await startServer({
  port: 0,
  statePath: state,
  log: join(dirname(state), 'server.log'),
  apiKeys: [{ name: 'bench', key, kind: 'bypass' }],
});
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', async () => {
  await server.close(2000);
  process.exit(0);
});
