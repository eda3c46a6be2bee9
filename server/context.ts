import type { IncomingMessage } from 'node:http';
import type { PolicyName } from './policies.js';
import type { HardenedResponse } from './response.js';

/** Per-request state the pipeline stages share. Headers accumulate here and are written once. */
export interface Context {
  req: IncomingMessage;
  res: HardenedResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  requestId: string;
  clientIp: string;
  /** Route template for logs and metrics (`unmatched` for 404s, so label cardinality stays bounded). */
  route: string;
  policy: PolicyName | undefined;
  /** Headers every response of this request carries (request id, security, rate limit). */
  headers: Record<string, string | number>;
  /** Parsed JSON body of POST requests, for handlers. */
  body: unknown;
  /** Set by the auth stage when a configured API key was presented. */
  apiKey:
    | { kind: 'bypass' | 'override'; id: string; limits?: Partial<Record<PolicyName, number>> }
    | undefined;
}
