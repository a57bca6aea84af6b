// Ending public-notice windows: publicized entries without a pending objection become effective
// (domain.md "Entry life cycle"); entries with a pending objection stay `objected` until it is
// resolved (objections/resolve.ts). Runs in the background (the settle-notices job of main.ts,
// never awaited at start-up) and for one village before its entries are read, so that a household
// never sees a stale "待生效" after its window has closed.
//
// In small indexed steps: one notice per transaction (claimed with a conditional UPDATE, so that of
// several server processes exactly one settles it), a bounded number of notices per call.
import { writeTransaction, type TransactionDeps } from '../../db/transaction';
import { claimDueNotice, listDueNotices } from '../../repositories/notices';
import { listEntryIdsOfNotice } from '../../repositories/entries';
import { SYSTEM_ACTOR, transitionEntries } from '../../repositories/entry-events';
import type { WriteTrx } from '../../db/transaction';

export interface SettleOptions {
  /** Only this village's notices (a read of the village settles its own ended windows). */
  villageId?: string;
  /** At most this many notices in this call; the rest wait for the next call. */
  limit?: number;
}

export interface SettleResult { notices: number; entries: number; more: boolean }

/** The transition publicized → effective of one claimed notice's entries, in the caller's transaction. */
export async function makeNoticeEntriesEffective(trx: WriteTrx, notice: { id: string; villageId: string }, at: string): Promise<number> {
  const ids = await listEntryIdsOfNotice(trx, notice.id, 'publicized');
  await transitionEntries(trx, {
    villageId: notice.villageId, entryIds: ids, from: 'publicized', event: 'settle', actor: 'system',
    actorId: SYSTEM_ACTOR, reason: '公示期满无异议', at,
  });
  return ids.length;
}

/** Settles one due notice if no one else has; returns how many entries became effective (null: not ours). */
export async function settleNotice(deps: TransactionDeps, notice: { id: string; villageId: string }, at: string): Promise<number | null> {
  return writeTransaction(deps, async (trx) => {
    if (!(await claimDueNotice(trx, notice.id, at))) return null; // another process settled it
    return makeNoticeEntriesEffective(trx, notice, at);
  });
}

/** Settles due notices (of one village, at most `limit`); says whether more may be waiting. */
export async function settleDue(deps: TransactionDeps, now: Date, opts: SettleOptions = {}): Promise<SettleResult> {
  const at = now.toISOString();
  const due = await listDueNotices(deps.db, at, opts);
  const result: SettleResult = { notices: 0, entries: 0, more: opts.limit !== undefined && due.length >= opts.limit };
  for (const notice of due) {
    const n = await settleNotice(deps, notice, at);
    if (n === null) continue;
    result.notices++;
    result.entries += n;
  }
  return result;
}

/** Settles every due notice (optionally of one village); returns how many entries became effective. */
export async function settleDueNotices(deps: TransactionDeps, now: Date, villageId?: string): Promise<number> {
  return (await settleDue(deps, now, { villageId })).entries;
}

export const settleNotices = settleDueNotices;

/**
 * Settles every due notice, `batch` notices at a time (each in its own transaction): the job
 * runner's run. Stops when nothing more is due, or when a batch settled nothing (the rest is
 * being settled by another process).
 */
export async function settleAllDue(deps: TransactionDeps, now: Date, batch: number): Promise<number> {
  let entries = 0;
  for (;;) {
    const r = await settleDue(deps, now, { limit: batch });
    entries += r.entries;
    if (!r.more || r.notices === 0) return entries;
    // SQLite answers synchronously, so the awaits above never let the event loop run: without
    // this, a start-up with hundreds of ended windows settled them all before it could listen
    // (bench:tally on Pingdu, 2026-12-03: no answer after 6 minutes).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
