import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { CHECKS } from '../checks/registry.js';
import { HardenError } from '../errors.js';
import { readShippedSchema } from '../schema-files.js';
import { CATEGORIES, type Category, type SloTargets } from '../types.js';
import { endpointLabel, parseEndpoint } from './endpoint.js';
import type { Flags } from './flags.js';
import { loadOpenApiEndpoints } from './openapi.js';
import {
  matchPolicyKey,
  parseCategories,
  parseEndpointLabel,
  parseHeader,
  parseTarget,
  readErrorSchema,
} from './parse-values.js';
import {
  DEFAULT_ENDPOINTS,
  DEFAULT_SLO,
  DEFAULT_TIMEOUT_MS,
  type PolicyExpectation,
  type RunOptions,
} from './options.js';
import { defaultPolicies } from './policies.js';

const addFormats = addFormatsModule.default;

export const CONFIG_FILE_NAME = 'harden-check.config.json';

/** Shape of harden-check.config.json (validated by schema/config.schema.json). */
interface ConfigFile {
  target?: string;
  endpoints?: Array<
    string | { method: string; path: string; body?: unknown; weight?: number; slo?: Partial<SloTargets> }
  >;
  openapi?: string;
  headers?: Record<string, string>;
  policies?: Record<string, 'none' | { name?: string; limit: number; windowSec?: number }>;
  rateLimit?: {
    requireLegacyHeaders?: boolean;
    probe?: boolean;
    waitForReset?: boolean;
    sourceAddresses?: string[];
  };
  slo?: Partial<SloTargets>;
  load?: {
    rate?: number;
    duration?: number;
    connections?: number;
    requests?: number;
    headers?: Record<string, string>;
    polite?: boolean;
    interval?: number;
  };
  checks?: { categories?: Category[]; skip?: string[]; cacheable?: string[] };
  health?: { liveness?: string; readiness?: string };
  errorSchema?: string;
  timeout?: number;
  insecure?: boolean;
  strict?: boolean;
  logFile?: string;
}

// Compiled on first use and kept: the schema is part of the package and never changes at run time.
let validateConfig: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  if (!validateConfig) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    validateConfig = ajv.compile(readShippedSchema('config.schema.json'));
  }
  return validateConfig;
}

function describeAjvError(e: ErrorObject | undefined): string {
  if (!e) return 'invalid';
  const path = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
  if (e.keyword === 'additionalProperties')
    return `${path === '(root)' ? '' : `${path}: `}unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'type') return `${path} must be a ${(e.params as { type: string }).type}`;
  if (e.keyword === 'enum')
    return `${path} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${path} ${e.message}`;
}

/** Reads and validates the config file; every error names the field and the file. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HardenError(
      'CONFIG_UNREADABLE',
      `cannot read config ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new HardenError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const validate = configValidator();
  if (!validate(doc)) {
    throw new HardenError(
      'CONFIG_INVALID',
      `${path}: ${describeAjvError(validate.errors?.[0])} (see schema/config.schema.json)`,
    );
  }
  return doc as ConfigFile;
}

const SECRET_HEADER = /auth|token|key|secret|cookie|session|password|signature|credential/i;

/** Merges defaults, the config file and flags into validated run options. */
export async function resolveRunOptions(
  targetArg: string | undefined,
  flags: Flags,
  cwd: string,
): Promise<RunOptions> {
  const configPath = flags.config
    ? resolve(cwd, flags.config)
    : existsSync(resolve(cwd, CONFIG_FILE_NAME))
      ? resolve(cwd, CONFIG_FILE_NAME)
      : undefined;
  const file: ConfigFile = configPath ? readConfigFile(configPath) : {};
  const targetText = targetArg ?? file.target;
  if (!targetText)
    throw new HardenError(
      'USAGE',
      'no target: give a URL (harden-check https://api.example.com) or "target" in the config',
    );
  const target = parseTarget(targetText);

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.headers ?? {})) headers[k.toLowerCase()] = v;
  for (const h of flags.header ?? []) {
    const [k, v] = parseHeader(h, '--header');
    headers[k] = v;
  }
  const loadHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.load?.headers ?? {})) loadHeaders[k.toLowerCase()] = v;
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
  if (flags.endpoint?.length) endpoints = flags.endpoint.map((e) => parseEndpoint(e, '--endpoint'));
  else if (file.endpoints?.length) {
    endpoints = file.endpoints.map((e, i) => {
      if (typeof e === 'string') return parseEndpoint(e, `endpoints[${i}]`);
      const ep = {
        method: e.method.toUpperCase(),
        path: e.path,
        ...(e.body !== undefined ? { body: e.body } : {}),
        ...(e.weight ? { weight: e.weight } : {}),
      };
      if (e.slo) endpointSlo[endpointLabel(ep)] = e.slo;
      return ep;
    });
  }
  const openapi = flags.openapi ?? file.openapi;
  if (openapi) endpoints.push(...(await loadOpenApiEndpoints(resolve(cwd, openapi))));
  if (endpoints.length === 0) endpoints = DEFAULT_ENDPOINTS.map((e) => ({ ...e }));

  const categories = flags.checks !== undefined ? parseCategories(flags.checks) : file.checks?.categories;
  const skip = [
    ...(file.checks?.skip ?? []),
    ...(flags.skip
      ? flags.skip
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : []),
  ];
  for (const id of skip) {
    if (!CHECKS.some((c) => c.id === id) && !(CATEGORIES as readonly string[]).includes(id)) {
      throw new HardenError('USAGE', `--skip: unknown check id or category "${id}" (see docs/checks.md)`);
    }
  }
  const labels = new Set(endpoints.map(endpointLabel));
  for (const e of file.checks?.cacheable ?? []) {
    if (!labels.has(parseEndpointLabel(e, 'checks.cacheable')))
      throw new HardenError('CONFIG_INVALID', `checks.cacheable: "${e}" is not one of the probed endpoints`);
  }

  const slo: SloTargets = {
    p95Ms: flags.sloP95 ?? file.slo?.p95Ms ?? DEFAULT_SLO.p95Ms,
    p99Ms: flags.sloP99 ?? file.slo?.p99Ms ?? DEFAULT_SLO.p99Ms,
    errorRate: flags.sloErrorRate ?? file.slo?.errorRate ?? DEFAULT_SLO.errorRate,
    availability: flags.sloAvailability ?? file.slo?.availability ?? DEFAULT_SLO.availability,
  };

  const policies: Record<string, PolicyExpectation | 'none'> = defaultPolicies(endpoints);
  for (const [key, value] of Object.entries(file.policies ?? {})) {
    const matched = matchPolicyKey(key, [...labels]);
    if (matched.length === 0)
      throw new HardenError(
        'CONFIG_INVALID',
        `policies: "${key}" matches none of the probed endpoints (${[...labels].join(', ')})`,
      );
    for (const label of matched) {
      policies[label] =
        value === 'none'
          ? 'none'
          : { name: value.name ?? key, limit: value.limit, windowSec: value.windowSec ?? 60 };
    }
  }

  let errorSchema: RunOptions['errorSchema'];
  const errorSchemaPath = flags.errorSchema ?? file.errorSchema;
  if (errorSchemaPath) errorSchema = readErrorSchema(resolve(cwd, errorSchemaPath));

  const connections = flags.connections ?? file.load?.connections;
  return {
    target: target.href.replace(/\/$/, ''),
    endpoints,
    headers,
    loadHeaders,
    secrets,
    categories,
    skip,
    cacheable: file.checks?.cacheable ?? [],
    slo,
    endpointSlo,
    policies,
    requireLegacyRateLimitHeaders: file.rateLimit?.requireLegacyHeaders ?? false,
    rateLimitProbe: flags.rateLimitProbe ?? file.rateLimit?.probe ?? false,
    waitForReset: flags.waitForReset ?? file.rateLimit?.waitForReset ?? false,
    sourceAddresses: flags.sourceAddress ?? file.rateLimit?.sourceAddresses ?? [],
    load: {
      rate: flags.rate ?? file.load?.rate ?? 50,
      durationSec: flags.duration ?? file.load?.duration ?? (connections ? 5 : 5),
      connections,
      requests: flags.requests ?? file.load?.requests,
      polite: flags.polite ?? file.load?.polite ?? true,
      intervalSec: flags.interval ?? file.load?.interval ?? 1,
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
