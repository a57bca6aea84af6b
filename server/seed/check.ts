// Invariants every seeded database must satisfy, shared by the seed tests: the pull log is
// complete (one change per entity, in the entity's own scope, counters at the max) and no ID
// number is stored in clear anywhere.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { validateIdNumber } from '../../shared/validation/id-number';

/** Entity name in `changes` → its table and the column that names its scope. */
const PULLED = [
  { entity: 'village', table: 'villages', scope: `'village:' || t.id` },
  { entity: 'household', table: 'households', scope: `'village:' || t.village_id` },
  { entity: 'person', table: 'persons', scope: `'village:' || t.village_id` },
  { entity: 'entry', table: 'entries', scope: `'village:' || t.village_id` },
  { entity: 'catalogVersion', table: 'catalog_versions', scope: `'township:' || t.township_id` },
  { entity: 'indicator', table: 'indicators', scope: `'township:' || (select cv.township_id from catalog_versions cv where cv.id = t.catalog_version_id)` },
] as const;

/** Problems with the change log, as readable strings; empty when all is well. */
export async function changeLogProblems(db: Kysely<Database>): Promise<string[]> {
  const problems: string[] = [];
  for (const p of PULLED) {
    const { rows } = await sql<{ rows: number; matched: number; changes: number }>`
      select (select count(*) from ${sql.table(p.table)}) as rows,
             (select count(*) from ${sql.table(p.table)} t join changes c
                on c.entity = ${p.entity} and c.entity_id = t.id and c.scope = ${sql.raw(p.scope)}) as matched,
             (select count(*) from changes where entity = ${p.entity}) as changes`.execute(db);
    const r = rows[0];
    if (Number(r.rows) !== Number(r.matched) || Number(r.changes) !== Number(r.rows)) {
      problems.push(`${p.entity}: ${r.rows} rows, ${r.matched} with a change in their scope, ${r.changes} changes`);
    }
  }
  const counters = await sql<{ scope: string; counter: number; max_seq: number | null; n: number }>`
    select 'village:' || v.id as scope, v.change_seq as counter,
           (select max(seq) from changes c where c.scope = 'village:' || v.id) as max_seq,
           (select count(*) from changes c where c.scope = 'village:' || v.id) as n
    from villages v
    union all
    select 'township:' || t.id, t.change_seq,
           (select max(seq) from changes c where c.scope = 'township:' || t.id),
           (select count(*) from changes c where c.scope = 'township:' || t.id)
    from townships t`.execute(db);
  for (const c of counters.rows) {
    if (Number(c.counter) !== Number(c.max_seq ?? 0)) problems.push(`${c.scope}: counter ${c.counter} but max seq ${c.max_seq}`);
    if (Number(c.n) !== Number(c.max_seq ?? 0)) problems.push(`${c.scope}: ${c.n} changes numbered up to ${c.max_seq}`);
  }
  return problems;
}

const ID_LIKE = /\d{17}[\dX]/g;

/**
 * Every text value of every table that contains something shaped like a valid GB 11643 number,
 * as 'table.column'. Scans whole tables: for test-sized databases only.
 */
export async function clearIdNumberColumns(db: Kysely<Database>): Promise<string[]> {
  const found = new Set<string>();
  for (const table of await db.introspection.getTables()) {
    const textCols = table.columns.filter((c) => /char|text|clob/i.test(c.dataType)).map((c) => c.name);
    if (textCols.length === 0) continue;
    const { rows } = await sql<Record<string, unknown>>`select ${sql.join(textCols.map((c) => sql.ref(c)))} from ${sql.table(table.name)}`.execute(db);
    for (const row of rows) {
      for (const col of textCols) {
        const v = row[col];
        if (typeof v !== 'string') continue;
        for (const m of v.match(ID_LIKE) ?? []) {
          if (validateIdNumber(m, '9999-12-31').ok) found.add(`${table.name}.${col}`);
        }
      }
    }
  }
  return [...found];
}
