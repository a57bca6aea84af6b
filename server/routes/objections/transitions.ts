// The entry transitions that objections drive, one function each (domain.md "Entry life cycle"),
// so that they can be switched to the shared transition table in one place. Each checks the state
// it leaves (409 invalid_state otherwise) and writes an entry_events row and a change-log row
// (transitionEntries), inside the caller's transaction.
import type { WriteTrx } from '../../db/transaction';
import type { EntryState } from '../../../shared/domain/entry-state';
import { conflict } from '../../http/errors';
import { insertEvents, transitionEntries } from '../../repositories/entry-events';
import { recordChanges } from '../../db/changes';
import { scopeOfVillage } from '../../../shared/protocol/sync';
import { insertReplacementEntry, type EntryOnNotice } from '../../repositories/objections';
import { applyTallyDelta } from '../../repositories/tallies';

const STATE_ZH: Record<string, string> = {
  submitted: '待审核', approved: '已审核', rejected: '已驳回', returned: '已退回', publicized: '公示中', objected: '有异议',
  effective: '已生效', amended: '已更正', reversed: '已冲正', withdrawn: '已撤回',
};

function assertState(entry: EntryOnNotice, allowed: readonly EntryState[], action: string): void {
  if (!allowed.includes(entry.state as EntryState)) {
    throw conflict('invalid_state', `该记录当前状态为「${STATE_ZH[entry.state] ?? entry.state}」，不能${action}`);
  }
}

interface By { actorId: string; reason: string; at: string }

/** publicized → objected (an objection was filed). An entry already objected stays so. */
export async function markObjected(trx: WriteTrx, entry: EntryOnNotice, by: By): Promise<void> {
  assertState(entry, ['publicized', 'objected'], '提出异议');
  if (entry.state === 'objected') return;
  await transitionEntries(trx, { villageId: entry.villageId, entryIds: [entry.id], from: 'publicized', event: 'object', actor: 'objector', ...by });
}

/** objected → rejected (objection upheld). */
export async function rejectUpheld(trx: WriteTrx, entry: EntryOnNotice, by: By): Promise<void> {
  assertState(entry, ['objected'], '处理异议');
  await transitionEntries(trx, { villageId: entry.villageId, entryIds: [entry.id], from: 'objected', event: 'uphold', actor: 'committee', ...by });
}

/** objected → publicized (dismissed while the window runs) or → effective (dismissed after it closed). */
export async function restoreDismissed(trx: WriteTrx, entry: EntryOnNotice, to: 'publicized' | 'effective', by: By): Promise<void> {
  assertState(entry, ['objected'], '处理异议');
  await transitionEntries(trx, { villageId: entry.villageId, entryIds: [entry.id], from: 'objected', event: to === 'effective' ? 'dismiss' : 'reinstate', actor: 'committee', ...by });
}

/** objected → amended, and a new entry (null → publicized | effective) for the corrected points. */
export async function replaceAmended(trx: WriteTrx, entry: EntryOnNotice, r: { newId: string; points: number; state: 'publicized' | 'effective' } & By): Promise<void> {
  assertState(entry, ['objected'], '处理异议');
  await transitionEntries(trx, { villageId: entry.villageId, entryIds: [entry.id], from: 'objected', event: 'amend', actor: 'committee', actorId: r.actorId, reason: r.reason, at: r.at });
  const note = `异议更正：原 ${entry.points} 分改为 ${r.points} 分。${r.reason}`.slice(0, 500);
  await insertReplacementEntry(trx, { id: r.newId, old: entry, points: r.points, note, state: r.state, recorderId: r.actorId, at: r.at });
  // The new entry counts from its first state on, like any entry the tallies see arrive.
  await applyTallyDelta(trx, [{
    entry: { id: r.newId, villageId: entry.villageId, householdId: entry.householdId, points: r.points, occurredOn: entry.occurredOn, createdAt: r.at },
    from: null, to: r.state, at: r.at,
  }]);
  await insertEvents(trx, [{ entryId: r.newId, villageId: entry.villageId, fromState: null, toState: r.state, actorId: r.actorId, reason: `更正记录 ${entry.id}：${r.reason}`, at: r.at }]);
  await recordChanges(trx, scopeOfVillage(entry.villageId), 'entry', [r.newId]);
}
