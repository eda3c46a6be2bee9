import type { CheckDef, ProbeNeed } from '../checks/define.js';
import { CHECKS } from '../checks/registry.js';
import { isSelected } from '../config/check-names.js';
import type { Category, CheckResult } from '../types.js';

/** Checks enabled by `--checks` categories or ids and `--skip` ids or categories, in registry order. */
export function selectChecks(
  categories: readonly Category[] | undefined,
  skip: readonly string[],
  ids?: readonly string[],
): CheckDef[] {
  return CHECKS.filter((c) => isSelected(c, categories, skip, ids));
}

/** A `skip` result for each check that the configuration left out, so every report lists every check. */
export function skippedByConfig(enabled: readonly CheckDef[]): Map<string, CheckResult> {
  const on = new Set(enabled.map((c) => c.id));
  return new Map(
    CHECKS.filter((c) => !on.has(c.id)).map((c) => [
      c.id,
      {
        id: c.id,
        category: c.category,
        status: 'skip',
        message: 'skipped by configuration (--checks / --skip)',
      },
    ]),
  );
}

/**
 * The probe plan is derived from the enabled checks: the union of what they need. The load phase
 * needs the endpoint probes too: an endpoint that is not serving is left out of it.
 */
export function probeNeeds(checks: readonly CheckDef[]): Set<ProbeNeed> {
  const needs = new Set(checks.flatMap((c) => c.needs));
  if (needs.has('load')) needs.add('endpoints');
  return needs;
}
