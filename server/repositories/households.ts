// Households and persons as staff and residents read them. Persons carry only the last 4
// characters of an ID number (guardrail 6): the clear number never leaves the database layer.
import type { Queryable } from './queryable';
import { bool } from './queryable';
import type { HouseholdDto, PersonDto } from '../../shared/protocol/tables';

type HouseholdRow = {
  id: string; village_id: string; household_no: string; group_no: number; head_name: string;
  phone: string | null; status: string; consent_public: number; version: number;
};
const HOUSEHOLD_COLS = ['id', 'village_id', 'household_no', 'group_no', 'head_name', 'phone', 'status', 'consent_public', 'version'] as const;

const toHousehold = (r: HouseholdRow): HouseholdDto => ({
  id: r.id, villageId: r.village_id, householdNo: r.household_no, groupNo: r.group_no, headName: r.head_name,
  phone: r.phone, status: r.status, consentPublic: bool(r.consent_public), version: r.version,
});

export async function listHouseholdsOfVillage(db: Queryable, villageId: string): Promise<HouseholdDto[]> {
  const rows = await db.selectFrom('households').select(HOUSEHOLD_COLS).where('village_id', '=', villageId).where('deleted', '=', 0)
    .orderBy('group_no').orderBy('household_no').execute();
  return rows.map(toHousehold);
}

export async function listHouseholdsOfVillages(db: Queryable, villageIds: readonly string[]): Promise<HouseholdDto[]> {
  if (villageIds.length === 0) return [];
  const rows = await db.selectFrom('households').select(HOUSEHOLD_COLS).where('village_id', 'in', [...villageIds]).where('deleted', '=', 0).execute();
  return rows.map(toHousehold);
}

export async function findHousehold(db: Queryable, id: string): Promise<HouseholdDto | null> {
  const row = await db.selectFrom('households').select(HOUSEHOLD_COLS).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst();
  return row ? toHousehold(row) : null;
}

export async function listPersonsOfHousehold(db: Queryable, householdId: string): Promise<PersonDto[]> {
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'household_id', 'village_id', 'name', 'relation', 'birth_year', 'is_minor', 'id_last4', 'version', 'phone'])
    .where('household_id', '=', householdId)
    .where('deleted', '=', 0)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id, householdId: r.household_id, villageId: r.village_id, name: r.name, relation: r.relation,
    birthYear: r.birth_year, isMinor: bool(r.is_minor), idLast4: r.id_last4, version: r.version, phone: r.phone,
  }));
}
