// Due process → ledger: entries that become effective post their points, entries that become
// reversed have their posting reversed (shared/domain/points-ledger.ts). Called by
// transitionEntries (entry-events.ts), in its transaction. Idempotent by key per entry.
import { sql } from 'kysely';
import type { Queryable } from './queryable';
import { balanceOf, getTransferByKey, postTransfer } from './ledger';
import { supportsRowLocks } from './locks';
import { chinaYear, householdPoints, issueLegs, pointsExpired, reversalLegs } from '../../shared/domain/points-ledger';
import { accountKey, expiryDue, remainingLots, type EarnedLot, type RemainingLot } from '../../shared/domain/ledger';

const issueKey = (entryId: string) => `entry.issue:${entryId}`;
const reverseKey = (entryId: string) => `entry.reverse:${entryId}`;

async function entriesWithTownship(trx: Queryable, entryIds: readonly string[]) {
  const out = [];
  for (let i = 0; i < entryIds.length; i += 400) {
    out.push(...await trx.selectFrom('entries').innerJoin('villages', 'villages.id', 'entries.village_id')
      .select(['entries.id', 'entries.household_id', 'entries.village_id', 'entries.points', 'entries.occurred_on', 'entries.reverses', 'villages.township_id'])
      .where('entries.id', 'in', entryIds.slice(i, i + 400)).orderBy('entries.id').execute());
  }
  return out;
}

/**
 * Entries that just became effective: each posts its points (a reversing entry posts nothing of
 * its own: the reversal of its original, when that becomes `reversed`, undoes the original).
 */
export async function postEffectiveEntries(trx: Queryable, entryIds: readonly string[], at: string): Promise<void> {
  for (const e of await entriesWithTownship(trx, entryIds)) {
    if (e.reverses) continue;
    const legs = issueLegs({ id: e.id, householdId: e.household_id, villageId: e.village_id, points: e.points, occurredOn: e.occurred_on });
    if (legs.length === 0) continue;
    await postTransfer(trx, {
      idempotencyKey: issueKey(e.id), kind: e.points > 0 ? 'entry.issue' : 'entry.deduct', unit: 'points', legs,
      townshipId: e.township_id, villageId: e.village_id, memo: e.id, actorId: 'system', at,
    });
  }
}

/** Entries that just became reversed: what each posted is reversed (redeemable claw-back capped at what is left). */
export async function reverseEntries(trx: Queryable, entryIds: readonly string[], at: string): Promise<void> {
  for (const e of await entriesWithTownship(trx, entryIds)) {
    const posted = await getTransferByKey(trx, issueKey(e.id));
    if (!posted) continue;
    const available = await balanceOf(trx, householdPoints(e.household_id), { includePending: true });
    const legs = reversalLegs(posted.legs, available);
    if (legs.length < 2) continue;
    await postTransfer(trx, {
      idempotencyKey: reverseKey(e.id), kind: 'entry.reverse', unit: 'points', legs,
      townshipId: e.township_id, villageId: e.village_id, memo: e.id, actorId: 'system', at,
    });
  }
}

// ---- expiry (domain.md: redeemable points expire at the end of the year after they were earned,
// oldest first; shared/domain/ledger.ts remainingLots / expiryDue) ------------------------------

/** A household's redeemable credits by the year earned (China time) and what was taken since (posted + reserved). */
export async function earnedAndConsumed(db: Queryable, householdId: string): Promise<{ earned: EarnedLot[]; consumed: number }> {
  const rows = await db.selectFrom('ledger_legs').select(['amount', 'at', 'status'])
    .where('account_id', '=', accountKey(householdPoints(householdId))).where('status', 'in', ['posted', 'pending']).execute();
  const byYear = new Map<number, number>();
  let consumed = 0;
  for (const r of rows) {
    const amount = Number(r.amount);
    if (amount < 0) consumed -= amount;
    else if (r.status === 'posted') byYear.set(chinaYear(r.at), (byYear.get(chinaYear(r.at)) ?? 0) + amount);
  }
  return { earned: [...byYear].map(([year, amount]) => ({ year, amount })), consumed };
}

/** What is left of a household's redeemable points, oldest first, with when each part expires. */
export async function expirySchedule(db: Queryable, householdId: string): Promise<RemainingLot[]> {
  const { earned, consumed } = await earnedAndConsumed(db, householdId);
  return remainingLots(earned, consumed);
}

const expireKey = (householdId: string, endedYear: number) => `points.expire:${householdId}:${endedYear}`;

/**
 * The year-end expiry of one household for `endedYear`: what is left of points earned before it
 * goes to the village's expired account. Idempotent (one key per household and year; a second run
 * finds nothing left to expire). Returns the points expired.
 */
export async function expireHousehold(trx: Queryable, householdId: string, endedYear: number, at: string): Promise<number> {
  if (await getTransferByKey(trx, expireKey(householdId, endedYear))) return 0;
  let lock = trx.selectFrom('ledger_accounts').select('id').where('id', '=', accountKey(householdPoints(householdId)));
  if (supportsRowLocks(trx)) lock = lock.forUpdate();
  if (!(await lock.executeTakeFirst())) return 0;
  const { earned, consumed } = await earnedAndConsumed(trx, householdId);
  const due = expiryDue(earned, consumed, endedYear);
  if (due <= 0) return 0;
  const h = await trx.selectFrom('households').innerJoin('villages', 'villages.id', 'households.village_id')
    .select(['households.village_id', 'villages.township_id']).where('households.id', '=', householdId).executeTakeFirstOrThrow();
  await postTransfer(trx, {
    idempotencyKey: expireKey(householdId, endedYear), kind: 'points.expire', unit: 'points',
    legs: [{ account: householdPoints(householdId), amount: -due }, { account: pointsExpired(h.village_id), amount: due }],
    townshipId: h.township_id, villageId: h.village_id, memo: `${endedYear}年底到期`, actorId: 'system', at,
  });
  return due;
}

/** Whether the year-end expiry of `year` has run to its end (points_expiry_runs). */
export async function isExpiryRunDone(db: Queryable, year: number): Promise<boolean> {
  return (await db.selectFrom('points_expiry_runs').select('year').where('year', '=', year).executeTakeFirst()) !== undefined;
}

/** Households with a redeemable account, in id order after `after` (the expiry job pages through them). */
export async function householdsWithPoints(db: Queryable, after: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('ledger_accounts').select('owner_id').where('kind', '=', 'household_points')
    .where('owner_id', '>', after).orderBy('owner_id').limit(limit).execute();
  return rows.map((r) => r.owner_id);
}

/** Village ids after `after`, in order, a page at a time: the backfill walks the ledger village by village. */
export async function villageIdsAfter(db: Queryable, after: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('villages').select('id').where('id', '>', after).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/**
 * One village's effective entries that have not posted to the ledger yet (written before the
 * ledger existed, or by a seed straight into their state), oldest first: the backfill job posts
 * them. Read through entries_village_state, so a step costs one village's effective entries
 * (a few ms at Pingdu density), never the whole ledger: without the village the same question read
 * all 6.5 M entries and sorted them, 13 s per batch of 100 on the event loop.
 */
export async function unpostedEffectiveEntries(db: Queryable, villageId: string, limit: number): Promise<{ id: string; updatedAt: string }[]> {
  const rows = await db.selectFrom('entries')
    .leftJoin('ledger_transfers', (j) => j.on(sql`ledger_transfers.idempotency_key`, '=', sql`'entry.issue:' || entries.id`))
    .select(['entries.id', 'entries.updated_at'])
    .where('entries.village_id', '=', villageId).where('entries.state', '=', 'effective')
    .where('entries.reverses', 'is', null).where('entries.points', '!=', 0)
    .where('ledger_transfers.id', 'is', null)
    .orderBy('entries.updated_at').orderBy('entries.id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at }));
}
