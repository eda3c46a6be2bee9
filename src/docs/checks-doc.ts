import { CHECKS, RULES_VERSION } from '../checks/registry.js';
import { OPENAPI_LOCATIONS } from '../config/options.js';
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
    `Rule set ${RULES_VERSION}. Every check reports \`pass\`, \`fail\`, \`warn\` or \`skip\` (a skip always says why), usually once per endpoint. Checks of severity *warning* never fail a run unless \`--strict\` is given. Every report lists every check: one left out by \`--checks\`/\`--skip\` is \`skip\` "skipped by configuration".`,
    '',
    `**What a run probes.** With no endpoint configured: the URL's own path (GET), the health endpoints, and — when the API serves an OpenAPI document at ${OPENAPI_LOCATIONS.map((l) => `\`${l}\``).join(', ')} (under the URL's path first, then at the root) — the document's GET operations instead of the URL's path, templated paths filled with the spec's example or default values; operations left out are listed with the reason. The URL's path is the base path of every endpoint. The report's \`endpoints\` section says where the endpoints came from.`,
    '',
    '**What counts as success.** An endpoint that answers its probe with 401, 403, 404 or 405 is not serving: `contract.endpoint.reachable` flags it and the load phase leaves it out. In the load phase a 2xx or 3xx answer is successful (availability), a 5xx or transport error is an error (error rate), a 429 is counted apart; with no measurable endpoint, or a spent rate-limit budget, the SLO checks are inconclusive (`warn`) with the reason. The default load plan is sized by the sample rule of the enabled SLO checks (1,000 requests for P99 at the default targets), within the advertised rate limits.',
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
        `**Grammar.** ${c.grammar ?? 'No HTTP field is parsed: the rule judges measurements or log text.'}`,
        '',
      );
    }
  }
  return out.join('\n');
}
