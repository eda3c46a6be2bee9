import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HardenError } from '../errors.js';
import { FORMATS, type Format, isFormat } from '../report/formats.js';
import { loadFormatter } from '../report/load-formatter.js';
import type { Report } from '../types.js';
import { fsReason, type OutputTarget } from '../report/output-paths.js';

export interface OutputPlan {
  /** The main report: to stdout unless `file` is set. */
  main: { format: Format; file?: string | undefined };
  /** Extra reports from --report FORMAT=FILE. */
  extra: Array<{ format: Format; file: string }>;
}

/** Parses `--report junit=results.xml` values. */
export function parseReportFlags(values: readonly string[]): OutputPlan['extra'] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    const format = eq > 0 ? v.slice(0, eq).trim() : '';
    const file = eq > 0 ? v.slice(eq + 1).trim() : '';
    if (!isFormat(format) || !file) {
      throw new HardenError(
        'USAGE',
        `--report: "${v}" is not FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')}`,
      );
    }
    return { format, file };
  });
}

/** The files of the plan with the option that names each, for the check before any traffic. */
export function planTargets(plan: OutputPlan): OutputTarget[] {
  return [
    ...(plan.main.file ? [{ flag: '--output ', file: plan.main.file }] : []),
    ...plan.extra.map(({ format, file }) => ({ flag: `--report ${format}=`, file })),
  ];
}

/**
 * Writes report files (creating folders) and returns what goes to stdout, if anything, and one
 * line per file that could not be written (every other file is still written).
 */
export async function writeReports(
  report: Report,
  plan: OutputPlan,
  color: boolean,
  cwd: string,
  quiet = false,
): Promise<{ stdout: string | undefined; failures: string[] }> {
  const failures: string[] = [];
  for (const { format, file } of [
    ...plan.extra,
    ...(plan.main.file ? [{ format: plan.main.format, file: plan.main.file }] : []),
  ]) {
    const path = resolve(cwd, file);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, (await loadFormatter(format))(report, { color: false }));
    } catch (err) {
      failures.push(`cannot write the ${format} report to ${file}: ${fsReason(err)}`);
    }
  }
  if (plan.main.file) return { stdout: undefined, failures };
  const format = await loadFormatter(plan.main.format);
  return { stdout: format(report, { color: color && plan.main.format === 'text', quiet }), failures };
}
