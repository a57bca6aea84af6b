// Ending public-notice windows: publicized entries without a pending objection become effective
// (domain.md "Entry life cycle"). Runs on a timer (main.ts) and before entries are read, so that a
// household never sees a stale "待生效" after its window has closed.
import { writeTransaction, type TransactionDeps } from '../../db/transaction';
import { closeNotice, listDueNotices, lockOpenNotice } from '../../repositories/notices';
import { listEntryIdsOfNotice } from '../../repositories/entries';
import { SYSTEM_ACTOR, transitionEntries } from '../../repositories/entry-events';

/** Settles every due notice (optionally of one village); returns how many entries became effective. */
export async function settleDueNotices(deps: TransactionDeps, now: Date, villageId?: string): Promise<number> {
  const at = now.toISOString();
  const due = await listDueNotices(deps.db, at, villageId);
  let settled = 0;
  for (const notice of due) {
    // One transaction per notice: a big township settles in small steps, and one failure does not
    // hold back the others.
    settled += await writeTransaction(deps, async (trx) => {
      if (!(await lockOpenNotice(trx, notice.id))) return 0; // someone else settled it meanwhile
      // Objected entries stay where they are until the objection is resolved.
      const ids = await listEntryIdsOfNotice(trx, notice.id, 'publicized');
      await transitionEntries(trx, {
        villageId: notice.villageId, entryIds: ids, from: 'publicized', event: 'settle', actor: 'system',
        actorId: SYSTEM_ACTOR, reason: '公示期满无异议', at,
      });
      await closeNotice(trx, notice.id);
      return ids.length;
    });
  }
  return settled;
}

export const settleNotices = settleDueNotices;
