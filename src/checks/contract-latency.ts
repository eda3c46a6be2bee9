import type { CheckDef, Finding } from './define.js';
import { fieldLines, isDigits } from '../http/fields/index.js';
import { byEndpoint, excerpt, responded, statusList } from './util.js';

/** Every X-Latency-MS field line of a response. */
const latencyLines = (e: ReturnType<typeof responded>[number]): string[] =>
  fieldLines(e.response.headers, 'x-latency-ms');

const SOURCE = 'docs/contract.md §1; RFC 9110 delay-seconds (1*DIGIT) as the value style';
const FIX =
  '- Node.js (any framework): record `process.hrtime.bigint()` on arrival and set the header when headers are written (wrap `res.writeHead`, or Fastify `onSend`), in whole milliseconds: `String((now - start) / 1_000_000n)`.\n' +
  '- Express: `on-headers` module: `onHeaders(res, () => res.setHeader("X-Latency-MS", ms))` — it runs for errors and streams too.\n' +
  '- nginx in front: `add_header X-Latency-MS $upstream_response_time` is in seconds with a decimal point; convert in the application instead.';

/** The server's latency tolerance above the client's time to headers (RULES LAT-2). */
export const LATENCY_TOLERANCE_MS = 50;

export const latencyPresent: CheckDef = {
  id: 'contract.latency.present',
  category: 'contract',
  severity: 'error',
  title: 'X-Latency-MS on every response',
  rule: 'Every response, errors, 429s and streamed bodies included, carries X-Latency-MS.',
  why: 'It separates server time from network time in every incident, without access to the server’s metrics.',
  fix: FIX,
  source: SOURCE,
  grammar: 'RFC 9110 §5.2 field lines (presence of any X-Latency-MS line)',
  needs: ['endpoints', 'not-found', 'wrong-method', 'malformed-json'],
  messages: {
    ok: 'every response from {endpoint} carried X-Latency-MS ({count} checked)',
    missing:
      '{endpoint}: no X-Latency-MS on {missing} of {count} responses (status {statuses}); set it when headers are written so error paths carry it too',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(responded(ctx.exchanges))) {
      const missing = es.filter((e) => latencyLines(e).length === 0);
      out.push(
        missing.length > 0
          ? {
              status: 'fail',
              messageId: 'missing',
              endpoint,
              data: { missing: missing.length, count: es.length, statuses: statusList(missing) },
              expected: 'X-Latency-MS header',
              actual: 'absent',
            }
          : { status: 'pass', messageId: 'ok', endpoint, data: { count: es.length } },
      );
    }
    return out;
  },
};

export const latencyFormat: CheckDef = {
  id: 'contract.latency.format',
  category: 'contract',
  severity: 'error',
  title: 'X-Latency-MS is a non-negative integer',
  rule: 'One X-Latency-MS value matching ^[0-9]+$: whole milliseconds, no sign, decimal point or unit.',
  why: 'Dashboards and harden-check parse it as an integer; "12ms", "0.012" or two values break every consumer.',
  fix: FIX,
  source: SOURCE,
  grammar: '`1*DIGIT`, the style of RFC 9110 §10.2.3 delay-seconds; one field line (RFC 9110 §5.3)',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: X-Latency-MS values are whole milliseconds',
    bad: '{endpoint}: X-Latency-MS "{value}" is not a base-10 integer of milliseconds (expected e.g. "12")',
    repeated: '{endpoint}: X-Latency-MS appears {times} times; set it once',
    none: 'no response carried X-Latency-MS, so there is no value to judge (contract.latency.present reports the missing header)',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(responded(ctx.exchanges))) {
      const values = es.map((e) => latencyLines(e)).filter((v) => v.length > 0);
      if (values.length === 0) continue;
      const repeated = values.find((v) => v.length > 1);
      const bad = values.flat().find((v) => !isDigits(v));
      if (repeated)
        out.push({
          status: 'fail',
          messageId: 'repeated',
          endpoint,
          data: { times: repeated.length },
          actual: repeated,
        });
      else if (bad !== undefined) {
        out.push({
          status: 'fail',
          messageId: 'bad',
          endpoint,
          data: { value: excerpt(bad, 30) },
          expected: '^[0-9]+$',
          actual: bad,
        });
      } else out.push({ status: 'pass', messageId: 'ok', endpoint });
    }
    return out.length > 0 ? out : [{ status: 'skip', messageId: 'none' }];
  },
};

export const latencyPlausible: CheckDef = {
  id: 'contract.latency.plausible',
  category: 'contract',
  severity: 'error',
  title: 'X-Latency-MS is plausible',
  rule: `X-Latency-MS is at most the client-observed time to response headers plus ${LATENCY_TOLERANCE_MS} ms.`,
  why: 'A value above what the client saw is measured in the wrong unit (µs, or seconds×1000 twice) or from the wrong start, and misleads every incident analysis.',
  fix: `${FIX}\n- Values 1000× too large usually mean microseconds or nanoseconds: divide by 1e3 or 1e6.`,
  source: SOURCE,
  grammar: '`1*DIGIT` (RFC 9110 §10.2.3 style) for X-Latency-MS',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: server latency ≤ client time to headers (max {server} ms vs {client} ms)',
    high: '{endpoint}: X-Latency-MS {server} exceeds the {client} ms the client waited for headers (+{tolerance} ms tolerance){hint}',
    none: 'no response carried one whole-millisecond X-Latency-MS, so there is no server time to compare (contract.latency.present and contract.latency.format report why)',
  },
  evaluate(ctx) {
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(responded(ctx.exchanges))) {
      let worst: { server: number; client: number } | undefined;
      let maxServer = 0;
      let maxClient = 0;
      let judged = 0;
      for (const e of es) {
        const v = latencyLines(e);
        if (v.length !== 1 || !isDigits(v[0]!)) continue;
        judged++;
        const server = Number(v[0]);
        const client = e.timing.headersMs;
        maxServer = Math.max(maxServer, server);
        maxClient = Math.max(maxClient, client);
        if (
          server > client + LATENCY_TOLERANCE_MS &&
          (!worst || server - client > worst.server - worst.client)
        ) {
          worst = { server, client };
        }
      }
      if (judged === 0) continue;
      if (worst) {
        const ratio = worst.server / Math.max(worst.client, 1);
        const hint =
          ratio > 500
            ? '; it looks like microseconds — report whole milliseconds'
            : ratio > 10
              ? '; check the unit and the start time'
              : '';
        out.push({
          status: 'fail',
          messageId: 'high',
          endpoint,
          data: {
            server: worst.server,
            client: Math.round(worst.client),
            tolerance: LATENCY_TOLERANCE_MS,
            hint,
          },
          expected: `<= ${Math.round(worst.client) + LATENCY_TOLERANCE_MS}`,
          actual: worst.server,
        });
      } else {
        out.push({
          status: 'pass',
          messageId: 'ok',
          endpoint,
          data: { server: maxServer, client: Math.round(maxClient) },
        });
      }
    }
    return out.length > 0 ? out : [{ status: 'skip', messageId: 'none' }];
  },
};
