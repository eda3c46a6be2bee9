import { HardenError } from '../errors.js';

/**
 * One execution segment of an arrival schedule (k6 execution segments, in their simplest form):
 * request k of the whole run belongs to shard (k mod total) + 1, so shards 1..total together send
 * exactly the single-machine schedule at the full rate.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
  /** Where the index came from: the --shard flag or a CI / orchestrator environment. */
  source: 'flag' | 'gitlab' | 'kubernetes';
}

const SHARD_PATTERN = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/;

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d{1,6}\s*$/.test(text)) return undefined;
  return Number(text);
}

/**
 * Resolves `--shard I/N | auto` and `--shard-total N`. `auto` reads GitLab CI's `parallel:`
 * (CI_NODE_INDEX, 1-based, and CI_NODE_TOTAL) or a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX, 0-based, with --shard-total). Throws HardenError USAGE naming the fix.
 */
export function resolveShard(
  value: string | undefined,
  shardTotal: number | undefined,
  env: NodeJS.ProcessEnv,
): Shard | undefined {
  if (value === undefined) {
    if (shardTotal !== undefined)
      throw new HardenError('USAGE', '--shard-total needs --shard auto (or give --shard I/N)');
    return undefined;
  }
  let shard: Shard;
  if (value.trim() === 'auto') {
    const gitlabIndex = wholeNumber(env.CI_NODE_INDEX);
    const gitlabTotal = wholeNumber(env.CI_NODE_TOTAL);
    const k8sIndex = wholeNumber(env.JOB_COMPLETION_INDEX);
    if (gitlabIndex !== undefined && (gitlabTotal !== undefined || shardTotal !== undefined)) {
      shard = { index: gitlabIndex, total: shardTotal ?? gitlabTotal!, source: 'gitlab' };
    } else if (k8sIndex !== undefined) {
      if (shardTotal === undefined)
        throw new HardenError(
          'USAGE',
          '--shard auto found JOB_COMPLETION_INDEX (Kubernetes Indexed Job) but no total: add --shard-total <completions>',
        );
      shard = { index: k8sIndex + 1, total: shardTotal, source: 'kubernetes' };
    } else {
      throw new HardenError(
        'USAGE',
        '--shard auto found no shard index in the environment (GitLab CI_NODE_INDEX/CI_NODE_TOTAL, Kubernetes JOB_COMPLETION_INDEX); give --shard I/N, e.g. from a GitHub Actions matrix',
      );
    }
  } else {
    const m = SHARD_PATTERN.exec(value);
    if (!m) throw new HardenError('USAGE', `--shard: "${value}" is not I/N (e.g. 2/4) or auto`);
    if (shardTotal !== undefined && shardTotal !== Number(m[2]))
      throw new HardenError('USAGE', `--shard ${value} disagrees with --shard-total ${shardTotal}`);
    shard = { index: Number(m[1]), total: Number(m[2]), source: 'flag' };
  }
  if (shard.total < 1 || shard.index < 1 || shard.index > shard.total)
    throw new HardenError(
      'USAGE',
      `--shard: index ${shard.index} is outside 1..${shard.total} (${shard.source === 'flag' ? 'I/N with 1 ≤ I ≤ N' : `from the ${shard.source} environment`})`,
    );
  return shard;
}

/** Parses `--start-at <ISO-8601>` (with a date, time and zone) into epoch milliseconds. */
export function parseStartAt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // RFC 3339 date-time: a date, a time and an explicit offset, so every machine reads one instant.
  const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;
  const ms = rfc3339.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new HardenError(
      'USAGE',
      `--start-at: "${value}" is not an ISO-8601 instant with a zone, e.g. 2026-05-01T12:00:00Z`,
    );
  return ms;
}

/** The requests of the whole run that this shard sends: k = index−1, index−1+total, … below `requests`. */
export function shardRequestCount(
  requests: number,
  shard: Pick<Shard, 'index' | 'total'> | undefined,
): number {
  if (!shard) return requests;
  const first = shard.index - 1;
  return first >= requests ? 0 : Math.ceil((requests - first) / shard.total);
}

/** Waits until `epochMs` (wall clock), or until `signal` aborts; resolves at once when it has passed. */
export function waitUntil(epochMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const ms = epochMs - Date.now();
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
