import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HardenError } from '../errors.js';
import { FORMATS, type Format, isFormat, loadFormatter } from '../report/formats.js';
import type { Report } from '../types.js';

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

/** Writes report files (creating folders); returns what goes to stdout, if anything. */
export async function writeReports(
  report: Report,
  plan: OutputPlan,
  color: boolean,
  cwd: string,
  quiet = false,
): Promise<string | undefined> {
  for (const { format, file } of [
    ...plan.extra,
    ...(plan.main.file ? [{ format: plan.main.format, file: plan.main.file }] : []),
  ]) {
    const path = resolve(cwd, file);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, (await loadFormatter(format))(report, { color: false }));
    } catch (err) {
      throw new HardenError(
        'OUTPUT_FAILED',
        `cannot write the ${format} report to ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (plan.main.file) return undefined;
  const format = await loadFormatter(plan.main.format);
  return format(report, { color: color && plan.main.format === 'text', quiet });
}
