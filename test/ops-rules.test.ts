import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { call } from './helpers/http.js';
import { startTestRedis } from './helpers/redis.js';
import { startTestServer } from './helpers/server.js';

const rules = fileURLToPath(new URL('../docs/ops/prometheus-rules.yml', import.meta.url));
const rulesTest = fileURLToPath(new URL('../docs/ops/prometheus-rules.test.yml', import.meta.url));

describe('docs/ops/prometheus-rules.yml', () => {
  it('passes promtool check rules and its unit tests', () => {
    const check = spawnSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
    expect(check.error, 'promtool is missing (apt-get install -y prometheus)').toBeUndefined();
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync('promtool', ['test', 'rules', rulesTest], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });

  it('uses only metrics, labels and buckets that harden-server exposes on /metrics', async () => {
    const server = await startTestServer();
    try {
      for (let i = 0; i < 11; i++) await call(`${server.url}/v1/export`);
      await call(`${server.url}/nope`);
      const text = (await call(`${server.url}/metrics`)).text;
      expect(text).toMatch(
        /http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/v1\/export",status="200"\}/,
      );
      expect(text).toMatch(
        /http_request_duration_seconds_bucket\{le="0\.5",method="GET",route="\/v1\/export",status="429"\}/,
      );
      expect(text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/,
      );
      expect(text).toMatch(/http_rate_limit_rejections_total\{policy="export"\} 1/);
      const source = await readFile(rules, 'utf8');
      // Raw metric names only (recorded series are named harden:…:…).
      for (const metric of new Set(source.match(/(?<![:\w])(?:http|harden)_[a-z_]+/g))) {
        expect(text, metric).toContain(metric);
      }
    } finally {
      await server.stop();
    }
  });

  it('alerts only on harden_* metrics that a server with Redis exposes', async () => {
    const redis = await startTestRedis();
    const server = await startTestServer({ redisUrl: redis.url, redisPrefix: `rules:${Date.now()}` });
    try {
      const text = (await call(`${server.url}/metrics`)).text;
      expect(text).toMatch(/^harden_dependency_up\{dependency="redis"\} 1$/m);
      const source = await readFile(rules, 'utf8');
      const metrics = new Set(source.match(/(?<![:\w])harden_[a-z_]+/g));
      expect(metrics.has('harden_dependency_up')).toBe(true);
      for (const metric of metrics) expect(text, metric).toContain(metric);
    } finally {
      await server.stop();
      await redis.stop();
    }
  });
});
