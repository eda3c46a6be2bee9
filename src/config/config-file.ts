import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { HardenError } from '../errors.js';
import { configSemanticProblems } from './config-semantics.js';
import { validate as validateConfigSchema } from '../schema-validators/config.js';
import type { Category, SloTargets } from '../types.js';

/** Shape of harden-check.config.json (validated by schema/config.schema.json). */
export interface ConfigFile {
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
    abortOnFail?: boolean;
  };
  checks?: { categories?: Category[]; skip?: string[]; cacheable?: string[] };
  health?: { liveness?: string; readiness?: string };
  errorSchema?: string;
  timeout?: number;
  insecure?: boolean;
  strict?: boolean;
  logFile?: string;
}

/** schema/config.schema.json with every error reported, compiled at build time (scripts/gen-validators.js). */
const configValidator = () => validateConfigSchema as unknown as ValidateFunction;

/** `/endpoints/0/path` → `endpoints[0].path` (the JSON path a user finds the field by). */
export function jsonPath(instancePath: string): string {
  if (!instancePath) return '(root)';
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

function valueAt(doc: unknown, instancePath: string): unknown {
  let v = doc;
  for (const part of instancePath.split('/').slice(1))
    v = (v as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

/** One readable line per error, worded like the flag errors. */
function describe(e: ErrorObject, doc: unknown): string {
  const path = jsonPath(e.instancePath);
  const value = valueAt(doc, e.instancePath);
  const shown = JSON.stringify(value)?.slice(0, 60);
  switch (e.keyword) {
    case 'additionalProperties':
      return `${path === '(root)' ? '' : `${path}: `}unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'type':
      return `${path} must be a ${(e.params as { type: string }).type}`;
    case 'enum':
      return `${path} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'pattern': {
      const pattern = (e.params as { pattern: string }).pattern;
      if (pattern.startsWith('^[A-Za-z]+ /'))
        return `${path}: ${shown} is not "METHOD /path" (e.g. "GET /items")`;
      if (pattern === '^/') return `${path}: ${shown} is not a path; it must start with "/"`;
      if (pattern === '^[A-Za-z]+$') return `${path}: ${shown} is not an HTTP method (e.g. "GET")`;
      return `${path}: ${shown} does not match ${pattern}`;
    }
    case 'required':
      return `${path === '(root)' ? '' : `${path}: `}missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'const':
      return `${path}: ${shown} is not ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${path} ${e.message ?? 'is invalid'}`;
  }
}

/**
 * Every problem once, without the noise of `oneOf` branches that do not apply: a branch whose type
 * does not match the value is dropped when another branch reported something more specific.
 */
export function describeAjvErrors(errors: readonly ErrorObject[], doc: unknown): string[] {
  const specific = (path: string) =>
    errors.some(
      (x) =>
        x.keyword !== 'type' &&
        x.keyword !== 'oneOf' &&
        x.keyword !== 'anyOf' &&
        (x.instancePath === path || x.instancePath.startsWith(`${path}/`)),
    );
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') return !specific(e.instancePath);
    if (e.keyword === 'type' && e.schemaPath.includes('/oneOf/')) return !specific(e.instancePath);
    return true;
  });
  return [...new Set(kept.map((e) => describe(e, doc)))];
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Reads and validates the config file; every error names the field (its JSON path) and the file. */
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
    const message = (err as Error).message.split('\n')[0] ?? 'syntax error';
    const m = /at position (\d+)/.exec(message);
    const where = m ? lineColumn(text, Number(m[1])) : lineColumn(text, text.length);
    const why = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new HardenError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: line ${where.line}, column ${where.column}: ${why}`,
    );
  }
  const validate = configValidator();
  const valid = validate(doc);
  // Schema and semantic problems together, so one run of the command names every one of them.
  const problems = [
    ...(valid ? [] : describeAjvErrors(validate.errors ?? [], doc)),
    ...configSemanticProblems(doc),
  ];
  if (problems.length > 0) {
    throw new HardenError(
      'CONFIG_INVALID',
      `${path}: ${problems.length} problem${problems.length === 1 ? '' : 's'} (see schema/config.schema.json): ${problems.join('; ')}`,
    );
  }
  return doc as ConfigFile;
}
