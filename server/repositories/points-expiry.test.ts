// Expiry oldest-first against the database, on SQLite and PostgreSQL (issue 8 "expiry is
// oldest-first"): a fast-check property over random histories of one household — points earned in
// several years, spent (posted or still reserved), refused when more than is available, and the
// year-end expiry run (expireHousehold) at the end of each year — compared step by step with an
// independent model: a queue of lots, spending takes from the oldest, the end of year Y drops
// every lot earned before Y. Balances, the expired amounts and the schedule a household sees
// (expirySchedule) must equal the model's; a second expiry run of a year expires nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture } from '../test/fixtures';
import { writeTransaction } from '../db/transaction';
import { AppError } from '../http/errors';
import { balancesOf, postTransfer } from './ledger';
import { expireHousehold, expirySchedule } from './points';
import { householdPoints, pointsExpired, pointsRedeemed, villagePointsPool } from '../../shared/domain/points-ledger';
import { expiresOnOf } from '../../shared/domain/ledger';

type Step = { kind: 'earn'; amount: number } | { kind: 'spend'; amount: number; pending: boolean } | { kind: 'yearEnd' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('earn' as const), amount: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 80 }), pending: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'yearEnd' as const }) },
);

describe.each(await testDialects())('points expiry, oldest first, on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('property: expiry takes what is left of the oldest years; balances and schedules equal the model', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
      run++;
      const v = fx.ids.v1;
      const h = await fx.addHousehold(v, `e${dialect.slice(0, 1)}${run}`);
      const tx = <T>(fn: Parameters<typeof writeTransaction<T>>[1]) => writeTransaction(fx.deps, fn);
      const base = { townshipId: fx.ids.t1, villageId: v, actorId: 'test', unit: 'points' as const };
      // The model: lots oldest first.
      const lots: { year: number; amount: number }[] = [];
      const available = () => lots.reduce((s, l) => s + l.amount, 0);
      let year = 2024;
      let expiredTotal = 0;
      for (const [i, s] of steps.entries()) {
        const at = `${year}-06-${String(1 + (i % 28)).padStart(2, '0')}T04:00:00.000Z`;
        const key = `exp-${dialect}-${run}-${i}`;
        if (s.kind === 'earn') {
          await tx((trx) => postTransfer(trx, { ...base, idempotencyKey: key, kind: 'entry.issue', at, legs: [{ account: householdPoints(h), amount: s.amount }, { account: villagePointsPool(v), amount: -s.amount }] }));
          const last = lots[lots.length - 1];
          if (last?.year === year) last.amount += s.amount; else lots.push({ year, amount: s.amount });
        } else if (s.kind === 'spend') {
          const attempt = tx((trx) => postTransfer(trx, {
            ...base, idempotencyKey: key, kind: 'shop.reserve', at, status: s.pending ? 'pending' : 'posted',
            legs: [{ account: householdPoints(h), amount: -s.amount }, { account: pointsRedeemed(v), amount: s.amount }],
          }));
          if (s.amount > available()) {
            await expect(attempt).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT');
          } else {
            await attempt;
            let left = s.amount;
            while (left > 0) { const take = Math.min(left, lots[0].amount); lots[0].amount -= take; left -= take; if (lots[0].amount === 0) lots.shift(); }
          }
        } else {
          // The end of `year`: what is left of every earlier year expires (the current year's lot lives one more year).
          const due = lots.filter((l) => l.year < year).reduce((sum, l) => sum + l.amount, 0);
          const endAt = `${year}-12-31T17:00:00.000Z`;
          expect(await tx((trx) => expireHousehold(trx, h, year, endAt))).toBe(due);
          expect(await tx((trx) => expireHousehold(trx, h, year, endAt))).toBe(0); // once per year
          expiredTotal += due;
          for (let k = lots.length - 1; k >= 0; k--) if (lots[k].year < year) lots.splice(k, 1);
          year++;
        }
        // After every step: the available balance, and the schedule the household sees, oldest first.
        expect((await balancesOf(fx.deps.db, householdPoints(h))).available).toBe(available());
        expect(await expirySchedule(fx.deps.db, h)).toEqual(lots.map((l) => ({ earnedYear: l.year, amount: l.amount, expiresOn: expiresOnOf(l.year) })));
      }
      // Expired points went to the village's expired account (shared by every run in this village).
      expect((await balancesOf(fx.deps.db, pointsExpired(v))).posted).toBeGreaterThanOrEqual(expiredTotal);
    }), { numRuns: dialect === 'postgres' ? 25 : 40 });
  });
});
