import type { CheckDef, ProbeNeed } from '../checks/define.js';
import { CHECKS } from '../checks/registry.js';
import type { Category } from '../types.js';

/** Checks enabled by `--checks` categories and `--skip` ids or categories, in registry order. */
export function selectChecks(
  categories: readonly Category[] | undefined,
  skip: readonly string[],
): CheckDef[] {
  return CHECKS.filter(
    (c) =>
      (!categories || categories.includes(c.category)) && !skip.includes(c.id) && !skip.includes(c.category),
  );
}

/** The probe plan is derived from the enabled checks: the union of what they need. */
export function probeNeeds(checks: readonly CheckDef[]): Set<ProbeNeed> {
  return new Set(checks.flatMap((c) => c.needs));
}
