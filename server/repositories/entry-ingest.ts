// SQL of the entry mutations (entry.create, entry.withdraw). Callers pass the write transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';
import type { IndicatorDto } from '../../shared/protocol/tables';
import { insertRows } from './bulk-sql';

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

export type IndicatorRules = Pick<IndicatorDto, 'code' | 'sign' | 'pointsMin' | 'pointsMax' | 'capCount' | 'capPeriod' | 'subject' | 'recorderRoles' | 'evidenceRequired'>;

export async function findIndicator(trx: Trx, catalogVersionId: string, code: string): Promise<IndicatorRules | null> {
  const r = await trx
    .selectFrom('indicators')
    .select(['code', 'sign', 'points_min', 'points_max', 'cap_count', 'cap_period', 'subject', 'recorder_roles', 'evidence_required'])
    .where('catalog_version_id', '=', catalogVersionId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!r) return null;
  return {
    code: r.code, sign: r.sign < 0 ? -1 : 1, pointsMin: r.points_min, pointsMax: r.points_max,
    capCount: r.cap_count, capPeriod: r.cap_period, subject: r.subject === 'person' ? 'person' : 'household',
    recorderRoles: r.recorder_roles.split(',').map((s) => s.trim()).filter(Boolean), evidenceRequired: r.evidence_required === 1,
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

/** Compare-and-set of an entry's state and state reason: false when it was no longer `from`. */
export async function setEntryState(trx: Trx, id: string, from: string, to: string, now: string, reason = ''): Promise<boolean> {
  const r = await trx.updateTable('entries').set({ state: to, state_reason: reason, updated_at: now }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function entryRevision(trx: Trx, id: string): Promise<number | null> {
  const r = await trx.selectFrom('entries').select('revision').where('id', '=', id).executeTakeFirst();
  return r ? r.revision : null;
}

export interface EntryRevise {
  id: string; revision: number; personId: string | null; catalogVersionId: string; indicatorCode: string;
  occurredOn: string; points: number; note: string; now: string; revisionId: string;
  /** The entry.resubmit mutation that replaced this content. */
  mutationId: string;
}

/**
 * entry.resubmit: the entry's current content (and why it was returned) goes to entry_revisions,
 * the corrected content replaces it, revision + 1, state submitted. The caller checked the state
 * and the revision under the batch's locks.
 */
export async function reviseEntry(trx: Trx, r: EntryRevise): Promise<void> {
  const old = await trx.selectFrom('entries')
    .select(['person_id', 'catalog_version_id', 'indicator_code', 'occurred_on', 'points', 'note', 'state_reason'])
    .where('id', '=', r.id).executeTakeFirstOrThrow();
  await trx.insertInto('entry_revisions').values({
    id: r.revisionId, entry_id: r.id, revision: r.revision, person_id: old.person_id, catalog_version_id: old.catalog_version_id,
    indicator_code: old.indicator_code, occurred_on: old.occurred_on, points: old.points, note: old.note,
    state_reason: old.state_reason, replaced_by: r.mutationId, replaced_at: r.now,
  }).execute();
  const u = await trx.updateTable('entries').set({
    person_id: r.personId, catalog_version_id: r.catalogVersionId, indicator_code: r.indicatorCode, occurred_on: r.occurredOn,
    points: r.points, note: r.note, state: 'submitted', state_reason: '', revision: r.revision + 1, basis_kind: null, basis_text: null,
    updated_at: r.now,
  }).where('id', '=', r.id).where('revision', '=', r.revision).executeTakeFirst();
  if (Number(u.numUpdatedRows) !== 1) throw new Error(`entry ${r.id} changed revision under a lock`);
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

// ---- bulk lookups for a whole batch (server/sync/batch-cache.ts) ----------------------------

/** Stays well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

async function inChunks<T>(ids: readonly string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

/**
 * Live households with village and township, locked on PostgreSQL like findHouseholdForWrite, in
 * id order so that two batches lock shared households in the same order.
 */
export async function findHouseholdsForWrite(trx: Trx, dialect: Dialect, ids: readonly string[]): Promise<HouseholdForWrite[]> {
  const rows = await inChunks([...ids].sort(), (c) => trx
    .selectFrom('households')
    .innerJoin('villages', 'villages.id', 'households.village_id')
    .select(['households.id', 'households.village_id', 'villages.township_id', 'households.status'])
    .where('households.id', 'in', c)
    .where('households.deleted', '=', 0)
    .orderBy('households.id')
    .$if(dialect === 'postgres', (q) => q.forUpdate('households'))
    .execute());
  return rows.map((r) => ({ id: r.id, villageId: r.village_id, townshipId: r.township_id, status: r.status }));
}

/** Entries by id, locked on PostgreSQL (see findEntry), in id order. */
export async function findEntries(trx: Trx, dialect: Dialect, ids: readonly string[]): Promise<EntryBrief[]> {
  const rows = await inChunks([...ids].sort(), (c) => trx
    .selectFrom('entries')
    .select(['id', 'village_id', 'household_id', 'recorder_id', 'state', 'points', 'content_hash'])
    .where('id', 'in', c)
    .orderBy('id')
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .execute());
  return rows.map((r) => ({
    id: r.id, villageId: r.village_id, householdId: r.household_id, recorderId: r.recorder_id,
    state: r.state, points: r.points, contentHash: r.content_hash,
  }));
}

/** Live persons' households (person id → household id). */
export async function findPersonsHouseholds(trx: Trx, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await inChunks(ids, (c) => trx
    .selectFrom('persons').select(['id', 'household_id']).where('id', 'in', c).where('deleted', '=', 0).execute());
  return new Map(rows.map((r) => [r.id, r.household_id]));
}

export async function findCatalogVersions(trx: Trx, ids: readonly string[]): Promise<{ id: string; townshipId: string; status: string }[]> {
  const rows = await inChunks(ids, (c) => trx.selectFrom('catalog_versions').select(['id', 'township_id', 'status']).where('id', 'in', c).execute());
  return rows.map((r) => ({ id: r.id, townshipId: r.township_id, status: r.status }));
}

/** Every indicator of these catalogue versions, keyed `${catalogVersionId}|${code}`. */
export async function findIndicatorsOf(trx: Trx, catalogVersionIds: readonly string[]): Promise<Map<string, IndicatorRules>> {
  const rows = await inChunks(catalogVersionIds, (c) => trx
    .selectFrom('indicators')
    .select(['catalog_version_id', 'code', 'sign', 'points_min', 'points_max', 'cap_count', 'cap_period', 'subject', 'recorder_roles', 'evidence_required'])
    .where('catalog_version_id', 'in', c)
    .execute());
  return new Map(rows.map((r) => [`${r.catalog_version_id}|${r.code}`, {
    code: r.code, sign: r.sign < 0 ? -1 : 1, pointsMin: r.points_min, pointsMax: r.points_max,
    capCount: r.cap_count, capPeriod: r.cap_period, subject: r.subject === 'person' ? 'person' : 'household',
    recorderRoles: r.recorder_roles.split(',').map((s) => s.trim()).filter(Boolean), evidenceRequired: r.evidence_required === 1,
  } satisfies IndicatorRules]));
}

// ---- set-oriented writes of a buffered batch (server/sync/entry-writes.ts) --------------------

export interface NewEntryEvent { id: string; entryId: string; villageId: string; from: string | null; to: string; actorId: string; reason: string; at: string }

/** Rows per multi-row statement: 500 × 19 columns stays under both databases' parameter limits. */
const WRITE_CHUNK = 500;

const ENTRY_COLUMNS = [
  'id', 'village_id', 'household_id', 'person_id', 'catalog_version_id', 'indicator_code', 'occurred_on', 'points', 'note',
  'recorder_id', 'device_id', 'device_seq', 'state', 'reverses', 'notice_id', 'content_hash', 'client_created_at', 'created_at', 'updated_at',
] as const;
const EVENT_COLUMNS = ['id', 'entry_id', 'village_id', 'from_state', 'to_state', 'actor_id', 'reason', 'at'] as const;

/**
 * Inserts entries (with the given state) that the caller looked up in this transaction and did not
 * find. Returns how many went in. SQLite: a plain INSERT (the transaction holds the only write
 * lock, so nobody can have inserted one since; a duplicate would fail the statement). PostgreSQL:
 * ON CONFLICT DO NOTHING, as another transaction may have inserted one of these ids meanwhile.
 */
export async function insertEntries(trx: Trx, dialect: Dialect, rows: readonly { row: NewEntry; state: string; updatedAt: string }[]): Promise<number> {
  const values = rows.map(({ row: e, state, updatedAt }) => [
    e.id, e.villageId, e.householdId, e.personId, e.catalogVersionId, e.indicatorCode, e.occurredOn, e.points, e.note,
    e.recorderId, e.deviceId, e.deviceSeq, state, e.reverses, null, e.contentHash, e.clientCreatedAt, e.now, updatedAt,
  ]);
  if (dialect === 'sqlite') {
    await insertRows(trx, dialect, 'entries', ENTRY_COLUMNS, values, '', WRITE_CHUNK);
    return rows.length;
  }
  const out = await insertRows<{ id: string }>(trx, dialect, 'entries', ENTRY_COLUMNS, values, 'on conflict (id) do nothing returning id', WRITE_CHUNK);
  return out.length;
}

export async function insertEntryEvents(trx: Trx, dialect: Dialect, events: readonly NewEntryEvent[]): Promise<void> {
  const values = events.map((ev) => [ev.id, ev.entryId, ev.villageId, ev.from, ev.to, ev.actorId, ev.reason, ev.at]);
  await insertRows(trx, dialect, 'entry_events', EVENT_COLUMNS, values, '', WRITE_CHUNK);
}

export interface CapRow { id: string; householdId: string; personId: string | null; indicatorCode: string; occurredOn: string; state: string; reverses: string | null }

/**
 * Entries that may count against a cap: of these indicator codes, of these households or persons,
 * occurred in [from, to], in any state (the caller filters, knowing the batch's own changes).
 */
export async function listCapRows(
  trx: Trx, q: { codes: readonly string[]; householdIds: readonly string[]; personIds: readonly string[]; from: string; to: string },
): Promise<CapRow[]> {
  const out: CapRow[] = [];
  const subjects: ['household_id' | 'person_id', readonly string[]][] = [['household_id', q.householdIds], ['person_id', q.personIds]];
  for (const [column, ids] of subjects) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx.selectFrom('entries')
        .select(['id', 'household_id', 'person_id', 'indicator_code', 'occurred_on', 'state', 'reverses'])
        .where(column, 'in', ids.slice(i, i + CHUNK))
        .where('indicator_code', 'in', [...q.codes])
        .where('occurred_on', '>=', q.from)
        .where('occurred_on', '<=', q.to)
        .execute();
      for (const r of rows) {
        out.push({ id: r.id, householdId: r.household_id, personId: r.person_id, indicatorCode: r.indicator_code, occurredOn: r.occurred_on, state: r.state, reverses: r.reverses });
      }
    }
  }
  return out;
}

/** Entries that reverse `entryId`, with their states. */
export async function listReversals(trx: Trx, entryId: string): Promise<{ id: string; state: string }[]> {
  return trx.selectFrom('entries').select(['id', 'state']).where('reverses', '=', entryId).execute();
}

// ---- catalogue in force and the per-recorder-per-day cap (issue 12) -------------------------

/** A township's catalogue versions (a handful) and its per-recorder-per-day cap. */
export async function findTownshipEntryRules(trx: Trx, townshipId: string): Promise<{
  versions: { id: string; version: number; effectiveFrom: string; status: string }[]; recorderDayCap: number | null;
}> {
  const versions = await trx.selectFrom('catalog_versions').select(['id', 'version', 'effective_from', 'status']).where('township_id', '=', townshipId).execute();
  const t = await trx.selectFrom('townships').select('recorder_day_cap').where('id', '=', townshipId).executeTakeFirst();
  return {
    versions: versions.map((v) => ({ id: v.id, version: v.version, effectiveFrom: v.effective_from, status: v.status })),
    recorderDayCap: t?.recorder_day_cap ?? null,
  };
}

/** A recorder's entries on some occurred-on dates (through entries_recorder), in any state. */
export async function listRecorderDayRows(trx: Trx, recorderId: string, dates: readonly string[]): Promise<{ id: string; occurredOn: string; state: string }[]> {
  if (dates.length === 0) return [];
  const rows = await trx.selectFrom('entries').select(['id', 'occurred_on', 'state'])
    .where('recorder_id', '=', recorderId).where('occurred_on', 'in', [...dates]).execute();
  return rows.map((r) => ({ id: r.id, occurredOn: r.occurred_on, state: r.state }));
}

export async function countRecorderDay(trx: Trx, recorderId: string, date: string, states: readonly string[]): Promise<number> {
  const r = await trx.selectFrom('entries').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recorder_id', '=', recorderId).where('occurred_on', '=', date).where('state', 'in', [...states]).executeTakeFirstOrThrow();
  return Number(r.n);
}
