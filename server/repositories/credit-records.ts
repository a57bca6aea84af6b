// SQL of the credit mutations (field-entry): credit_records and credit_record_events.
// Free functions taking the transaction first; every read is by primary key or by an index of
// migrations/0008_credit_records.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

type Q = Kysely<Database>;

export interface CreditRecordBrief {
  id: string; villageId: string; householdId: string; recorderId: string; state: string; contentHash: string;
}

export async function findCreditRecord(q: Q, id: string): Promise<CreditRecordBrief | null> {
  const r = await q.selectFrom('credit_records')
    .select(['id', 'village_id', 'household_id', 'recorder_id', 'state', 'content_hash'])
    .where('id', '=', id).executeTakeFirst();
  return r ? {
    id: r.id, villageId: r.village_id, householdId: r.household_id, recorderId: r.recorder_id, state: r.state, contentHash: r.content_hash,
  } : null;
}

export interface NewCreditRecord {
  id: string; villageId: string; householdId: string; personId: string | null; kind: string; source: string;
  occurredOn: string; documentNo: string; note: string; recorderId: string; deviceId: string; contentHash: string;
  clientCreatedAt: string; now: string;
}

export async function insertCreditRecord(q: Q, r: NewCreditRecord): Promise<void> {
  await q.insertInto('credit_records').values({
    id: r.id, village_id: r.villageId, household_id: r.householdId, person_id: r.personId, kind: r.kind, source: r.source,
    occurred_on: r.occurredOn, document_no: r.documentNo, note: r.note, state: 'submitted', recorder_id: r.recorderId,
    device_id: r.deviceId, content_hash: r.contentHash, client_created_at: r.clientCreatedAt, created_at: r.now, updated_at: r.now,
  }).execute();
}

/** Moves a record from one state to another; false when it was not in `from` any more. */
export async function setCreditRecordState(q: Q, id: string, from: string, to: string, now: string): Promise<boolean> {
  const r = await q.updateTable('credit_records').set({ state: to, updated_at: now })
    .where('id', '=', id).where('state', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertCreditRecordEvent(q: Q, e: {
  id: string; recordId: string; villageId: string; from: string | null; to: string; actorId: string; reason: string; at: string;
}): Promise<void> {
  await q.insertInto('credit_record_events').values({
    id: e.id, record_id: e.recordId, village_id: e.villageId, from_state: e.from, to_state: e.to, actor_id: e.actorId, reason: e.reason, at: e.at,
  }).execute();
}

/** Rows for the pull (the phone's CreditRecordDto), by id. */
export async function creditRecordsByIds(q: Q, ids: readonly string[]) {
  return q.selectFrom('credit_records')
    .select(['id', 'village_id', 'household_id', 'person_id', 'kind', 'source', 'occurred_on', 'document_no', 'note', 'recorder_id', 'state', 'created_at'])
    .where('id', 'in', ids).execute();
}
