import { HardenError } from '../errors.js';
import { parseCheckNames } from './check-names.js';
import { parseEndpoint } from './endpoint.js';

const SHAPED = /^\s*[A-Za-z]+\s+\/\S*\s*$/;
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The problems of a config file that its JSON Schema cannot see (an endpoint's method, an unknown
 * check id), each worded like the flag errors and naming its JSON path. Reads only the fields whose
 * shape is right, so it can run beside the schema validation and every problem is reported at once.
 */
export function configSemanticProblems(doc: unknown): string[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const file = doc as Record<string, unknown>;
  const problems: string[] = [];
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof HardenError)) throw err;
      problems.push(err.message);
    }
  };
  if (Array.isArray(file.endpoints))
    file.endpoints.forEach((e, i) => {
      // The schema reports a value that is not "METHOD /path"; this adds what it cannot see.
      if (typeof e === 'string' && SHAPED.test(e)) attempt(() => parseEndpoint(e, `endpoints[${i}]`));
      else if (typeof e === 'object' && e !== null) {
        const { method, path } = e as { method?: unknown; path?: unknown };
        if (typeof method === 'string' && typeof path === 'string' && path.startsWith('/'))
          attempt(() => parseEndpoint(`${method} ${path}`, `endpoints[${i}]`));
      }
    });
  const checks = file.checks as Record<string, unknown> | undefined;
  if (typeof checks === 'object' && checks !== null) {
    // `checks.categories` is an enum in the schema; `checks.skip` also takes check ids.
    const skip = checks.skip;
    if (isStringList(skip)) attempt(() => parseCheckNames(skip, 'checks.skip'));
    if (isStringList(checks.cacheable))
      checks.cacheable.forEach((e, i) => {
        if (SHAPED.test(e)) attempt(() => parseEndpoint(e, `checks.cacheable[${i}]`));
      });
  }
  return problems;
}
