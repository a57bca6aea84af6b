import { describe, expect, it } from 'vitest';
import { anonymiseCutoff, mustAnonymise } from './retention';

describe('retention of negative moral entries (guardrail 8)', () => {
  it.each([
    ['2028-06-15', '2025-06-15'],
    ['2028-02-29', '2025-02-28'],
    ['2028-03-01', '2025-03-01'],
    ['2027-01-01', '2024-01-01'],
  ])('seen on %s, entries on or before %s are anonymised', (today, cutoff) => {
    expect(anonymiseCutoff(today)).toBe(cutoff);
  });

  it.each([
    [{ points: -5, occurredOn: '2025-06-15' }, '2028-06-15', true],
    [{ points: -5, occurredOn: '2025-06-16' }, '2028-06-15', false],
    [{ points: 5, occurredOn: '2020-01-01' }, '2028-06-15', false],
  ])('%o on %s: %s', (entry, today, expected) => {
    expect(mustAnonymise(entry, today)).toBe(expected);
  });
});
