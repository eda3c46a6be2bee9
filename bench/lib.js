// Shared helpers for the benchmarks: child servers, CPU time of a process, formatting.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

/** Spawns `node script args…`, optionally pinned to one core with taskset; resolves with its URL line. */
export async function startChild(script, args = [], { core } = {}) {
  const cmd = core !== undefined && hasTaskset ? 'taskset' : process.execPath;
  const argv =
    core !== undefined && hasTaskset
      ? ['-c', String(core), process.execPath, script, ...args]
      : [script, ...args];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /(http:\/\/[\d.]+:\d+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'cpu'}, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export const fmt = (n, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) =>
      r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '),
    )
    .join('\n');
}

/** A numeric `--name value` option of a benchmark script, or `def`. */
export function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
}

/** Whether `taskset` can pin processes to a core here. */
export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** A LoadRunner plan for one `GET /` target; the rest from `overrides`. */
export function singleTargetPlan(origin, overrides) {
  return {
    origin,
    targets: [{ label: 'GET /', method: 'GET', path: '/', weight: 1 }],
    headers: {},
    rate: 1,
    connections: 1,
    timeoutMs: 10_000,
    insecure: false,
    ...overrides,
  };
}

/**
 * Runs `node args…` as a whole process under /usr/bin/time (on core 1 where taskset exists);
 * resolves with its stdout, wall seconds and CPU seconds (user + system, all threads, from the
 * kernel's rusage). Needs /usr/bin/time (Debian package "time").
 */
export function timedNode(args) {
  if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (Debian package "time")');
  const argv = ['-f', '@rusage %e %U %S', process.execPath, ...args];
  const [cmd, full] = hasTaskset
    ? ['taskset', ['-c', '1', '/usr/bin/time', ...argv]]
    : ['/usr/bin/time', argv];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, full, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', () => {
      const m = /@rusage ([\d.]+) ([\d.]+) ([\d.]+)/.exec(err);
      if (!m) return reject(new Error(`no rusage from ${args[0]}: ${err.slice(-300)}`));
      resolve({ out, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) });
    });
  });
}
