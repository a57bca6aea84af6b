import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accountKey, checkTransfer, expiryDue, netByAccount, parseAccountKey, remainingLots, transferBody, wouldOverdraw } from './ledger';

const hh = { kind: 'household_points', ownerId: 'h1' };
const pool = { kind: 'village_points_pool', ownerId: 'v1' };

describe('checkTransfer', () => {
  it.each([
    ['balanced', [{ account: hh, amount: 5 }, { account: pool, amount: -5 }], 'points', null],
    ['unbalanced', [{ account: hh, amount: 5 }, { account: pool, amount: -4 }], 'points', 'LEDGER_UNBALANCED'],
    ['one leg', [{ account: hh, amount: 0 }], 'points', 'LEDGER_TOO_FEW_LEGS'],
    ['float', [{ account: hh, amount: 0.5 }, { account: pool, amount: -0.5 }], 'points', 'LEDGER_NOT_INTEGER'],
    ['zero', [{ account: hh, amount: 0 }, { account: pool, amount: 0 }], 'points', 'LEDGER_ZERO_LEG'],
    ['unit', [{ account: hh, amount: 5 }, { account: pool, amount: -5 }], 'fen', 'LEDGER_UNIT_MISMATCH'],
    ['kind', [{ account: { kind: 'x', ownerId: 'a' }, amount: 5 }, { account: pool, amount: -5 }], 'points', 'LEDGER_UNKNOWN_ACCOUNT_KIND'],
    ['prototype kind', [{ account: { kind: 'toString', ownerId: 'a' }, amount: 5 }, { account: pool, amount: -5 }], 'points', 'LEDGER_UNKNOWN_ACCOUNT_KIND'],
  ] as const)('%s', (_n, legs, unit, expected) => {
    expect(checkTransfer({ idempotencyKey: 'k', unit, legs: [...legs] })?.code ?? null).toBe(expected);
  });

  it('account keys round-trip', () => {
    for (const a of [hh, { kind: 'shop_stock', ownerId: 'v', itemId: 'i' }, { kind: 'household_standing', ownerId: 'h', year: 2026 }]) {
      expect(parseAccountKey(accountKey(a))).toEqual(a);
    }
  });

  it('nets legs per account in key order, and a body ignores leg order', () => {
    expect([...netByAccount([{ account: pool, amount: -2 }, { account: hh, amount: 1 }, { account: hh, amount: 1 }])]).toEqual([[accountKey(hh), 2], [accountKey(pool), -2]]);
    const t = { idempotencyKey: 'k', kind: 'x', unit: 'points' as const, townshipId: 't', villageId: 'v', actorId: 'a', at: 'now' };
    expect(transferBody({ ...t, legs: [{ account: hh, amount: 1 }, { account: pool, amount: -1 }] }))
      .toBe(transferBody({ ...t, actorId: 'b', at: 'later', legs: [{ account: pool, amount: -1 }, { account: hh, amount: 1 }] }));
  });

  it.each([
    ['household_points', 5, -5, false], ['household_points', 5, -6, true], ['village_points_pool', 0, -100, false],
    ['shop_stock', 0, 1, false], ['village_fund', -1, 1, false],
  ] as const)('wouldOverdraw(%s, %i, %i) = %s', (kind, avail, net, expected) => {
    expect(wouldOverdraw(kind, avail, net)).toBe(expected);
  });
});

describe('expiry (oldest first)', () => {
  it.each([
    [[{ year: 2025, amount: 30 }, { year: 2026, amount: 20 }], 10, [{ earnedYear: 2025, amount: 20, expiresOn: '2026-12-31' }, { earnedYear: 2026, amount: 20, expiresOn: '2027-12-31' }]],
    [[{ year: 2025, amount: 30 }, { year: 2026, amount: 20 }], 35, [{ earnedYear: 2026, amount: 15, expiresOn: '2027-12-31' }]],
    [[{ year: 2026, amount: 20 }, { year: 2025, amount: 30 }], 50, []],
    [[], 0, []],
  ])('remainingLots(%j, %i)', (earned, consumed, expected) => {
    expect(remainingLots(earned, consumed)).toEqual(expected);
  });

  it('year-end run of 2026 expires what is left of 2025 and earlier, never 2026', () => {
    expect(expiryDue([{ year: 2025, amount: 30 }, { year: 2026, amount: 20 }], 10, 2026)).toBe(20);
    expect(expiryDue([{ year: 2025, amount: 30 }, { year: 2026, amount: 20 }], 10, 2025)).toBe(0);
    // After expiring, the same run finds nothing more (idempotent).
    expect(expiryDue([{ year: 2025, amount: 30 }, { year: 2026, amount: 20 }], 30, 2026)).toBe(0);
  });

  it('property: consumption takes the oldest lots first, and the total is conserved', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ year: fc.integer({ min: 2020, max: 2030 }), amount: fc.integer({ min: 1, max: 100 }) }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 3000 }),
      (earned, consumed) => {
        const total = earned.reduce((s, e) => s + e.amount, 0);
        const lots = remainingLots(earned, consumed);
        expect(lots.reduce((s, l) => s + l.amount, 0)).toBe(Math.max(0, total - consumed));
        // Whatever is left of a year means every later year is untouched.
        for (let i = 1; i < lots.length; i++) {
          expect(lots[i].earnedYear).toBeGreaterThan(lots[i - 1].earnedYear);
          const full = earned.filter((e) => e.year === lots[i].earnedYear).reduce((s, e) => s + e.amount, 0);
          expect(lots[i].amount).toBe(full);
        }
      },
    ));
  });
});
