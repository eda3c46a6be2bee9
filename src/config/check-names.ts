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

/**
 * Whether `--checks` (categories, ids) and `--skip` select a check: everything when neither names
 * it, then minus what --skip names by id or category. The engine runs exactly these.
 */
export function isSelected(
  c: { id: string; category: Category },
  categories: readonly Category[] | undefined,
  skip: readonly string[],
  ids?: readonly string[],
): boolean {
  const chosen =
    (!categories && !ids) || categories?.includes(c.category) === true || ids?.includes(c.id) === true;
  return chosen && !skip.includes(c.id) && !skip.includes(c.category);
}

/**
 * Refuses, before any traffic, a selection that leaves nothing to run (HardenError USAGE): no check
 * at all, or with --shard no slo check (the other checks run on shard 1 only, and sharding splits
 * the load phase), or with no load phase (`noLoad`: --duration 0) only slo checks.
 */
export function assertSomethingToRun(
  categories: readonly Category[] | undefined,
  skip: readonly string[],
  ids: readonly string[] | undefined,
  shard: { index: number; total: number } | undefined,
  noLoad = false,
): void {
  const selected = CHECKS.filter((c) => isSelected(c, categories, skip, ids));
  if (selected.length === 0)
    throw new HardenError(
      'USAGE',
      `--checks/--skip (or checks in the config) leave no check to run; nothing would be verified — select at least one of ${CATEGORIES.join(', ')} or a check id`,
    );
  if (shard && !selected.some((c) => c.category === 'slo'))
    throw new HardenError(
      'USAGE',
      `--shard ${shard.index}/${shard.total} splits the load phase, but no slo check is selected (${selected.length === 1 ? selected[0]!.id : `${selected.length} checks, none of them slo`}); drop --shard, or add slo to --checks`,
    );
  if (noLoad && selected.every((c) => c.category === 'slo'))
    throw new HardenError(
      'USAGE',
      `--duration 0 skips the load phase, which every selected check (${selected.length === 1 ? selected[0]!.id : 'slo'}) needs; give a duration, or select other checks`,
    );
}
