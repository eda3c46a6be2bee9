import type { Report } from '../types.js';
import { checkDocsLink, checkFix } from './check-docs.js';
import { byCategory } from './group.js';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML 1.0 and drops characters XML cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/**
 * JUnit XML as GitLab, Jenkins and GitHub test reporters read it: one testsuite per category, one
 * testcase per check result (rule × endpoint, RULES OUT-1), in check-id order; fail → <failure>
 * with the fix and docs link, skip → <skipped>, warn → passing with <system-out>.
 */
export function formatJunit(report: Report): string {
  const seconds = (report.durationMs / 1000).toFixed(3);
  if (report.verdict === 'error') return junitError(report, seconds);
  const suites = byCategory(report.checks).map(([category, results]) => {
    const failures = results.filter((r) => r.status === 'fail').length;
    const skipped = results.filter((r) => r.status === 'skip').length;
    const cases = results.map((r) => {
      const name = escapeXml(r.endpoint ? `${r.id} [${r.endpoint}]` : r.id);
      const msg = escapeXml(r.message);
      const details = escapeXml(
        [
          JSON.stringify({ expected: r.expected, actual: r.actual }),
          ...(r.status === 'fail' ? [`Fix:\n${checkFix(r.id) ?? ''}`, `Docs: ${checkDocsLink(r.id)}`] : []),
        ].join('\n'),
      );
      const inner =
        r.status === 'fail'
          ? `<failure message="${msg}" type="${escapeXml(r.id)}">${details}</failure>`
          : r.status === 'skip'
            ? `<skipped message="${msg}"/>`
            : r.status === 'warn'
              ? `<system-out>WARNING: ${msg}</system-out>`
              : `<system-out>${msg}</system-out>`;
      return `    <testcase classname="harden-check.${category}" name="${name}" time="0">${inner}</testcase>`;
    });
    return [
      `  <testsuite name="harden-check ${category}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${report.startedAt.slice(0, 19)}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const s = report.summary;
  // A fail verdict without a failed check (nothing verified, --strict warnings) is one failing test
  // case of its own, so a CI test view never shows a failed run as green or all skipped.
  const reason =
    report.verdict === 'fail' && report.verdictReason ? escapeXml(report.verdictReason) : undefined;
  if (reason)
    suites.push(
      [
        `  <testsuite name="harden-check verdict" tests="1" failures="1" errors="0" skipped="0" time="0" timestamp="${report.startedAt.slice(0, 19)}">`,
        `    <testcase classname="harden-check.verdict" name="verdict [${escapeXml(report.target)}]" time="0"><failure message="${reason}" type="verdict">${reason}</failure></testcase>`,
        '  </testsuite>',
      ].join('\n'),
    );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="harden-check ${escapeXml(report.target)} (rules ${report.rulesVersion})" tests="${report.checks.length + (reason ? 1 : 0)}" failures="${s.fail + (reason ? 1 : 0)}" errors="0" skipped="${s.skip}" time="${seconds}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** A run that could not judge its target: one test case with an <error>, so CI shows why. */
function junitError(report: Report, seconds: string): string {
  const message = escapeXml(report.error?.message ?? 'the run could not judge the target');
  const type = escapeXml(report.error?.code ?? 'ERROR');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="harden-check ${escapeXml(report.target)} (rules ${report.rulesVersion})" tests="1" failures="0" errors="1" skipped="0" time="${seconds}">`,
    `  <testsuite name="harden-check run" tests="1" failures="0" errors="1" skipped="0" time="${seconds}" timestamp="${report.startedAt.slice(0, 19)}">`,
    `    <testcase classname="harden-check.run" name="target reachable [${escapeXml(report.target)}]" time="${seconds}"><error message="${message}" type="${type}">${message}</error></testcase>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
