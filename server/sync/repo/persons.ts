// SQL of person.update: the person's editable fields and their per-field versions. Conflicts go to
// sync_conflicts through insertSyncConflicts (./households.ts). Callers pass the write transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Dialect } from '../../db/connect';

type Trx = Kysely<Database>;

/** The fields a phone may edit (personUpdatePayload), with their server types. */
export interface PersonFields {
  name: string; relation: string; birthYear: number | null; phone: string | null;
}
export type PersonField = keyof PersonFields;

export interface PersonRecord { id: string; villageId: string; householdId: string; version: number; fields: PersonFields }

/** The live person, locked on PostgreSQL (read, merge, write back). */
export async function findPersonRecord(trx: Trx, dialect: Dialect, id: string): Promise<PersonRecord | null> {
  const r = await trx
    .selectFrom('persons')
    .select(['id', 'village_id', 'household_id', 'version', 'name', 'relation', 'birth_year', 'phone'])
    .where('id', '=', id)
    .where('deleted', '=', 0)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id, villageId: r.village_id, householdId: r.household_id, version: r.version,
    fields: { name: r.name, relation: r.relation, birthYear: r.birth_year, phone: r.phone },
  };
}

/** Field → person version at which it last changed. */
export async function listPersonFieldVersions(trx: Trx, personId: string): Promise<Map<string, number>> {
  const rows = await trx.selectFrom('person_field_versions').select(['field', 'version']).where('person_id', '=', personId).execute();
  return new Map(rows.map((r) => [r.field, r.version]));
}

export async function updatePersonFields(
  trx: Trx, id: string, fields: Partial<PersonFields>, version: number, now: string,
): Promise<void> {
  await trx
    .updateTable('persons')
    .set({
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.relation !== undefined ? { relation: fields.relation } : {}),
      ...(fields.birthYear !== undefined ? { birth_year: fields.birthYear } : {}),
      ...(fields.phone !== undefined ? { phone: fields.phone } : {}),
      version,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function setPersonFieldVersions(trx: Trx, personId: string, fields: readonly string[], version: number): Promise<void> {
  if (fields.length === 0) return;
  await trx
    .insertInto('person_field_versions')
    .values(fields.map((field) => ({ person_id: personId, field, version })))
    .onConflict((oc) => oc.columns(['person_id', 'field']).doUpdateSet({ version }))
    .execute();
}
