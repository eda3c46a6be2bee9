import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HardenError } from '../errors.js';
import { parseStartAt, resolveShard } from '../load/shard.js';
import type { SloTargets } from '../types.js';
import { assertSomethingToRun, parseCheckNames, splitCheckNames } from './check-names.js';
import { type ConfigFile, readConfigFile } from './config-file.js';
import { endpointLabel, labelEndpoints, parseEndpoint } from './endpoint.js';
import type { Flags } from './flags.js';
import { loadOpenApiEndpoints, readOpenApi } from './openapi.js';
import { firstServerUrl, type SpecEndpoints } from './openapi-endpoints.js';
import { checkConfigHeader, parseHeader, parseTarget, readErrorSchema } from './parse-values.js';
import {
  DEFAULT_ENDPOINTS,
  DEFAULT_RATE,
  DEFAULT_SLO,
  DEFAULT_TIMEOUT_MS,
  type EndpointSource,
  type RunOptions,
} from './options.js';
import { assertCacheable } from './cacheable.js';
import { defaultPolicies, type PolicyRule, resolvePolicies } from './policies.js';

export const CONFIG_FILE_NAME = 'harden-check.config.json';
export { readConfigFile } from './config-file.js';

const SECRET_HEADER = /auth|token|key|secret|cookie|session|password|signature|credential/i;

/** Merges defaults, the config file and flags into validated run options. */
export async function resolveRunOptions(
  targetArg: string | undefined,
  flags: Flags,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunOptions> {
  const configPath = flags.config
    ? resolve(cwd, flags.config)
    : existsSync(resolve(cwd, CONFIG_FILE_NAME))
      ? resolve(cwd, CONFIG_FILE_NAME)
      : undefined;
  const file: ConfigFile = configPath ? readConfigFile(configPath) : {};
  const openapi = flags.openapi ?? file.openapi;
  const targetText =
    targetArg ?? file.target ?? (openapi ? await targetFromSpec(resolve(cwd, openapi)) : undefined);
  if (!targetText)
    throw new HardenError(
      'USAGE',
      'no target: give a URL (harden-check https://api.example.com), "target" in the config, or --openapi with an absolute server URL',
    );
  const target = parseTarget(targetText);
  const targetBase = target.pathname.replace(/\/$/, '');

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.headers ?? {}))
    headers[checkConfigHeader(k, v, `headers.${k}`)] = v;
  for (const h of flags.header ?? []) {
    const [k, v] = parseHeader(h, '--header');
    headers[k] = v;
  }
  const loadHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.load?.headers ?? {}))
    loadHeaders[checkConfigHeader(k, v, `load.headers.${k}`)] = v;
  for (const h of flags.loadHeader ?? []) {
    const [k, v] = parseHeader(h, '--load-header');
    loadHeaders[k] = v;
  }
  const secrets = [...Object.entries(headers), ...Object.entries(loadHeaders)]
    .filter(
      ([k, v]) =>
        v.length >= 4 &&
        (SECRET_HEADER.test(k) || !['accept', 'user-agent', 'content-type', 'accept-language'].includes(k)),
    )
    .map(([, v]) => v);

  const endpointSlo: Record<string, Partial<SloTargets>> = {};
  let endpoints: RunOptions['endpoints'] = [];
  let source: EndpointSource = { kind: 'default', detail: "the URL's own path" };
  if (flags.endpoint?.length) {
    endpoints = flags.endpoint.map((e) => parseEndpoint(e, '--endpoint'));
    source = { kind: 'configured', detail: flags.endpointSource ?? '--endpoint' };
  } else if (file.endpoints?.length) {
    source = { kind: 'configured', detail: 'the config file' };
    endpoints = file.endpoints.map((e, i) => {
      if (typeof e === 'string') return parseEndpoint(e, `endpoints[${i}]`);
      const ep = {
        method: e.method.toUpperCase(),
        path: e.path,
        ...(e.body !== undefined ? { body: e.body } : {}),
        ...(e.weight ? { weight: e.weight } : {}),
      };
      if (e.slo) endpointSlo[endpointLabel(labelEndpoints([ep], targetBase)[0]!)] = e.slo;
      return ep;
    });
  }
  let leftOut: SpecEndpoints['leftOut'] = [];
  if (openapi) {
    const spec = await loadOpenApiEndpoints(resolve(cwd, openapi), targetBase);
    endpoints.push(...spec.endpoints);
    leftOut = spec.leftOut;
    if (source.kind === 'default') source = { kind: 'openapi', detail: openapi };
    else source = { kind: source.kind, detail: `${source.detail} and ${openapi}` };
  }
  if (endpoints.length === 0) endpoints = DEFAULT_ENDPOINTS.map((e) => ({ ...e }));
  // Reports name each endpoint by the path it is requested at, the URL's base path included.
  endpoints = labelEndpoints(endpoints, targetBase);

  const checkNames =
    flags.checks !== undefined
      ? parseCheckNames(flags.checks, '--checks')
      : file.checks?.categories
        ? parseCheckNames(file.checks.categories, 'checks.categories')
        : undefined;
  const only = checkNames ? splitCheckNames(checkNames) : undefined;
  const skip = [
    ...parseCheckNames(file.checks?.skip ?? [], 'checks.skip'),
    ...parseCheckNames(flags.skip ?? '', '--skip'),
  ];
  // With the default plan, endpoints may still come from an OpenAPI document found on the target:
  // `policies` and `checks.cacheable` are then matched once the endpoints are known (engine).
  const deferred = source.kind === 'default';
  const cacheable = labelEndpoints(
    (file.checks?.cacheable ?? []).map((e) => parseEndpoint(e, 'checks.cacheable')),
    targetBase,
  ).map(endpointLabel);
  if (!deferred) assertCacheable(cacheable, endpoints);

  const slo: SloTargets = {
    p95Ms: flags.sloP95 ?? file.slo?.p95Ms ?? DEFAULT_SLO.p95Ms,
    p99Ms: flags.sloP99 ?? file.slo?.p99Ms ?? DEFAULT_SLO.p99Ms,
    errorRate: flags.sloErrorRate ?? file.slo?.errorRate ?? DEFAULT_SLO.errorRate,
    availability: flags.sloAvailability ?? file.slo?.availability ?? DEFAULT_SLO.availability,
  };

  const policyRules: PolicyRule[] = Object.entries(file.policies ?? {}).map(([key, value]) => ({
    key,
    value:
      value === 'none'
        ? 'none'
        : { name: value.name ?? key, limit: value.limit, windowSec: value.windowSec ?? 60 },
  }));
  const policies = deferred ? defaultPolicies(endpoints) : resolvePolicies(endpoints, policyRules);

  let errorSchema: RunOptions['errorSchema'];
  const errorSchemaPath = flags.errorSchema ?? file.errorSchema;
  if (errorSchemaPath) errorSchema = readErrorSchema(resolve(cwd, errorSchemaPath));

  // One load model per run: the open model's arrival rate or the closed model's connections.
  if (flags.rate !== undefined && flags.connections !== undefined)
    throw new HardenError(
      'USAGE',
      '--rate (open model: a fixed arrival rate) and --connections (closed model) choose different load models; give one',
    );
  if (file.load?.rate !== undefined && file.load?.connections !== undefined)
    throw new HardenError(
      'USAGE',
      'load.rate (open model) and load.connections (closed model) in the config choose different load models; keep one',
    );
  // A model chosen on the command line wins over the config file's.
  const connections = flags.rate !== undefined ? undefined : (flags.connections ?? file.load?.connections);
  const requestCount = flags.requests ?? (flags.rate !== undefined ? undefined : file.load?.requests);
  if (requestCount !== undefined && connections === undefined)
    throw new HardenError(
      'USAGE',
      `${flags.requests !== undefined ? '--requests' : 'load.requests'} is the closed model's total: add --connections (the open model sends --rate × --duration)`,
    );
  const shard = resolveShard(flags.shard, flags.shardTotal, env);
  if (shard && connections !== undefined)
    throw new HardenError(
      'USAGE',
      '--shard splits an open-model arrival schedule; use --rate and --duration instead of --connections',
    );
  const startAt = parseStartAt(flags.startAt);
  if (startAt !== undefined && startAt - Date.now() > 86_400_000)
    throw new HardenError(
      'USAGE',
      `--start-at ${flags.startAt} is more than 24 h ahead; give the instant the shards start`,
    );
  const categories = only
    ? only.ids.length > 0 && only.categories.length === 0
      ? []
      : only.categories
    : undefined;
  const checkIds = only && only.ids.length > 0 ? only.ids : undefined;
  assertSomethingToRun(categories, skip, checkIds, shard, (flags.duration ?? file.load?.duration) === 0);
  const rateLimitProbe = flags.rateLimitProbe ?? file.rateLimit?.probe ?? false;
  // Flags that only steer the rate-limit probe would otherwise be ignored without a word.
  for (const [flag, given] of [
    ['--wait-for-reset', flags.waitForReset],
    ['--source-address', flags.sourceAddress],
  ] as const)
    if (given !== undefined && !rateLimitProbe)
      throw new HardenError('USAGE', `${flag} steers the rate-limit probe: add --rate-limit-probe`);
  return {
    ...(shard ? { shard } : {}),
    ...(startAt !== undefined ? { startAtMs: startAt } : {}),
    target: target.href.replace(/\/$/, ''),
    endpoints,
    endpointSource: source,
    leftOut,
    headers,
    loadHeaders,
    secrets,
    categories,
    checkIds,
    skip,
    cacheable,
    slo,
    endpointSlo,
    policies,
    policyRules,
    requireLegacyRateLimitHeaders: file.rateLimit?.requireLegacyHeaders ?? false,
    rateLimitProbe,
    waitForReset: flags.waitForReset ?? file.rateLimit?.waitForReset ?? false,
    sourceAddresses: flags.sourceAddress ?? file.rateLimit?.sourceAddresses ?? [],
    load: {
      rate: flags.rate ?? file.load?.rate ?? DEFAULT_RATE,
      durationSec: flags.duration ?? file.load?.duration ?? 5,
      connections,
      requests: requestCount,
      polite: flags.polite ?? file.load?.polite ?? true,
      intervalSec: flags.interval ?? file.load?.interval ?? 1,
      abortOnFail: flags.abortOnFail ?? file.load?.abortOnFail ?? false,
      autoSize:
        connections === undefined && (flags.duration ?? file.load?.duration ?? requestCount) === undefined,
    },
    health: { liveness: file.health?.liveness ?? '/healthz', readiness: file.health?.readiness ?? '/readyz' },
    timeoutMs: flags.timeout ?? file.timeout ?? DEFAULT_TIMEOUT_MS,
    insecure: flags.insecure ?? file.insecure ?? false,
    strict: flags.strict ?? file.strict ?? false,
    errorSchema,
    logFile: flags.logFile ?? file.logFile,
    // Flag only: a config file checked into a repository must not be able to run commands.
    logCommand: flags.logCommand,
  };
}

/** With no URL given, the first server URL of the --openapi document is the target. */
async function targetFromSpec(path: string): Promise<string | undefined> {
  const url = firstServerUrl(await readOpenApi(path, `--openapi ${path}`));
  if (url === undefined) return undefined;
  if (!/^https?:\/\//i.test(url))
    throw new HardenError(
      'USAGE',
      `no target: the first server URL of ${path} is "${url}", not an absolute http(s) URL; give the URL on the command line`,
    );
  return url;
}
