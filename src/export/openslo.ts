import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { LATENCY_BUCKETS_SECONDS } from '../../server/latency-buckets.js';
import { HardenError } from '../errors.js';
import { fsReason } from '../report/output-paths.js';
import type { CheckResult, Report, SloTargets } from '../types.js';

/**
 * OpenSLO v1 (https://github.com/OpenSLO/OpenSLO, README "SLO", "SLI", "Service"): the SLOs a run
 * judged, as documents a team can load into an OpenSLO tool (Sloth, oslo) to keep monitoring them.
 * SLIs are Prometheus queries over the reference server's metric (server/metrics.ts):
 * http_request_duration_seconds{method, route, status}, a histogram whose buckets are
 * LATENCY_BUCKETS_SECONDS. 429s are excluded everywhere, as in the slo checks.
 */

const METRIC = 'http_request_duration_seconds';
/** A spot check becomes continuous monitoring over the usual 30-day SLO period (docs/contract.md). */
const TIME_WINDOW = [{ duration: '30d', isRolling: true }];

type Doc = {
  apiVersion: 'openslo/v1';
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
};

/** RFC 1123 label, as OpenSLO requires of metadata.name: ≤ 63 of [a-z0-9-], alphanumeric at both ends. */
export function dnsLabel(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= 63) return slug || 'x';
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${slug.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

function prometheus(query: string) {
  return { metricSource: { type: 'Prometheus', spec: { query } } };
}

/** Label matchers for one endpoint (`GET /v1/info`) or the whole service; 429s never count. */
function selector(endpoint: string | undefined, extra = ''): string {
  const [method, path] = endpoint
    ? [endpoint.split(' ', 1)[0]!, endpoint.slice(endpoint.indexOf(' ') + 1)]
    : [];
  const route = path?.split('?', 1)[0];
  const parts = [
    ...(method ? [`method="${method}"`, `route="${route!.replace(/["\\]/g, '\\$&')}"`] : []),
    'status!="429"',
    ...(extra ? [extra] : []),
  ];
  return `{${parts.join(',')}}`;
}

const sum = (metric: string, sel: string) => `sum(${metric}${sel})`;

function what(report: Report, id: string, endpoint: string | undefined): string {
  const r: CheckResult | undefined = report.checks.find((c) => c.id === id && c.endpoint === endpoint);
  return r
    ? ` Spot check ${report.startedAt} by harden-check ${report.version}: ${r.status} — ${r.message}`.slice(
        0,
        700,
      )
    : '';
}

function sloDocs(report: Report, service: string, endpoint: string | undefined, t: SloTargets): Doc[] {
  const scope = endpoint ? dnsLabel(endpoint) : 'all';
  const on = endpoint ?? 'all endpoints';
  const total = sum(`${METRIC}_count`, selector(endpoint));
  const slo = (
    kind: string,
    displayName: string,
    description: string,
    spec: Record<string, unknown>,
  ): Doc => ({
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name: dnsLabel(`${service}-${scope}-${kind}`), displayName },
    spec: { description: description.slice(0, 1050), service, timeWindow: TIME_WINDOW, ...spec },
  });
  const indicator = (kind: string, spec: Record<string, unknown>) => ({
    metadata: { name: dnsLabel(`${service}-${scope}-${kind}-sli`) },
    spec,
  });
  const docs: Doc[] = [
    slo(
      'availability',
      `Availability ≥ ${t.availability * 100} % (${on})`,
      `Share of requests answered without a 5xx, 429s excluded.${what(report, 'slo.availability', endpoint)}`,
      {
        indicator: indicator('availability', {
          ratioMetric: {
            counter: true,
            good: prometheus(sum(`${METRIC}_count`, selector(endpoint, 'status!~"5.."'))),
            total: prometheus(total),
          },
        }),
        budgetingMethod: 'Occurrences',
        objectives: [{ displayName: 'availability', target: t.availability }],
      },
    ),
    slo(
      'error-rate',
      `Error rate < ${t.errorRate * 100} % (${on})`,
      `5xx responses over all requests, 429s excluded.${what(report, 'slo.error-rate', endpoint)}`,
      {
        indicator: indicator('error-rate', {
          ratioMetric: {
            counter: true,
            bad: prometheus(sum(`${METRIC}_count`, selector(endpoint, 'status=~"5.."'))),
            total: prometheus(total),
          },
        }),
        budgetingMethod: 'Occurrences',
        objectives: [{ displayName: 'error rate', target: 1 - t.errorRate }],
      },
    ),
  ];
  for (const [id, q, ms] of [
    ['slo.latency.p95', 0.95, t.p95Ms],
    ['slo.latency.p99', 0.99, t.p99Ms],
  ] as const) {
    const kind = `latency-p${Math.round(q * 100)}`;
    const seconds = ms / 1000;
    const label = `P${Math.round(q * 100)} < ${ms} ms (${on})`;
    // A bucket bound makes the SLO an exact ratio: q of the requests at or under the target.
    if (LATENCY_BUCKETS_SECONDS.includes(seconds)) {
      docs.push(
        slo(kind, label, `Requests answered within ${ms} ms, 429s excluded.${what(report, id, endpoint)}`, {
          indicator: indicator(kind, {
            ratioMetric: {
              counter: true,
              good: prometheus(sum(`${METRIC}_bucket`, selector(endpoint, `le="${seconds}"`))),
              total: prometheus(total),
            },
          }),
          budgetingMethod: 'Occurrences',
          objectives: [{ displayName: label, target: q }],
        }),
      );
    } else {
      // Otherwise the quantile itself per 5-minute slice, against the target.
      docs.push(
        slo(
          kind,
          label,
          `P${Math.round(q * 100)} latency per 5-minute slice (histogram_quantile; ${ms} ms is not a bucket bound of ${METRIC}), 429s excluded.${what(report, id, endpoint)}`,
          {
            indicator: indicator(kind, {
              thresholdMetric: prometheus(
                `histogram_quantile(${q}, sum by (le) (rate(${METRIC}_bucket${selector(endpoint)}[5m])))`,
              ),
            }),
            budgetingMethod: 'Timeslices',
            objectives: [
              {
                displayName: label,
                op: 'lt',
                value: seconds,
                target: 0.99,
                timeSliceTarget: 1,
                timeSliceWindow: '5m',
              },
            ],
          },
        ),
      );
    }
  }
  return docs;
}

/** OpenSLO v1 documents for the SLOs a report judged: the service, then its SLOs (overall and per endpoint). */
export function openSloDocuments(report: Report): Doc[] {
  const { endpoints = {}, ...targets } = report.slo;
  const first = report.target.split(',', 1)[0]!.trim();
  let host = first;
  try {
    host = new URL(first).host;
  } catch {
    // A merged report of several targets keeps the first one's name.
  }
  const service = dnsLabel(host);
  const docs: Doc[] = [
    {
      apiVersion: 'openslo/v1',
      kind: 'Service',
      metadata: { name: service, displayName: host },
      spec: {
        description: `API at ${first}, SLOs exported by harden-check from a spot check on ${report.startedAt}`,
      },
    },
    ...sloDocs(report, service, undefined, targets),
  ];
  for (const [endpoint, own] of Object.entries(endpoints))
    docs.push(...sloDocs(report, service, endpoint, { ...targets, ...own }));
  return docs;
}

/** The documents as one multi-document YAML stream. */
export function formatOpenSlo(report: Report): string {
  return openSloDocuments(report)
    .map((d) => `---\n${stringify(d, { lineWidth: 0 })}`)
    .join('');
}

/** `--export-openslo FILE`: writes the YAML (creating folders); OUTPUT_FAILED when it cannot. */
export async function writeOpenSlo(report: Report, file: string, cwd: string): Promise<void> {
  const path = resolve(cwd, file);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, formatOpenSlo(report));
  } catch (err) {
    throw new HardenError('OUTPUT_FAILED', `cannot write the OpenSLO export to ${file}: ${fsReason(err)}`);
  }
}
