import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testDialects } from '../test/databases';
import { recordChanges } from './changes';

describe.each(await testDialects())('database on %s', (dialect) => {
  it('migrates and allocates change numbers per scope in order', async () => {
    const t = await createTestDatabase(dialect);
    try {
      const now = new Date().toISOString();
      await t.db.insertInto('townships').values({ id: 't1', code: 'T1', name: '镇', created_at: now }).execute();
      await t.db.insertInto('villages').values({ id: 'v1', township_id: 't1', code: 'V1', name: '村', created_at: now }).execute();
      await t.db.transaction().execute(async (trx) => {
        await recordChanges(trx, 'village:v1', 'household', ['h1', 'h2']);
        await recordChanges(trx, 'village:v1', 'household', ['h1']);
      });
      const rows = await t.db.selectFrom('changes').selectAll().orderBy('seq').execute();
      expect(rows.map((r) => [r.entity_id, r.seq])).toEqual([['h2', 2], ['h1', 3]]);
      const count = await sql<{ n: number }>`select count(*) as n from changes`.execute(t.db);
      expect(Number(count.rows[0].n)).toBe(2);
    } finally {
      await t.drop();
    }
  });
});
