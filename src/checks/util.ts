import type { Exchange, ProbePurpose } from '../types.js';
import type { Finding } from './define.js';

type Responded = Exchange & { response: NonNullable<Exchange['response']> };

/** Exchanges that got an HTTP response (transport failures are judged by the SLO phase). */
export function responded(exchanges: readonly Exchange[], purposes?: readonly ProbePurpose[]): Responded[] {
  return exchanges.filter(
    (e): e is Responded =>
      e.response !== undefined && (purposes === undefined || purposes.includes(e.purpose)),
  );
}

/** Groups exchanges by endpoint label, keeping first-seen order. */
export function byEndpoint<T extends Exchange>(exchanges: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const e of exchanges) {
    const list = map.get(e.endpoint);
    if (list) list.push(e);
    else map.set(e.endpoint, [e]);
  }
  return map;
}

/** Purposes where harden-check itself sent an X-Request-ID. */
export const CLIENT_ID_PURPOSES: readonly ProbePurpose[] = ['echo-id', 'hostile-id'];

/** Parses a JSON body; undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Short, printable excerpt of a target-supplied value for messages: control characters (terminal
 * escape sequences included) are shown as \xNN, never passed through, and the length is capped.
 */
export function excerpt(value: string, max = 60): string {
  const clean = value
    .replace(/[\r\n\t]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export function statusList(es: readonly Responded[]): string {
  return [...new Set(es.map((e) => e.response.status))].join(', ');
}

/**
 * Runs `judge` on every response of each endpoint; the first fail, else the first warning, else
 * the first pass the judge returned (a pass with a note, e.g. a duplicated field), else `ok`.
 */
export function perEndpoint(
  exchanges: Responded[],
  judge: (e: Responded) => Omit<Finding, 'endpoint'> | undefined,
  ok: (endpoint: string, es: Responded[]) => Omit<Finding, 'endpoint'>,
): Finding[] {
  const out: Finding[] = [];
  for (const [endpoint, es] of byEndpoint(exchanges)) {
    const verdicts = es.map(judge).filter((v): v is Omit<Finding, 'endpoint'> => v !== undefined);
    const worst =
      verdicts.find((v) => v.status === 'fail') ??
      verdicts.find((v) => v.status === 'warn') ??
      verdicts.find((v) => v.status === 'pass');
    out.push({ ...(worst ?? ok(endpoint, es)), endpoint });
  }
  return out;
}
