import { describe, expect, it } from 'vitest';
import { buildHonourBoard, type BoardHousehold } from './honour-board';

const h = (id: string, over: Partial<BoardHousehold> = {}): BoardHousehold => ({ id, householdNo: id, headName: `户主${id}`, headIsMinor: false, status: 'active', ...over });

describe('honour board', () => {
  it.each([
    ['★3+ and consented: shown', h('01'), true, 25, 0, ['01']],
    ['below ★3: never shown', h('02'), true, 10, 0, []],
    ['no consent: not shown', h('03'), false, 60, 0, []],
    ['a minor head: not shown', h('04', { headIsMinor: true }), true, 60, 0, []],
    ['moved out: not shown', h('05', { status: 'moved-out' }), true, 60, 0, []],
  ])('%s', (_, household, consent, points, big, expected) => {
    const board = buildHonourBoard({ households: [household], consenting: new Set(consent ? [household.id] : []), creditConsenting: new Set(), tallies: [{ householdId: household.id, effectivePoints: points, bigDeductions: big }], credits: [], base: 100 });
    expect(board.stars.map((s) => s.householdNo)).toEqual(expected);
  });
  it('a big deduction keeps a household from ★5; stars order the board', () => {
    const board = buildHonourBoard({ households: [h('01'), h('02')], consenting: new Set(['01', '02']), creditConsenting: new Set(), tallies: [{ householdId: '01', effectivePoints: 70, bigDeductions: 1 }, { householdId: '02', effectivePoints: 70, bigDeductions: 0 }], credits: [], base: 100 });
    expect(board.stars).toEqual([{ householdNo: '02', headName: '户主02', stars: 5 }, { householdNo: '01', headName: '户主01', stars: 4 }]);
  });
  it('诚信榜: positive credit information only, never a penalty or a minor\'s record', () => {
    const board = buildHonourBoard({
      households: [h('01'), h('02')], consenting: new Set(), creditConsenting: new Set(['01', '02']), tallies: [], base: 100,
      credits: [{ householdId: '01', kind: 'honour', personIsMinor: false }, { householdId: '01', kind: 'admin_penalty', personIsMinor: false }, { householdId: '02', kind: 'honour', personIsMinor: true }],
    });
    expect(board.credit).toEqual([{ householdNo: '01', headName: '户主01', honours: ['荣誉表彰'] }]);
  });
  it('each board has its own consent: 诚信榜 without credit-records consent, 四德榜 without moral-points consent', () => {
    const board = buildHonourBoard({
      households: [h('01'), h('02')], consenting: new Set(['01']), creditConsenting: new Set(['02']), base: 100,
      tallies: [{ householdId: '01', effectivePoints: 60, bigDeductions: 0 }, { householdId: '02', effectivePoints: 60, bigDeductions: 0 }],
      credits: [{ householdId: '01', kind: 'honour', personIsMinor: false }, { householdId: '02', kind: 'honour', personIsMinor: false }],
    });
    expect(board.stars.map((s) => s.householdNo)).toEqual(['01']);
    expect(board.credit.map((c) => c.householdNo)).toEqual(['02']);
  });
});
