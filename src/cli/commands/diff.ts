import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { RULES_VERSION } from '../../checks/registry.js';
import { diffReports, notComparable, type ReportDiff } from '../../diff/diff-reports.js';
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from '../../diff/format-diff.js';
import { parseThresholds } from '../../diff/thresholds.js';
import { EXIT, HardenError } from '../../errors.js';
import type { Report } from '../../types.js';
import { assertWritable, fsReason } from '../../report/output-paths.js';
import { readReportFile } from './read-report.js';

export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const FORMATTERS: Record<DiffFormat, (d: ReportDiff) => string> = {
  text: formatDiffText,
  json: formatDiffJson,
  markdown: formatDiffMarkdown,
};

/** Exit code of a comparison: 2 incomparable, 1 regression (new failures or latency), 0 otherwise. */
export function diffExitCode(d: ReportDiff): number {
  if (d.verdict === 'incomparable') return EXIT.usage;
  return d.verdict === 'regression' ? EXIT.failed : EXIT.ok;
}

/** `harden-check diff OLD NEW`: returns the exit code and what goes to stdout. */
export async function runDiffCommand(
  oldFile: string,
  newFile: string,
  o: { format: DiffFormat; output?: string; maxRegression?: string[] },
  cwd: string,
): Promise<{ code: number; stdout?: string }> {
  const thresholds = parseThresholds(o.maxRegression ?? []);
  if (o.output) await assertWritable([{ flag: '--output ', file: o.output }], cwd);
  const [old, current] = [
    await readReportFile(resolve(cwd, oldFile)),
    await readReportFile(resolve(cwd, newFile)),
  ];
  const d = diffReports(old, current, { thresholds });
  const text = FORMATTERS[o.format](d);
  if (!o.output) return { code: diffExitCode(d), stdout: text };
  const path = resolve(cwd, o.output);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (err) {
    throw new HardenError('OUTPUT_FAILED', `cannot write the comparison to ${o.output}: ${fsReason(err)}`);
  }
  return { code: diffExitCode(d) };
}

/**
 * `--baseline OLD.json`: reads the baseline before the run, so a bad file fails fast, and refuses
 * before any traffic what would only make the comparison "incomparable" at the end: a sharded run
 * (compare the merged report), a baseline that is a shard, interrupted or could not judge its
 * target, another target or rule set. Throws HardenError USAGE naming the fix.
 */
export async function prepareBaseline(
  file: string,
  maxRegression: string[] | undefined,
  cwd: string,
  run: { target: string; shard?: { index: number; total: number } | undefined },
): Promise<(report: Report) => ReportDiff> {
  const thresholds = parseThresholds(maxRegression ?? []);
  if (run.shard)
    throw new HardenError(
      'USAGE',
      `--baseline compares whole runs, but this run is shard ${run.shard.index}/${run.shard.total}: drop --baseline, merge the shards (harden-check merge), then compare the merged report (harden-check diff ${file} merged.json)`,
    );
  const old = await readReportFile(resolve(cwd, file));
  const problems = notComparable('the baseline', old);
  if (old.target !== run.target) problems.push(`it checked ${old.target}, this run checks ${run.target}`);
  if (old.rulesVersion !== RULES_VERSION)
    problems.push(`it was judged by rules ${old.rulesVersion}, this run by ${RULES_VERSION}`);
  if (problems.length > 0)
    throw new HardenError(
      'USAGE',
      `--baseline ${file} cannot be compared with this run: ${problems.join('; ')}`,
    );
  return (report) => diffReports(old, report, { thresholds });
}
