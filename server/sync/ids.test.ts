import { describe, expect, it } from 'vitest';
import { newId } from './ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('makes valid UUIDv7 ids that sort in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_750_000_000_000));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays monotonic when the clock steps back', () => {
    const a = newId(1_800_000_000_000);
    const b = newId(1_799_999_999_000);
    expect(b > a).toBe(true);
  });
});
