import { CHECKS } from '../checks/registry.js';

/** GitHub's heading anchor for a check's section of docs/checks.md (`### contract.latency.format`). */
export function checkAnchor(id: string): string {
  return id.replace(/[^a-z0-9-]/g, '');
}

/**
 * Where a check is documented: its section of docs/checks.md, which ships in the package
 * (node_modules/harden-check/docs/checks.md).
 */
export function checkDocsLink(id: string): string {
  return `docs/checks.md#${checkAnchor(id)}`;
}

/** The check's "How to fix" text from its metadata (markdown bullet lines), or undefined. */
export function checkFix(id: string): string | undefined {
  return CHECKS.find((c) => c.id === id)?.fix;
}
