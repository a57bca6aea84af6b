// Credit records' photos on the village's phones (issue 7): the pulled creditRecord rows carry
// their photos' hashes (column `evidence`, docs/sync-protocol.md). Phones with a cursor hold the
// records that had photos before this version without them, so those records are logged again
// (upsert) with new change numbers of their village's scope, allocated like server/db/changes.ts
// does, so that a phone's cursor never skips them. No schema change.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const rows = await db.selectFrom('credit_records as r')
    .select(['r.id', 'r.village_id'])
    .where((eb) => eb.exists(eb.selectFrom('credit_record_evidence as cv').select('cv.record_id').whereRef('cv.record_id', '=', 'r.id')))
    .orderBy('r.village_id').orderBy('r.id').execute();
  const byVillage = new Map<string, string[]>();
  for (const r of rows) byVillage.set(r.village_id as string, [...(byVillage.get(r.village_id as string) ?? []), r.id as string]);
  for (const [villageId, ids] of byVillage) {
    const row = await db.updateTable('villages').set((eb: any) => ({ change_seq: eb('change_seq', '+', ids.length) }))
      .where('id', '=', villageId).returning('change_seq').executeTakeFirstOrThrow();
    const first = Number(row.change_seq) - ids.length + 1;
    const scope = `village:${villageId}`;
    for (const [i, id] of ids.entries()) {
      await db.insertInto('changes').values({ entity: 'creditRecord', entity_id: id, scope, seq: first + i, op: 'upsert' })
        .onConflict((oc) => oc.columns(['entity', 'entity_id']).doUpdateSet({ seq: first + i, scope, op: 'upsert' })).execute();
    }
  }
}

export async function down(): Promise<void> {
  // Nothing to undo: the rows were only logged again.
}
