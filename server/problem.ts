import { STATUS_CODES } from 'node:http';

/** RFC 9457 problem details as this server emits them (docs/contract.md). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://harden-check.dev/problems/';

const PROBLEM_TYPES: Record<number, string> = {
  400: 'bad-request',
  404: 'not-found',
  405: 'method-not-allowed',
  408: 'request-timeout',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  429: 'quota-exceeded',
  431: 'request-header-fields-too-large',
  500: 'internal-error',
  503: 'service-unavailable',
};

/** Builds a problem body; `detail` must be a fixed, user-safe sentence, never an internal message. */
export function buildProblem(
  status: number,
  detail: string,
  instance: string,
  requestId: string,
  extensions?: Record<string, unknown>,
): ProblemBody {
  const type =
    status === 429
      ? 'https://iana.org/assignments/http-problem-types#quota-exceeded'
      : `${PROBLEM_BASE}${PROBLEM_TYPES[status] ?? 'error'}`;
  return {
    type,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance,
    request_id: requestId,
    ...extensions,
  };
}
