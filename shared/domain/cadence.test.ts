import { describe, expect, it } from 'vitest';
import { effectiveCadence, lastClosedPeriod, periodOf } from './cadence';

describe('cadence periods', () => {
  it.each([
    ['month', '2026-03-15', { key: '2026-03', from: '2026-03-01', to: '2026-03-31' }, { key: '2026-02', from: '2026-02-01', to: '2026-02-28' }],
    ['quarter', '2026-04-01', { key: '2026-Q2', from: '2026-04-01', to: '2026-06-30' }, { key: '2026-Q1', from: '2026-01-01', to: '2026-03-31' }],
    ['year', '2026-01-01', { key: '2026', from: '2026-01-01', to: '2026-12-31' }, { key: '2025', from: '2025-01-01', to: '2025-12-31' }],
    ['month', '2026-01-10', { key: '2026-01', from: '2026-01-01', to: '2026-01-31' }, { key: '2025-12', from: '2025-12-01', to: '2025-12-31' }],
  ] as const)('%s on %s', (cadence, today, current, closed) => {
    expect(periodOf(cadence, today)).toEqual(current);
    expect(lastClosedPeriod(cadence, today)).toEqual(closed);
  });

  it('a village may set its own cadence; otherwise the township’s applies', () => {
    expect(effectiveCadence('month', null)).toBe('month');
    expect(effectiveCadence('month', 'quarter')).toBe('quarter');
    expect(effectiveCadence('bogus', 'bogus')).toBe('month');
  });
});
