// SQL of the roster edits made in the field (household.create, person.create, person.remove,
// person.move, the ID number of person.update): server/sync/apply-roster.ts. Callers pass the
// batch's write transaction. Every lookup is by primary key or by the (village_id, household_no)
// unique index.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';

type Trx = Kysely<Database>;

export interface HouseholdBrief { id: string; villageId: string; householdNo: string; status: string; deleted: boolean }

/** A household, deleted or not, locked on PostgreSQL. */
export async function findHouseholdBrief(trx: Trx, dialect: Dialect, id: string): Promise<HouseholdBrief | null> {
  const r = await trx.selectFrom('households').select(['id', 'village_id', 'household_no', 'status', 'deleted'])
    .where('id', '=', id).$if(dialect === 'postgres', (q) => q.forUpdate()).executeTakeFirst();
  return r ? { id: r.id, villageId: r.village_id, householdNo: r.household_no, status: r.status, deleted: r.deleted === 1 } : null;
}

export async function householdNoTaken(trx: Trx, villageId: string, householdNo: string): Promise<boolean> {
  const r = await trx.selectFrom('households').select('id')
    .where('village_id', '=', villageId).where('household_no', '=', householdNo).executeTakeFirst();
  return r !== undefined;
}

/** The village's household numbers (read from the unique index; a village has a few hundred). */
export async function householdNosOf(trx: Trx, villageId: string): Promise<string[]> {
  const rows = await trx.selectFrom('households').select('household_no').where('village_id', '=', villageId).execute();
  return rows.map((r) => r.household_no);
}

export interface NewHousehold {
  id: string; villageId: string; householdNo: string; groupNo: number; headName: string; phone: string | null; now: string;
}

export async function insertHousehold(trx: Trx, h: NewHousehold): Promise<void> {
  await trx.insertInto('households').values({
    id: h.id, village_id: h.villageId, household_no: h.householdNo, group_no: h.groupNo, head_name: h.headName,
    phone: h.phone, status: 'active', consent_public: 0, version: 1, deleted: 0, created_at: h.now, updated_at: h.now,
  }).execute();
}

export interface StoredId { idHash: string; idLast4: string; idCipher: string }

export interface NewPerson {
  id: string; householdId: string; villageId: string; name: string; relation: string; birthYear: number | null;
  isMinor: boolean; phone: string | null; storedId: StoredId | null; now: string;
}

export async function insertPerson(trx: Trx, p: NewPerson): Promise<void> {
  await trx.insertInto('persons').values({
    id: p.id, household_id: p.householdId, village_id: p.villageId, name: p.name, relation: p.relation,
    birth_year: p.birthYear, is_minor: p.isMinor ? 1 : 0, phone: p.phone,
    id_hash: p.storedId?.idHash ?? null, id_last4: p.storedId?.idLast4 ?? null, id_cipher: p.storedId?.idCipher ?? null,
    version: 1, deleted: 0, created_at: p.now, updated_at: p.now,
  }).execute();
}

export interface PersonBrief { id: string; villageId: string; householdId: string; version: number; deleted: boolean; idHash: string | null }

/** A person, deleted or not, locked on PostgreSQL. */
export async function findPersonBrief(trx: Trx, dialect: Dialect, id: string): Promise<PersonBrief | null> {
  const r = await trx.selectFrom('persons').select(['id', 'village_id', 'household_id', 'version', 'deleted', 'id_hash'])
    .where('id', '=', id).$if(dialect === 'postgres', (q) => q.forUpdate()).executeTakeFirst();
  return r ? { id: r.id, villageId: r.village_id, householdId: r.household_id, version: r.version, deleted: r.deleted === 1, idHash: r.id_hash } : null;
}

export async function markPersonRemoved(trx: Trx, id: string, version: number, now: string): Promise<void> {
  await trx.updateTable('persons').set({ deleted: 1, version, updated_at: now }).where('id', '=', id).execute();
}

export async function setPersonHousehold(trx: Trx, id: string, householdId: string, version: number, now: string): Promise<void> {
  await trx.updateTable('persons').set({ household_id: householdId, version, updated_at: now }).where('id', '=', id).execute();
}

/** Writes (or, with null, removes) a person's stored ID number. */
export async function setPersonId(trx: Trx, id: string, stored: StoredId | null, version: number, now: string): Promise<void> {
  await trx.updateTable('persons').set({
    id_hash: stored?.idHash ?? null, id_last4: stored?.idLast4 ?? null, id_cipher: stored?.idCipher ?? null, version, updated_at: now,
  }).where('id', '=', id).execute();
}
