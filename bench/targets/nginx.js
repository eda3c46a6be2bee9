// A fast static target for the load-generator benchmark: nginx answering a small JSON body,
// one worker pinned to core 0 where taskset exists. Falls back to bare node:http without nginx.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from '../lib.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startFastTarget() {
  if (!NGINX) {
    const child = await startChild(fileURLToPath(new URL('./bare-server.js', import.meta.url)), [], {
      core: 0,
    });
    return { ...child, kind: 'node:http (nginx not installed)' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'harden-bench-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `user root; daemon off; worker_processes 1; worker_cpu_affinity 01; error_log stderr error; pid nginx.pid;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path tmp/b; proxy_temp_path tmp/p; fastcgi_temp_path tmp/f; uwsgi_temp_path tmp/u; scgi_temp_path tmp/s;
  server { listen 127.0.0.1:${port}; location / { default_type application/json; return 200 '{"ok":true}'; } } }`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  return {
    url: `http://127.0.0.1:${port}`,
    kind: 'nginx',
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGQUIT');
      }),
  };
}
