import { appendFile } from 'node:fs/promises';
import { checkDocsLink } from '../report/check-docs.js';
import { describeScope, groupById } from '../report/group-by-id.js';
import type { Report } from '../types.js';

/**
 * Escapes workflow-command data and properties as the Actions runner reads them
 * (actions/toolkit packages/core/src/command.ts: escapeData, escapeProperty).
 */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `::error` / `::warning` workflow commands, one per flagged check id (title = check id), for
 * GitHub Actions annotations; a run that could not judge its target gets one `::error` with the
 * reason. https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function workflowCommands(report: Report): string {
  const out: string[] = [];
  if (report.verdict === 'error')
    out.push(
      `::error title=${escapeProperty(`harden-check ${report.error?.code ?? 'ERROR'}`)}::${escapeData(report.error?.message ?? 'the run could not judge the target')}`,
    );
  if (report.verdict === 'fail' && report.verdictReason)
    out.push(`::error title=harden-check verdict::${escapeData(report.verdictReason)}`);
  for (const g of groupById(report.checks)) {
    if (g.status !== 'fail' && g.status !== 'warn') continue;
    const on = g.flagged.filter((r) => r.endpoint);
    const where = on.map((r) => r.endpoint!);
    const message = `${g.flagged[0]!.message}${where.length > 1 ? ` (${describeScope(on, report.endpoints)}: ${where.join(', ')})` : ''} — ${checkDocsLink(g.id)}`;
    out.push(
      `::${g.status === 'fail' ? 'error' : 'warning'} title=${escapeProperty(g.id)}::${escapeData(message)}`,
    );
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** GitHub Actions: annotations on stderr (stdout carries the report) and the Markdown job summary. */
export async function publishToGitHub(
  report: Report,
  env: NodeJS.ProcessEnv,
  stderr: NodeJS.WritableStream,
  markdown: () => Promise<string>,
): Promise<void> {
  if (env.GITHUB_ACTIONS === 'true') stderr.write(workflowCommands(report));
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary) {
    try {
      await appendFile(summary, `${await markdown()}\n`);
    } catch (err) {
      stderr.write(
        `harden-check: cannot append to GITHUB_STEP_SUMMARY (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`,
      );
    }
  }
}
