import { describe, expect, it } from 'vitest';
import { householdPageModel } from './household-page';
import type { LocalEntry } from '../db/db';
import type { LocalEntryState } from '../../../shared/domain/entry-state';

let n = 0;
const entry = (state: LocalEntryState, points: number, occurredOn = '2026-03-01'): LocalEntry => ({
  id: `e${++n}`, villageId: 'v', householdId: 'h', personId: null, catalogVersionId: 'c', indicatorCode: 'B02',
  occurredOn, points, note: '', recorderId: 'u', state, reverses: null, revision: 1, stateReason: '', createdAt: `2026-03-01T00:00:0${n % 10}Z`,
});

describe('householdPageModel', () => {
  it('counts submitted entries as 待生效 (the "待生效 0 with three submitted" defect)', () => {
    const m = householdPageModel([entry('submitted', 5), entry('submitted', 5), entry('submitted', 3)], 2026);
    expect(m).toMatchObject({ standing: 100, pendingPoints: 13, pendingCount: 3, inReview: 3, needsAction: 0 });
  });

  it('sums effective points into standing, pends the ones on their way, leaves refused ones out', () => {
    const m = householdPageModel([
      entry('effective', 30), entry('queued', 5), entry('approved', 5), entry('publicized', 2), entry('objected', 1),
      entry('rejected', 10), entry('returned', 4), entry('withdrawn', 9), entry('effective', 50, '2025-12-31'),
    ], 2026);
    expect(m).toMatchObject({ standing: 130, stars: 3, glyphs: '★★★☆☆', pendingPoints: 13, pendingCount: 4, inReview: 1, needsAction: 2 });
    expect(m.next).toEqual({ kind: 'points', next: 4, points: 10 });
  });

  it('orders entries newest first', () => {
    const m = householdPageModel([entry('effective', 1, '2026-01-01'), entry('effective', 1, '2026-05-01')], 2026);
    expect(m.entries.map((e) => e.occurredOn)).toEqual(['2026-05-01', '2026-01-01']);
  });
});
