import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ApiKeyConfig } from './api-keys.js';
import { ServerCommandError } from './errors.js';

/** harden-server's config file: API keys (bypass for internal tools, per-client overrides). */
export interface ServerConfigFile {
  apiKeys?: ApiKeyConfig[];
}

const policyLimits = {
  type: 'object',
  additionalProperties: false,
  properties: {
    default: { type: 'integer', minimum: 1 },
    webhook: { type: 'integer', minimum: 1 },
    ai: { type: 'integer', minimum: 1 },
    export: { type: 'integer', minimum: 1 },
  },
};

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    apiKeys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'key', 'kind'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          key: { type: 'string', minLength: 16 },
          kind: { enum: ['bypass', 'override'] },
          limits: policyLimits,
        },
      },
    },
  },
};

const validate = new Ajv({ strict: true, allErrors: false }).compile<ServerConfigFile>(schema);

/**
 * Reads the server config. Keys may also come from the environment (HARDEN_BYPASS_KEYS, comma-
 * separated) so they need not sit in a file; they are never printed.
 */
export function loadServerConfig(path: string | undefined, env: NodeJS.ProcessEnv): ServerConfigFile {
  let config: ServerConfigFile = {};
  if (path) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ServerCommandError(
        'CONFIG_INVALID',
        `--config ${path}: ${code ? `cannot read (${code})` : 'not valid JSON'}`,
      );
    }
    if (!validate(doc)) {
      const e = validate.errors?.[0];
      throw new ServerCommandError(
        'CONFIG_INVALID',
        `--config ${path}: ${e?.instancePath || '/'} ${e?.message}`,
      );
    }
    config = doc;
  }
  const fromEnv = (env.HARDEN_BYPASS_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((key, i): ApiKeyConfig => ({ name: `env-bypass-${i + 1}`, key, kind: 'bypass' }));
  return { apiKeys: [...(config.apiKeys ?? []), ...fromEnv] };
}
