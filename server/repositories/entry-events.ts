// The entry history (entry_events) and the state changes that write it.
// A first approval of a deduction is recorded as an event submitted → submitted by the approver:
// the entry waits for a second, different approver (domain.md: deductions need two approvers).
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import type { EntryState } from '../../shared/domain/entry-state';
import { recordChanges } from '../db/changes';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { transition, type EntryEventKind, type TransitionActor } from '../../shared/domain/entry-transitions';
import { AppError } from '../http/errors';
import { applyTransitionTally, loadTallyFacts } from './tallies';
import { postEffectiveEntries, reverseEntries } from './points';

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
  /** The arrow of the shared transition table (shared/domain/entry-transitions.ts); it decides `to`. */
  event: EntryEventKind;
  /** Who draws it, as the table knows actors; `actorId` is the user (or SYSTEM_ACTOR). */
  actor: TransitionActor;
  actorId: string;
  reason: string;
  at: string;
  noticeId?: string;
}

/**
 * Moves entries of one village along one arrow of the transition table, with an event per entry,
 * the reason kept on the entry (state_reason: phones and the household read why), and a change
 * row per entry (so phones learn of it on their next pull), all in the caller's transaction.
 * Only rows still in `from` move; the caller has locked and checked them. An arrow the table does
 * not have is refused here too (409), whoever calls. Returns the state the entries went to.
 *
 * Reversals (domain.md: effective → reversed only by a new reversing entry): when entries become
 * effective, the entries they reverse become `reversed` in the same transaction.
 */
export async function transitionEntries(trx: Queryable, t: Transition): Promise<EntryState> {
  const r = transition(t.from, t.event, t.actor);
  if (!r.ok) throw new AppError(r.code === 'invalid_state' ? 409 : 403, r.code, r.message);
  const to = r.to;
  if (t.entryIds.length === 0) return to;
  // What the tallies need, read before the update (its updated_at is the approval time).
  const facts = await loadTallyFacts(trx, t.entryIds, t.from);
  for (let i = 0; i < t.entryIds.length; i += 400) {
    const ids = t.entryIds.slice(i, i + 400);
    await trx
      .updateTable('entries')
      .set({ state: to, state_reason: t.reason, updated_at: t.at, ...(t.noticeId ? { notice_id: t.noticeId } : {}) })
      .where('id', 'in', ids)
      .where('state', '=', t.from)
      .execute();
  }
  await insertEvents(trx, t.entryIds.map((entryId) => ({
    entryId, villageId: t.villageId, fromState: t.from, toState: to, actorId: t.actorId, reason: t.reason, at: t.at,
  })));
  await recordChanges(trx, scopeOfVillage(t.villageId), 'entry', t.entryIds);
  // After the change counter's lock (recordChanges), as the tallies' recomputation locks it too.
  await applyTransitionTally(trx, facts, to, t.at);
  // The ledger (issue 8): effective entries post their points, reversed ones are undone.
  if (to === 'effective') await postEffectiveEntries(trx, t.entryIds, t.at);
  if (to === 'reversed') await reverseEntries(trx, t.entryIds, t.at);
  if (to === 'effective') await reverseOriginals(trx, t);
  return to;
}

/** The originals of reversing entries that just became effective: effective → reversed. */
async function reverseOriginals(trx: Queryable, t: Transition): Promise<void> {
  const originals: string[] = [];
  for (let i = 0; i < t.entryIds.length; i += 400) {
    const rows = await trx.selectFrom('entries').select('reverses')
      .where('id', 'in', t.entryIds.slice(i, i + 400)).where('reverses', 'is not', null).execute();
    for (const row of rows) if (row.reverses) originals.push(row.reverses);
  }
  if (originals.length === 0) return;
  const live = await trx.selectFrom('entries').select(['id', 'village_id'])
    .where('id', 'in', originals).where('state', '=', 'effective').orderBy('id').execute();
  const byVillage = new Map<string, string[]>();
  for (const row of live) byVillage.set(row.village_id, [...(byVillage.get(row.village_id) ?? []), row.id]);
  for (const [villageId, entryIds] of byVillage) {
    await transitionEntries(trx, {
      villageId, entryIds, from: 'effective', event: 'reverse', actor: 'system', actorId: SYSTEM_ACTOR,
      reason: '冲正记录已生效', at: t.at,
    });
  }
}
