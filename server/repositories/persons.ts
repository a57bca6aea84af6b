// SQL of person.update: the person's editable fields (their per-field versions: ./field-versions.ts;
// conflicts: insertSyncConflicts in ./households.ts). Callers pass the write transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';

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
