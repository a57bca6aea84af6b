// Background work of the ledger and the points shop (server/jobs/runner.ts):
// - points-expiry: the year-end run. Once a year has ended (China time), every household's points
//   earned before it and still left expire, oldest first; one transaction per household, each
//   idempotent (a key per household and year), then the year is marked done. A run killed
//   half-way is taken up again by the next one and finds fewer households with anything left.
// - shop-void-lapsed: reservations older than 30 days are voided (points and stock released).
// - ledger-backfill: effective entries that never posted (older than the ledger, or seeded straight
//   into their state) post now, dated when they became effective; idempotent by entry.
import { writeTransaction, type TransactionDeps } from '../db/transaction';
import type { JobSpec } from './runner';
import { expireHousehold, householdsWithPoints, isExpiryRunDone, postEffectiveEntries, unpostedEffectiveEntries, villageIdsAfter } from '../repositories/points';
import { endRedemption, listLapsedReservations } from '../repositories/shop';
import { chinaYear } from '../../shared/domain/points-ledger';
import { log } from '../ops/log';

const PAGE = 500;

/** Expires everything due at the end of `endedYear`; returns households and points expired. */
export async function runYearEndExpiry(deps: TransactionDeps, endedYear: number, now: Date): Promise<{ households: number; points: number; skipped: boolean }> {
  if (await isExpiryRunDone(deps.db, endedYear)) return { households: 0, points: 0, skipped: true };
  const at = now.toISOString();
  let after = '';
  let households = 0;
  let points = 0;
  for (;;) {
    const page = await householdsWithPoints(deps.db, after, PAGE);
    if (page.length === 0) break;
    for (const householdId of page) {
      const n = await writeTransaction(deps, (trx) => expireHousehold(trx, householdId, endedYear, at));
      if (n > 0) { households++; points += n; }
    }
    after = page[page.length - 1];
  }
  await writeTransaction(deps, (trx) => trx.insertInto('points_expiry_runs')
    .values({ year: endedYear, expired_households: households, expired_points: points, finished_at: at })
    .onConflict((oc) => oc.column('year').doNothing()).execute());
  log().info({ year: endedYear, households, points }, 'points expiry run finished');
  return { households, points, skipped: false };
}

/** Voids reservations past their 30 days (each in its own transaction); returns how many. */
export async function voidLapsedReservations(deps: TransactionDeps, now: Date, limit = 500): Promise<number> {
  const at = now.toISOString();
  let n = 0;
  for (const id of await listLapsedReservations(deps.db, at, limit)) {
    const changed = await writeTransaction(deps, (trx) => endRedemption(trx, { redemptionId: id, to: 'voided', reason: '超过30天未领取，自动作废', actorId: 'system', at }));
    if (changed) n++;
  }
  return n;
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Posts every effective entry that has not posted yet, village by village in batches of 100 per
 * transaction, giving way to requests between steps (SQLite calls block the event loop: a run
 * at start-up must not keep the server from answering). A pass over Pingdu's 1,788 villages is
 * ≈ 1,800 indexed reads of ≈ 4 ms each. Returns how many entries posted.
 */
export async function backfillEffectiveEntries(deps: TransactionDeps): Promise<number> {
  let posted = 0;
  let after = '';
  for (;;) {
    const villages = await villageIdsAfter(deps.db, after, 100);
    if (villages.length === 0) return posted;
    for (const villageId of villages) {
      for (;;) {
        const batch = await unpostedEffectiveEntries(deps.db, villageId, 100);
        if (batch.length === 0) break;
        await writeTransaction(deps, async (trx) => {
          for (const e of batch) await postEffectiveEntries(trx, [e.id], e.updatedAt);
        });
        posted += batch.length;
        await yieldToRequests();
      }
      await yieldToRequests();
    }
    after = villages[villages.length - 1];
  }
}

export function pointsJobs(deps: TransactionDeps): JobSpec[] {
  return [
    {
      name: 'points-expiry', everyMs: 3_600_000, leaseMs: 30 * 60_000,
      run: async (now) => {
        const endedYear = chinaYear(now.toISOString()) - 1;
        if (await isExpiryRunDone(deps.db, endedYear)) return 0;
        // Entries not posted yet must post before a year is closed, or their points would never expire.
        await backfillEffectiveEntries(deps);
        return (await runYearEndExpiry(deps, endedYear, now)).households;
      },
    },
    { name: 'shop-void-lapsed', everyMs: 10 * 60_000, run: (now) => voidLapsedReservations(deps, now) },
    // Entries that become effective post in the same transaction (settlement, review); what this
    // finds is older than the ledger or seeded straight into its state, so after the first pass
    // there is rarely anything left. Every 6 hours, not every few minutes: a pass over Pingdu's
    // villages is ≈ 1,800 indexed reads on the server's event loop.
    { name: 'ledger-backfill', everyMs: 6 * 3_600_000, run: () => backfillEffectiveEntries(deps) },
  ];
}
