import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkListAction, checkStarAmounts, formatYuan, itemActions, parseYuan, payoutKeys, payoutLines, sumFen, villageMoney, type StarAmounts } from './payouts';

const AMOUNTS: StarAmounts = { 5: 20000, 4: 10000, 3: 5000, 2: 0, 1: 0 };

describe('yuan and fen', () => {
  it.each([
    [0, '0.00'], [5, '0.05'], [20000, '200.00'], [123456, '1234.56'], [-250, '-2.50'],
  ])('formatYuan(%i) = %s', (fen, text) => expect(formatYuan(fen)).toBe(text));
  it.each([
    ['200', 20000], ['200.5', 20050], ['200.50', 20050], [' 0.05 ', 5], ['1,000', null], ['-1', null], ['1.234', null], ['', null], ['1e3', null],
  ])('parseYuan(%j) = %j', (text, fen) => expect(parseYuan(text)).toBe(fen));
  it('round-trips every amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (fen) => parseYuan(formatYuan(fen)) === fen));
  });
});

describe('star amounts', () => {
  it.each([
    [AMOUNTS, null],
    [{ ...AMOUNTS, 5: -1 }, /★5/],
    [{ ...AMOUNTS, 4: 1.5 }, /★4/],
    [{ 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 }, /至少/],
    [{ ...AMOUNTS, 3: 2_000_000 }, /上限/],
  ] as const)('checkStarAmounts(%j)', (a, expected) => {
    const r = checkStarAmounts(a as StarAmounts);
    if (expected === null) expect(r).toBeNull(); else expect(r).toMatch(expected);
  });
});

describe('payout lines', () => {
  it('pays by star level only, highest first, and leaves out levels without an amount', () => {
    const lines = payoutLines([
      { householdId: 'c', standing: 125, stars: 3 }, { householdId: 'a', standing: 172, stars: 5 },
      { householdId: 'd', standing: 104, stars: 2 }, { householdId: 'b', standing: 150, stars: 4 },
    ], AMOUNTS);
    expect(lines.map((l) => [l.householdId, l.amountFen])).toEqual([['a', 20000], ['b', 10000], ['c', 5000]]);
    expect(sumFen(lines)).toBe(35000);
  });
  it('points are never cashed: within a star level the amount does not depend on the points', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (stars, p1, p2) => {
      const [x] = payoutLines([{ householdId: 'x', standing: p1, stars }], AMOUNTS);
      const [y] = payoutLines([{ householdId: 'y', standing: p2, stars }], AMOUNTS);
      return x?.amountFen === y?.amountFen;
    }));
  });
});

describe('list actions', () => {
  const now = '2025-06-22T00:00:00.000Z';
  it.each([
    ['post', 'draft', null, {}, null],
    ['post', 'posted', null, {}, 'payout_invalid_state'],
    ['village_approve', 'posted', '2025-06-23T00:00:00.000Z', { fundAvailableFen: 10 ** 6 }, 'payout_posting_open'],
    ['village_approve', 'posted', '2025-06-21T00:00:00.000Z', { fundAvailableFen: 10 ** 6 }, null],
    ['village_approve', 'posted', '2025-06-21T00:00:00.000Z', { fundAvailableFen: 30000 }, 'payout_fund_short'],
    ['township_approve', 'village_approved', '2025-06-21T00:00:00.000Z', { fundAvailableFen: 40000, otherOutstandingFen: 5001 }, 'payout_fund_short'],
    ['township_approve', 'village_approved', '2025-06-21T00:00:00.000Z', { fundAvailableFen: 40000, otherOutstandingFen: 5000 }, null],
    ['township_approve', 'posted', '2025-06-21T00:00:00.000Z', { fundAvailableFen: 10 ** 6 }, 'payout_invalid_state'],
    ['pay', 'township_approved', '2025-06-21T00:00:00.000Z', {}, null],
    ['pay', 'paid', '2025-06-21T00:00:00.000Z', {}, 'payout_invalid_state'],
  ] as const)('%s on %s (window to %s, %j) → %s', (action, status, postEndsAt, fund, code) => {
    const r = checkListAction(action, { status, postEndsAt, totalFen: 35000 }, { now, ...fund });
    expect(r?.code ?? null).toBe(code);
  });
});

describe('payout outcomes', () => {
  it.each([
    ['due', { payLater: false, returnToFund: false }],
    ['paid', { payLater: false, returnToFund: true }],
    ['unpaid', { payLater: true, returnToFund: true }],
    ['returned', { payLater: false, returnToFund: false }],
  ] as const)('itemActions(%s)', (status, expected) => expect(itemActions(status)).toEqual(expected));

  it('villageMoney: remaining = free + reserved + held; topped up = remaining + cash paid', () => {
    expect(villageMoney({ fundFen: 100, reservedFen: 200, unpaidHeldFen: 50, cashPaidFen: 1000 })).toEqual({
      fundFen: 100, reservedFen: 200, unpaidHeldFen: 50, cashPaidFen: 1000, fundRemainingFen: 350, toppedUpFen: 1350,
    });
  });

  it('every act has its own idempotency key; paying later reuses the pay key (an item is paid once)', () => {
    const keys = [payoutKeys.reserve('L'), payoutKeys.pay('I'), payoutKeys.hold('I'), payoutKeys.release('I'), payoutKeys.return('I')];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
