import { describe, expect, it } from 'vitest';
import { checkAmendedPoints, entryAfterResolution, noticeDays, noticeHouseholds, type NoticeEntryRow } from './notice';

describe('noticeDays', () => {
  it.each([
    [undefined, undefined, 7], [undefined, 10, 10], [3, 10, 3], [60, 7, 60], [90, 7, 60], [0, 7, 1], [undefined, 75, 60],
  ])('requested %s, township %s → %s', (req, town, want) => {
    expect(noticeDays(req, town)).toBe(want);
  });
});

const row = (r: Partial<NoticeEntryRow>): NoticeEntryRow => ({
  entryId: 'e', householdId: 'h1', householdNo: '001', headName: '张三', indicatorNameZh: '义务劳动', points: 5, occurredOn: '2025-06-01', state: 'publicized', ...r,
});

describe('noticeHouseholds', () => {
  const rows = [
    row({ entryId: 'a', householdId: 'h10', householdNo: '10', headName: '钱七', points: -5 }),
    row({ entryId: 'b', householdId: 'h2', householdNo: '2', headName: '李四', points: 3, occurredOn: '2025-06-03' }),
    row({ entryId: 'c', householdId: 'h2', householdNo: '2', headName: '李四', points: -3, occurredOn: '2025-06-02' }),
    row({ entryId: 'd', householdId: 'h2', householdNo: '2', headName: '李四', points: 2, occurredOn: '2025-06-01' }),
  ];
  it('by default puts deductions in blocks with the household number only, after the named block', () => {
    const blocks = noticeHouseholds(rows, { namesOnDeductions: false });
    expect(blocks.map((b) => [b.householdNo, b.headName, b.total, b.entries.map((e) => e.entryId)])).toEqual([
      ['2', '李四', 5, ['d', 'b']], ['2', null, -3, ['c']], ['10', null, -5, ['a']],
    ]);
    expect(JSON.stringify(blocks.filter((b) => b.entries.some((e) => e.points < 0)))).not.toMatch(/李四|钱七/);
  });
  it('keeps one named block per household where the village rules allow names on deductions', () => {
    const blocks = noticeHouseholds(rows, { namesOnDeductions: true });
    expect(blocks.map((b) => [b.householdNo, b.headName, b.total, b.entries.map((e) => e.entryId)])).toEqual([
      ['2', '李四', 2, ['d', 'c', 'b']], ['10', '钱七', -5, ['a']],
    ]);
  });
});

describe('entryAfterResolution', () => {
  it.each([
    ['upheld', true, 0, 'rejected', null], ['upheld', false, 1, 'rejected', null],
    ['amended', true, 0, 'amended', 'publicized'], ['amended', false, 0, 'amended', 'effective'],
    ['dismissed', true, 0, 'publicized', null], ['dismissed', false, 0, 'effective', null], ['dismissed', false, 1, 'objected', null],
  ] as const)('%s (window open %s, %s other pending) → %s', (res, windowOpen, otherPending, entry, replacement) => {
    expect(entryAfterResolution(res, { windowOpen, otherPending })).toEqual({ entry, replacement });
  });
});

describe('checkAmendedPoints', () => {
  const range = { pointsMin: 5, pointsMax: 10 };
  it.each([
    [10, 5, true], [10, 10, false], [10, 0, false], [10, -5, false], [10, 12, false], [10, 1.5, false], [-10, -5, true],
  ])('%s → %s ok %s', (from, to, ok) => {
    expect(checkAmendedPoints(from, to, from < 0 ? { pointsMin: -10, pointsMax: -10 } : range).ok).toBe(ok);
  });
});
