import { CHECKS } from '../checks/registry.js';
import { HardenError } from '../errors.js';
import { CATEGORIES, type Category } from '../types.js';

/** Levenshtein distance (insert, delete, substitute), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest known check id or category, when it is close enough to be a typo. */
export function suggestCheckName(name: string): string | undefined {
  const known = [...CATEGORIES, ...CHECKS.map((c) => c.id)];
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k);
    if (!best || d < best.d) best = { name: k, d };
  }
  // A suffix match helps too: `cors` → `security.cors`.
  const bySuffix = known.find((k) => k.endsWith(`.${name.toLowerCase()}`));
  if (bySuffix) return bySuffix;
  return best && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}

/** Splits a comma-separated list of check ids and categories; unknown names are a usage error. */
export function parseCheckNames(text: string | readonly string[], where: string): string[] {
  const list = (typeof text === 'string' ? text.split(',') : [...text]).map((s) => s.trim()).filter(Boolean);
  const unknown = list.filter(
    (n) => !(CATEGORIES as readonly string[]).includes(n) && !CHECKS.some((c) => c.id === n),
  );
  if (unknown.length > 0) {
    const parts = unknown.map((n) => {
      const s = suggestCheckName(n);
      return `"${n}"${s ? ` (did you mean ${s}?)` : ''}`;
    });
    throw new HardenError(
      'USAGE',
      `${where}: unknown check id or category ${parts.join(', ')}; categories are ${CATEGORIES.join(', ')} and check ids are listed in docs/checks.md`,
    );
  }
  return list;
}

/** Splits --checks names into categories and check ids. */
export function splitCheckNames(names: readonly string[]): { categories: Category[]; ids: string[] } {
  const isCategory = (n: string): n is Category => (CATEGORIES as readonly string[]).includes(n);
  return { categories: names.filter(isCategory), ids: names.filter((n) => !isCategory(n)) };
}
