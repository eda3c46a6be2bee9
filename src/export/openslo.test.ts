import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testReport } from '../../test/helpers/report.js';
import { dnsLabel, formatOpenSlo } from './openslo.js';

const schema = JSON.parse(
  readFileSync(new URL('../../test/schemas/openslo-v1.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Parses the YAML stream back and checks every document against the OpenSLO v1 structure. */
function documents(yamlText: string) {
  const docs = parseAllDocuments(yamlText);
  for (const d of docs) expect(d.errors).toEqual([]);
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked by path in the assertions below
  type Doc = { kind: string; metadata: { name: string }; spec: any };
  const values = docs.map((d) => d.toJS() as Doc);
  for (const v of values) expect(validate(v), JSON.stringify(validate.errors)).toBe(true);
  return values;
}

describe('OpenSLO v1 export', () => {
  it('writes a Service and the four judged SLOs, overall and per configured endpoint', () => {
    const report = testReport(
      [
        {
          id: 'slo.latency.p95',
          category: 'slo',
          status: 'pass',
          message: 'P95 3 ms < 100 ms over 400 requests',
        },
      ],
      {
        target: 'https://api.example.com/base',
        slo: {
          p95Ms: 100,
          p99Ms: 500,
          errorRate: 0.001,
          availability: 0.999,
          endpoints: { 'GET /v1/export': { p99Ms: 800 } },
        },
      },
    );
    const docs = documents(formatOpenSlo(report));
    expect(docs.map((d) => d.kind)).toEqual(['Service', ...new Array(8).fill('SLO')]);
    expect(new Set(docs.map((d) => d.metadata.name)).size).toBe(docs.length);
    const byName = new Map(docs.map((d) => [d.metadata.name, d]));
    const availability = byName.get('api-example-com-all-availability')!;
    expect(availability.spec.service).toBe('api-example-com');
    expect(availability.spec.objectives).toEqual([{ displayName: 'availability', target: 0.999 }]);
    expect(availability.spec.indicator.spec.ratioMetric.good.metricSource.spec.query).toBe(
      'sum(http_request_duration_seconds_count{status!="429",status!~"5.."})',
    );
    // 100 ms is a bucket bound of the reference server: an exact `le` ratio.
    const p95 = byName.get('api-example-com-all-latency-p95')!;
    expect(p95.spec.indicator.spec.ratioMetric.good.metricSource.spec.query).toBe(
      'sum(http_request_duration_seconds_bucket{status!="429",le="0.1"})',
    );
    expect(p95.spec.objectives[0].target).toBe(0.95);
    expect(p95.spec.description).toMatch(/pass — P95 3 ms/);
    // 800 ms is not: the quantile per 5-minute time slice.
    const p99 = byName.get('api-example-com-get-v1-export-latency-p99')!;
    expect(p99.spec.budgetingMethod).toBe('Timeslices');
    expect(p99.spec.indicator.spec.thresholdMetric.metricSource.spec.query).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{method="GET",route="/v1/export",status!="429"}[5m])))',
    );
    expect(p99.spec.objectives[0]).toMatchObject({ op: 'lt', value: 0.8 });
    const errors = byName.get('api-example-com-get-v1-export-error-rate')!;
    expect(errors.spec.indicator.spec.ratioMetric.bad.metricSource.spec.query).toMatch(/status=~"5\.\."/);
    expect(errors.spec.objectives[0].target).toBeCloseTo(0.999);
  });

  it('the structure check rejects what OpenSLO v1 forbids', () => {
    const slo = documents(formatOpenSlo(testReport([])))[1]!;
    const broken = structuredClone(slo);
    broken.spec.objectives[0].target = 1;
    expect(validate(broken)).toBe(false);
    const named = structuredClone(slo);
    named.metadata.name = 'Not_A_Label';
    expect(validate(named)).toBe(false);
    const both = structuredClone(slo);
    both.spec.indicatorRef = 'x';
    expect(validate(both)).toBe(false);
  });

  it('names are RFC 1123 labels of at most 63 characters', () => {
    expect(dnsLabel('GET /v1/Forecast/summary?x=1')).toBe('get-v1-forecast-summary-x-1');
    const long = dnsLabel(`svc-${'a'.repeat(100)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
