// The entry history (entry_events) and the state changes that write it.
// A first approval of a deduction is recorded as an event submitted → submitted by the approver:
// the entry waits for a second, different approver (domain.md: deductions need two approvers).
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import type { EntryState } from '../../shared/domain/entry-state';
import { recordChanges } from '../db/changes';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { applyTransitionTally, loadTallyFacts } from './tallies';

/** Actor of changes the server makes on its own (a notice window ending). */
export const SYSTEM_ACTOR = 'system';

export interface EntryEventDto { id: string; entryId: string; fromState: EntryState | null; toState: EntryState; reason: string; at: string; actorId: string }

export async function insertEvents(
  db: Queryable,
  events: readonly { entryId: string; villageId: string; fromState: EntryState | null; toState: EntryState; actorId: string; reason: string; at: string }[],
): Promise<void> {
  if (events.length === 0) return;
  for (let i = 0; i < events.length; i += 400) {
    await db.insertInto('entry_events').values(events.slice(i, i + 400).map((e) => ({
      id: uuidv7(), entry_id: e.entryId, village_id: e.villageId, from_state: e.fromState, to_state: e.toState,
      actor_id: e.actorId, reason: e.reason, at: e.at,
    }))).execute();
  }
}

/** Distinct users who have given a (first) approval to an entry still under review. */
export async function listApprovers(db: Queryable, entryId: string): Promise<string[]> {
  const rows = await db.selectFrom('entry_events').select('actor_id').distinct()
    .where('entry_id', '=', entryId).where('from_state', '=', 'submitted').where('to_state', '=', 'submitted').execute();
  return rows.map((r) => r.actor_id);
}

export async function countApprovals(db: Queryable, entryIds: readonly string[]): Promise<Map<string, number>> {
  if (entryIds.length === 0) return new Map();
  const out = new Map<string, number>();
  for (let i = 0; i < entryIds.length; i += 400) {
    const rows = await db
      .selectFrom('entry_events')
      .select((eb) => ['entry_id', eb.fn.count<number>('actor_id').distinct().as('n')])
      .where('entry_id', 'in', entryIds.slice(i, i + 400))
      .where('from_state', '=', 'submitted')
      .where('to_state', '=', 'submitted')
      .groupBy('entry_id')
      .execute();
    for (const r of rows) out.set(r.entry_id, Number(r.n));
  }
  return out;
}

export async function listEventsOfHousehold(db: Queryable, householdId: string): Promise<EntryEventDto[]> {
  const rows = await db
    .selectFrom('entry_events')
    .innerJoin('entries', 'entries.id', 'entry_events.entry_id')
    .select(['entry_events.id', 'entry_events.entry_id', 'entry_events.from_state', 'entry_events.to_state', 'entry_events.reason', 'entry_events.at', 'entry_events.actor_id'])
    .where('entries.household_id', '=', householdId)
    .orderBy('entry_events.at')
    .orderBy('entry_events.id')
    .execute();
  return rows.map((r) => ({
    id: r.id, entryId: r.entry_id, fromState: r.from_state as EntryState | null, toState: r.to_state as EntryState,
    reason: r.reason, at: r.at, actorId: r.actor_id,
  }));
}

export interface Transition {
  villageId: string;
  entryIds: readonly string[];
  from: EntryState;
  to: EntryState;
  actorId: string;
  reason: string;
  at: string;
  noticeId?: string;
}

/**
 * Moves entries of one village from one state to another, with an event per entry and a change
 * row per entry (so phones learn of it on their next pull), all in the caller's transaction.
 * Only rows still in `from` move; the caller has locked and checked them.
 */
export async function transitionEntries(trx: Queryable, t: Transition): Promise<void> {
  if (t.entryIds.length === 0) return;
  // What the tallies need, read before the update (its updated_at is the approval time).
  const facts = await loadTallyFacts(trx, t.entryIds, t.from);
  for (let i = 0; i < t.entryIds.length; i += 400) {
    const ids = t.entryIds.slice(i, i + 400);
    await trx
      .updateTable('entries')
      .set({ state: t.to, updated_at: t.at, ...(t.noticeId ? { notice_id: t.noticeId } : {}) })
      .where('id', 'in', ids)
      .where('state', '=', t.from)
      .execute();
  }
  await insertEvents(trx, t.entryIds.map((entryId) => ({
    entryId, villageId: t.villageId, fromState: t.from, toState: t.to, actorId: t.actorId, reason: t.reason, at: t.at,
  })));
  await recordChanges(trx, scopeOfVillage(t.villageId), 'entry', t.entryIds);
  // After the change counter's lock (recordChanges), as the tallies' recomputation locks it too.
  await applyTransitionTally(trx, facts, t.to, t.at);
}
