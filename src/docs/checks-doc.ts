import { CHECKS, RULES_VERSION } from '../checks/registry.js';
import { checkAnchor } from '../report/check-docs.js';
import { CATEGORY_TITLES } from '../report/group.js';
import { CATEGORIES } from '../types.js';

/**
 * docs/checks.md, generated from the registry's metadata so it cannot drift from the code
 * (`npm run docs:checks` rewrites it; a test fails when it is stale).
 */
export function renderChecksDoc(): string {
  const out: string[] = [
    '# harden-check checks',
    '',
    `<!-- Generated from src/checks by \`npm run docs:checks\`. Do not edit by hand. -->`,
    '',
    `Rule set ${RULES_VERSION}. Every check reports \`pass\`, \`fail\`, \`warn\` or \`skip\` (a skip always says why), usually once per endpoint. Checks of severity *warning* never fail a run unless \`--strict\` is given.`,
    '',
    '| id | category | severity | rule |',
    '|---|---|---|---|',
    ...CHECKS.map(
      (c) => `| [\`${c.id}\`](#${checkAnchor(c.id)}) | ${c.category} | ${c.severity} | ${c.title} |`,
    ),
    '',
  ];
  for (const category of CATEGORIES) {
    const checks = CHECKS.filter((c) => c.category === category);
    if (checks.length === 0) continue;
    out.push(`## ${CATEGORY_TITLES[category]}`, '');
    for (const c of checks) {
      out.push(
        `### ${c.id}`,
        '',
        `**${c.title}** — severity: ${c.severity}; probes: ${c.needs.join(', ')}.`,
        '',
        `**Rule.** ${c.rule}`,
        '',
        `**Why it matters.** ${c.why}`,
        '',
        '**How to fix.**',
        '',
        c.fix,
        '',
        `**Source.** ${c.source}`,
        '',
      );
    }
  }
  return out.join('\n');
}
