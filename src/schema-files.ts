import { readFileSync } from 'node:fs';

/** Reads a JSON file shipped in the package's schema/ folder (works from src/ and dist/src/). */
export function readShippedSchema(name: string): Record<string, unknown> {
  for (const rel of [`../schema/${name}`, `../../schema/${name}`]) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Record<string, unknown>;
    } catch {
      // try the next location
    }
  }
  throw new Error(`schema/${name} is missing from the package`);
}
