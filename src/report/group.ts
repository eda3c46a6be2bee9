import { CATEGORIES, type Category, type CheckResult } from '../types.js';

/** Results grouped by category in catalogue order (empty categories dropped). */
export function byCategory(checks: readonly CheckResult[]): Array<[Category, CheckResult[]]> {
  return CATEGORIES.map((c): [Category, CheckResult[]] => [c, checks.filter((r) => r.category === c)]).filter(
    ([, rs]) => rs.length > 0,
  );
}

export const CATEGORY_TITLES: Record<Category, string> = {
  contract: 'Header contract',
  ratelimit: 'Rate limiting',
  security: 'Security headers',
  errors: 'Error responses',
  logs: 'Logs',
  health: 'Health endpoints',
  slo: 'Latency and SLOs',
};

export const DOCS_BASE = 'https://github.com/harden-check/harden-check/blob/main/docs/checks.md';

/** Anchor of a check in docs/checks.md. */
export function docsLink(id: string): string {
  return `${DOCS_BASE}#${id.replace(/[^a-z0-9-]/g, '')}`;
}
