// SQL of the entry mutations (entry.create, entry.withdraw). Callers pass the write transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Dialect } from '../../db/connect';
import type { IndicatorDto } from '../../../shared/protocol/tables';

type Trx = Kysely<Database>;

export interface HouseholdForWrite { id: string; villageId: string; townshipId: string; status: string }

/**
 * The live household with its village and township. On PostgreSQL the household row is locked
 * (FOR UPDATE) so that writes to one household (cap counts, field merges) run one at a time;
 * SQLite's IMMEDIATE transaction already excludes other writers and has no FOR UPDATE.
 */
export async function findHouseholdForWrite(trx: Trx, dialect: Dialect, id: string): Promise<HouseholdForWrite | null> {
  const r = await trx
    .selectFrom('households')
    .innerJoin('villages', 'villages.id', 'households.village_id')
    .select(['households.id', 'households.village_id', 'villages.township_id', 'households.status'])
    .where('households.id', '=', id)
    .where('households.deleted', '=', 0)
    .$if(dialect === 'postgres', (q) => q.forUpdate('households'))
    .executeTakeFirst();
  return r ? { id: r.id, villageId: r.village_id, townshipId: r.township_id, status: r.status } : null;
}

export async function findCatalogVersion(trx: Trx, id: string): Promise<{ id: string; townshipId: string; status: string } | null> {
  const r = await trx.selectFrom('catalog_versions').select(['id', 'township_id', 'status']).where('id', '=', id).executeTakeFirst();
  return r ? { id: r.id, townshipId: r.township_id, status: r.status } : null;
}

export type IndicatorRules = Pick<IndicatorDto, 'code' | 'sign' | 'pointsMin' | 'pointsMax' | 'capCount' | 'capPeriod' | 'subject' | 'recorderRoles'>;

export async function findIndicator(trx: Trx, catalogVersionId: string, code: string): Promise<IndicatorRules | null> {
  const r = await trx
    .selectFrom('indicators')
    .select(['code', 'sign', 'points_min', 'points_max', 'cap_count', 'cap_period', 'subject', 'recorder_roles'])
    .where('catalog_version_id', '=', catalogVersionId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!r) return null;
  return {
    code: r.code, sign: r.sign < 0 ? -1 : 1, pointsMin: r.points_min, pointsMax: r.points_max,
    capCount: r.cap_count, capPeriod: r.cap_period, subject: r.subject === 'person' ? 'person' : 'household',
    recorderRoles: r.recorder_roles.split(',').map((s) => s.trim()).filter(Boolean),
  };
}

export async function findPersonHousehold(trx: Trx, personId: string): Promise<string | null> {
  const r = await trx.selectFrom('persons').select('household_id').where('id', '=', personId).where('deleted', '=', 0).executeTakeFirst();
  return r?.household_id ?? null;
}

export interface EntryBrief {
  id: string; villageId: string; householdId: string; recorderId: string; state: string; points: number; contentHash: string;
}

/** Locked on PostgreSQL for the same reason as the household (state changes are compare-and-set anyway). */
export async function findEntry(trx: Trx, dialect: Dialect, id: string): Promise<EntryBrief | null> {
  const r = await trx
    .selectFrom('entries')
    .select(['id', 'village_id', 'household_id', 'recorder_id', 'state', 'points', 'content_hash'])
    .where('id', '=', id)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  return r ? {
    id: r.id, villageId: r.village_id, householdId: r.household_id, recorderId: r.recorder_id,
    state: r.state, points: r.points, contentHash: r.content_hash,
  } : null;
}

/** Entries of one subject (a household, or a person) that use up a slot of the indicator's cap in [from, to]. */
export async function countCapSlots(
  trx: Trx,
  subject: { column: 'household_id' | 'person_id'; id: string },
  indicatorCode: string,
  states: readonly string[],
  from: string,
  to: string,
): Promise<number> {
  const r = await trx
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(subject.column, '=', subject.id)
    .where('indicator_code', '=', indicatorCode)
    .where('state', 'in', [...states])
    .where('occurred_on', '>=', from)
    .where('occurred_on', '<=', to)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Whether a live entry (in one of `states`) already reverses `entryId`. */
export async function hasLiveReversal(trx: Trx, entryId: string, states: readonly string[]): Promise<boolean> {
  const r = await trx.selectFrom('entries').select('id').where('reverses', '=', entryId).where('state', 'in', [...states]).executeTakeFirst();
  return r !== undefined;
}

export interface NewEntry {
  id: string; villageId: string; householdId: string; personId: string | null; catalogVersionId: string;
  indicatorCode: string; occurredOn: string; points: number; note: string; recorderId: string; deviceId: string;
  deviceSeq: number; reverses: string | null; contentHash: string; clientCreatedAt: string; now: string;
}

/** Inserts a submitted entry; false when an entry with this id exists (the caller compares content). */
export async function insertEntry(trx: Trx, e: NewEntry): Promise<boolean> {
  const r = await trx
    .insertInto('entries')
    .values({
      id: e.id, village_id: e.villageId, household_id: e.householdId, person_id: e.personId,
      catalog_version_id: e.catalogVersionId, indicator_code: e.indicatorCode, occurred_on: e.occurredOn,
      points: e.points, note: e.note, recorder_id: e.recorderId, device_id: e.deviceId, device_seq: e.deviceSeq,
      state: 'submitted', reverses: e.reverses, notice_id: null, content_hash: e.contentHash,
      client_created_at: e.clientCreatedAt, created_at: e.now, updated_at: e.now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Compare-and-set of an entry's state: false when it was no longer `from`. */
export async function setEntryState(trx: Trx, id: string, from: string, to: string, now: string): Promise<boolean> {
  const r = await trx.updateTable('entries').set({ state: to, updated_at: now }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertEntryEvent(
  trx: Trx,
  ev: { id: string; entryId: string; villageId: string; from: string | null; to: string; actorId: string; reason: string; at: string },
): Promise<void> {
  await trx.insertInto('entry_events').values({
    id: ev.id, entry_id: ev.entryId, village_id: ev.villageId, from_state: ev.from, to_state: ev.to,
    actor_id: ev.actorId, reason: ev.reason, at: ev.at,
  }).execute();
}
