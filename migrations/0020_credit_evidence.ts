// The credit ledger on the phones (issue 7 / issue 13): photo evidence of credit records, and the
// township's credit kinds and the records' review reasons reaching the village's phones by the pull.
// - credit_record_evidence: which photos a credit record carries (the bytes are the evidence_blobs
//   of 0009, content-addressed, shared with entries' photos);
// - the pull log learns of what phones could not pull before: every township's own credit kinds
//   (entity creditKind, township scope) and the credit records whose review reason or issuer was
//   set (their creditRecord rows now carry stateReason and issuer). New change numbers are
//   allocated per scope like server/db/changes.ts does, so a phone's cursor never skips them.
// Frozen once released. Portable on SQLite and PostgreSQL (see 0001_init).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('credit_record_evidence')
    .addColumn('record_id', 'text', (c) => c.notNull().references('credit_records.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    // No place (guardrail 7, data minimisation): a photo of a document or certificate needs none.
    .addPrimaryKeyConstraint('credit_record_evidence_pk', ['record_id', 'sha256'])
    .execute();
  // Access to a photo asks which villages' records reference it.
  await db.schema.createIndex('credit_record_evidence_sha256').on('credit_record_evidence').column('sha256').execute();

  const kinds = await db.selectFrom('credit_kinds').select(['id', 'township_id']).orderBy('township_id').orderBy('id').execute();
  await relog(db, 'townships', 'township', 'creditKind', kinds.map((k) => ({ scopeId: k.township_id as string, id: k.id as string })));
  const records = await db.selectFrom('credit_records').select(['id', 'village_id'])
    .where((eb) => eb.or([eb('state_reason', '<>', ''), eb('issuer', '<>', '')])).orderBy('village_id').orderBy('id').execute();
  await relog(db, 'villages', 'village', 'creditRecord', records.map((r) => ({ scopeId: r.village_id as string, id: r.id as string })));
}

/** Logs rows as changed (upsert) with new change numbers of their scope. */
async function relog(db: Kysely<any>, table: 'townships' | 'villages', kind: string, entity: string, rows: { scopeId: string; id: string }[]): Promise<void> {
  const byScope = new Map<string, string[]>();
  for (const r of rows) byScope.set(r.scopeId, [...(byScope.get(r.scopeId) ?? []), r.id]);
  for (const [scopeId, ids] of byScope) {
    const row = await db.updateTable(table).set((eb: any) => ({ change_seq: eb('change_seq', '+', ids.length) }))
      .where('id', '=', scopeId).returning('change_seq').executeTakeFirstOrThrow();
    const first = Number(row.change_seq) - ids.length + 1;
    const scope = `${kind}:${scopeId}`;
    for (const [i, id] of ids.entries()) {
      await db.insertInto('changes').values({ entity, entity_id: id, scope, seq: first + i, op: 'upsert' })
        .onConflict((oc) => oc.columns(['entity', 'entity_id']).doUpdateSet({ seq: first + i, scope, op: 'upsert' })).execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('changes').where('entity', '=', 'creditKind').execute();
  await db.schema.dropTable('credit_record_evidence').ifExists().execute();
}
