import { describe, expect, it } from 'vitest';
import { newEventId } from './event-id.js';

describe('newEventId', () => {
  it('makes distinct RFC 9562 version 7 UUIDs carrying the current Unix time in ms', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, newEventId);
    const after = Date.now();
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
    // Ids of later milliseconds sort after earlier ones (the index property they exist for).
    const later = newEventId();
    expect([ids[0]!, later].sort()).toEqual([ids[0], later]);
  });
});
