import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);

/** Body of POST /v1/webhooks/events. */
export interface WebhookEventBody {
  type: string;
  value: number;
  series?: string;
  occurredAt?: string;
  data?: Record<string, unknown>;
}

/** JSON Schema of POST /v1/webhooks/events (also rendered into docs/ops/api.md). */
export const WEBHOOK_EVENT_SCHEMA = {
  type: 'object',
  required: ['type', 'value'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 100 },
    value: { type: 'number' },
    series: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' },
    occurredAt: { type: 'string', format: 'date-time' },
    data: { type: 'object', maxProperties: 50 },
  },
} as const;

export const validateWebhookEvent = ajv.compile<WebhookEventBody>(WEBHOOK_EVENT_SCHEMA);

/** Body of POST /v1/ai/forecast. */
export interface ForecastBody {
  series?: string;
  horizon?: number;
}

export const MAX_HORIZON = 100;

/** JSON Schema of POST /v1/ai/forecast (also rendered into docs/ops/api.md). */
export const FORECAST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    series: { type: 'string', minLength: 1, maxLength: 100 },
    horizon: { type: 'integer', minimum: 1, maximum: MAX_HORIZON },
  },
} as const;

export const validateForecast = ajv.compile<ForecastBody>(FORECAST_SCHEMA);

/** One line per schema error: the JSON path and the problem, never the rejected value. */
export function describeErrors(errors: typeof validateWebhookEvent.errors): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}
