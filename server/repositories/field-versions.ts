// Per-field versions of editable records (household_field_versions, person_field_versions): the
// record's version at which each field last changed, for the field-level merge
// (shared/sync/field-merge.ts). One pair of functions for both tables.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

type Trx = Kysely<Database>;

const TABLES = {
  household: { table: 'household_field_versions', key: 'household_id' },
  person: { table: 'person_field_versions', key: 'person_id' },
} as const;

export type VersionedEntity = keyof typeof TABLES;

/** Field → the record's version at which it last changed. */
export async function listFieldVersions(trx: Trx, entity: VersionedEntity, id: string): Promise<Map<string, number>> {
  const { table, key } = TABLES[entity];
  const { rows } = await sql<{ field: string; version: number }>`
    select field, version from ${sql.table(table)} where ${sql.ref(key)} = ${id}`.execute(trx);
  return new Map(rows.map((r) => [r.field, Number(r.version)]));
}

/** Marks `fields` of the record as changed at `version`. */
export async function setFieldVersions(trx: Trx, entity: VersionedEntity, id: string, fields: readonly string[], version: number): Promise<void> {
  if (fields.length === 0) return;
  const { table, key } = TABLES[entity];
  const values = sql.join(fields.map((field) => sql`(${id}, ${field}, ${version})`));
  await sql`
    insert into ${sql.table(table)} (${sql.ref(key)}, field, version) values ${values}
    on conflict (${sql.ref(key)}, field) do update set version = excluded.version`.execute(trx);
}
