import { judgedReportHead } from '../engine/report-head.js';
import { SLO_CHECKS } from '../checks/slo.js';
import type { RunOptions } from '../config/options.js';
import { evaluateChecks } from '../engine/evaluate.js';
import { planEndpoints } from '../engine/endpoint-plan.js';
import { sloSection } from '../engine/execution-report.js';
import { redactSecrets } from '../engine/redact-report.js';
import { HardenError } from '../errors.js';
import { listenForInterrupt, type SignalSource } from '../cli/interrupt.js';
import { chooseLoadTargets, loadHeaders, POLITE_RESERVE, readBudgets } from '../load/load-phase.js';
import { ProbeClient } from '../probe/client.js';
import { checkReachable } from '../probe/run-probe.js';
import { LoadRunner, type LoadTarget } from '../load/run-load.js';
import { evidenceFromSummary, summarizeLoad } from '../load/summarize.js';
import type { Report } from '../types.js';
import { VERSION } from '../version.js';
import { type Alert, chooseTimeScale, WORKBOOK_PAIRS } from './burn-rate.js';
import { parseDurationSec } from './duration.js';
import { formatWindow } from './format-window.js';
import { createWatchMetrics, serveMetrics } from './metrics.js';
import { WindowRecorder } from './window-recorder.js';

export interface WatchSettings {
  /** `--for` as given (e.g. `15m`); without it the watch runs until SIGINT/SIGTERM. */
  forText?: string;
  metricsPort?: number;
  metricsHost?: string;
  timeScale?: number;
  /** --rate was given (req/s per endpoint); otherwise 1 req/s per endpoint. */
  rateGiven: boolean;
  /** Where window lines and notices go (stderr); undefined with --quiet. */
  out: NodeJS.WritableStream | undefined;
  signals: SignalSource | undefined;
}

/**
 * Per-endpoint rate that stays within the advertised budgets (minus the polite reserve) when
 * every endpoint gets the same rate: the endpoints sharing a policy share its limit per window.
 */
async function politeRate(options: RunOptions, targets: LoadTarget[], wanted: number): Promise<number> {
  const budgets = await readBudgets(new URL(options.target).origin, targets, loadHeaders(options), options);
  const byPolicy = new Map<string, { n: number; perSec: number }>();
  for (const b of budgets.values()) {
    if (b.limit === undefined) continue;
    const perSec = (b.limit * (1 - POLITE_RESERVE)) / (b.windowSec ?? 60);
    const cur = byPolicy.get(b.policy);
    if (cur) cur.n++;
    else byPolicy.set(b.policy, { n: 1, perSec });
  }
  let rate = wanted;
  for (const { n, perSec } of byPolicy.values()) rate = Math.min(rate, perSec / n);
  return rate;
}

/**
 * Sends one GET to the first watched endpoint, as a run does before its probes: a dead, non-HTTP
 * or redirect-looping target throws the run's exit-3 HardenError (TARGET_UNREACHABLE and kin)
 * instead of a watch whose every request is a transport error.
 */
async function assertReachable(options: RunOptions): Promise<void> {
  const target = new URL(options.target);
  const first = options.endpoints.find((e) => e.method === 'GET') ?? { method: 'GET', path: '/' };
  const client = new ProbeClient(target.origin, {
    timeoutMs: options.timeoutMs,
    insecure: options.insecure,
    headers: { ...options.headers, ...options.loadHeaders },
    userAgent: `harden-check/${VERSION}`,
  });
  try {
    await checkReachable(client, target, first);
  } finally {
    await client.close();
  }
}

/** Resolves at performance.now() ≥ `at`, or as soon as the runner is stopped (SIGINT/SIGTERM). */
async function untilOrStopped(at: number, runner: LoadRunner): Promise<void> {
  while (runner.stopped === undefined && performance.now() < at)
    await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, at - performance.now()))));
}

/**
 * `harden-check watch`: a low open-model rate until stopped or `--for`; prints each window's SLIs
 * and the multiwindow burn rates, serves Prometheus metrics with --metrics-port, and returns the
 * final report (slo checks over the whole watch) when it ends.
 */
export async function runWatch(options: RunOptions, settings: WatchSettings): Promise<Report> {
  const forSec = settings.forText !== undefined ? parseDurationSec(settings.forText) : undefined;
  const metrics = createWatchMetrics(options.slo);
  // Bound before any request: a --metrics-port in use is refused before the target sees traffic.
  const served =
    settings.metricsPort !== undefined
      ? await serveMetrics(metrics.registry, settings.metricsPort, settings.metricsHost)
      : undefined;
  const say = (text: string) => settings.out?.write(text);
  let targets: LoadTarget[];
  let perEndpoint = settings.rateGiven ? options.load.rate : 1;
  try {
    // The endpoints a run would probe: configured ones, else an OpenAPI document's GET operations.
    options = (await planEndpoints(options)).options;
    targets = chooseLoadTargets(options);
    if (targets.length === 0)
      throw new HardenError('USAGE', 'watch: no GET endpoint to watch; give --endpoint "GET /path"');
    await assertReachable(options);
    if (options.load.polite) {
      const polite = await politeRate(options, targets, perEndpoint);
      if (polite < perEndpoint) {
        say(
          `watch: ${Math.round(polite * 1000) / 1000} req/s per endpoint keeps within the advertised rate limits (asked ${perEndpoint}); --no-polite or a bypass key with --load-header to send more\n`,
        );
        perEndpoint = polite;
      }
    }
  } catch (err) {
    await served?.close();
    throw err;
  }
  const rate = perEndpoint * targets.length;
  const scale = chooseTimeScale(forSec, settings.timeScale);
  // One printed window per short window of the fast pair (5 min on the workbook's scale), ≥ 1 s;
  // every burn-rate window is a whole number of them.
  const slotSec = Math.max(1, WORKBOOK_PAIRS[0]!.shortSec / scale);
  const slots = (sec: number) => Math.max(1, Math.round(sec / scale / slotSec)) * slotSec;
  const pairs = WORKBOOK_PAIRS.map((p) => ({
    ...p,
    longSec: slots(p.longSec),
    shortSec: slots(p.shortSec),
    nominal: { longSec: p.longSec, shortSec: p.shortSec },
  }));
  const recorder = new WindowRecorder(options.slo, pairs, slotSec);
  const runner = new LoadRunner({
    origin: new URL(options.target).origin,
    targets,
    headers: loadHeaders(options),
    model: 'open',
    rate,
    requests: forSec !== undefined ? Math.max(1, Math.round(rate * forSec)) : Number.MAX_SAFE_INTEGER,
    connections: 1,
    durationMs: (forSec ?? 0) * 1000,
    timeoutMs: options.timeoutMs,
    insecure: options.insecure,
    intervalMs: options.load.intervalSec * 1000,
  });
  runner.onOutcome = (endpoint, status, errorKind, correctedUs) => {
    recorder.record(endpoint, status, correctedUs);
    metrics.observe(endpoint, status, errorKind, correctedUs);
  };
  const startedAt = new Date();
  const t0 = performance.now();
  say(
    `watch: ${options.target}, ${Math.round(perEndpoint * 1000) / 1000} req/s per endpoint (${targets.map((t) => t.label).join(', ')}), ${forSec !== undefined ? `for ${settings.forText}` : 'until Ctrl-C'}; windows of ${slotSec} s, burn-rate windows at 1/${Math.round(scale * 100) / 100} of the SRE workbook's${served ? `; metrics on ${served.url}` : ''}\n`,
  );
  const fired: Alert[] = [];
  let windows = 0;
  const closeWindow = () => {
    const w = recorder.close(Math.round((performance.now() - t0) / 100) / 10);
    windows++;
    fired.push(...w.alerts);
    say(formatWindow(w, options.slo));
  };
  // With --for, the window that ends at --for is closed by the end of the watch, not by the ticker.
  const ticker = setInterval(() => {
    if (forSec === undefined || (windows + 1) * slotSec < forSec) closeWindow();
  }, slotSec * 1000);
  const interrupt = listenForInterrupt(settings.signals, (name) => {
    say(`watch: ${name}: finishing requests in flight, then the final report\n`);
    runner.stop({ kind: 'ended', detail: name });
  });
  let stats: Awaited<ReturnType<LoadRunner['run']>>;
  try {
    stats = await runner.run();
    // The open schedule sends its last request 1/rate before --for ends: watch the whole --for.
    if (forSec !== undefined) await untilOrStopped(t0 + forSec * 1000, runner);
  } finally {
    clearInterval(ticker);
    interrupt.dispose();
    await served?.close();
  }
  closeWindow();
  const latency = summarizeLoad(stats, undefined);
  const results = evaluateChecks(SLO_CHECKS, {
    slo: options.slo,
    endpointSlo: options.endpointSlo,
    latency: evidenceFromSummary(latency),
  } as Parameters<typeof evaluateChecks>[1]);
  const report: Report = {
    ...judgedReportHead(
      {
        target: options.target,
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - t0),
        strict: options.strict,
      },
      results,
    ),
    latency,
    slo: sloSection(options),
    execution: {
      watch: {
        ratePerEndpoint: perEndpoint,
        windowSec: slotSec,
        windows,
        timeScale: scale,
        alerts: fired.map((a) => ({
          severity: a.severity,
          slo: a.slo,
          longSec: a.longSec,
          shortSec: a.shortSec,
        })),
      },
    },
  };
  return redactSecrets(report, options.secrets);
}
