import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { withSavepoint, writeTransaction } from './transaction';

const NOW = '2025-01-01T00:00:00.000Z';

describe.each(await testDialects())('writeTransaction on %s', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await t.drop();
  });
  const townships = async () => (await t.db.selectFrom('townships').select('code').orderBy('code').execute()).map((r) => r.code);

  it('commits on success and rolls back everything on a throw', async () => {
    const out = await writeTransaction(t, async (trx) => {
      await trx.insertInto('townships').values({ id: 'a', code: 'A', name: 'a', created_at: NOW }).execute();
      return 42;
    });
    expect(out).toBe(42);
    await expect(writeTransaction(t, async (trx) => {
      await trx.insertInto('townships').values({ id: 'b', code: 'B', name: 'b', created_at: NOW }).execute();
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await townships()).toEqual(['A']);
    // The connection is usable afterwards (no transaction left open on it).
    await writeTransaction(t, (trx) => trx.insertInto('townships').values({ id: 'c', code: 'C', name: 'c', created_at: NOW }).execute());
    expect(await townships()).toEqual(['A', 'C']);
  });

  it('undoes only the savepoint, and keeps the transaction usable after a failed statement', async () => {
    await writeTransaction(t, async (trx) => {
      await trx.insertInto('townships').values({ id: 'a', code: 'A', name: 'a', created_at: NOW }).execute();
      await expect(withSavepoint(trx, 'sp_test', async () => {
        await trx.insertInto('townships').values({ id: 'b', code: 'B', name: 'b', created_at: NOW }).execute();
        // A constraint violation: on PostgreSQL this would abort the whole transaction without the savepoint.
        await trx.insertInto('townships').values({ id: 'a', code: 'A2', name: 'dup', created_at: NOW }).execute();
      })).rejects.toThrow();
      await trx.insertInto('townships').values({ id: 'c', code: 'C', name: 'c', created_at: NOW }).execute();
    });
    expect(await townships()).toEqual(['A', 'C']);
  });

  it.runIf(dialect === 'sqlite')('takes the write lock at BEGIN on SQLite (IMMEDIATE), not at the first write', async () => {
    const other = new SQLite(t.sqlitePath);
    other.pragma('busy_timeout = 0');
    try {
      await writeTransaction(t, async (trx) => {
        await trx.selectFrom('townships').selectAll().execute(); // only a read so far
        // With a DEFERRED begin this write from another connection would succeed here.
        expect(() => other.prepare(`insert into townships (id, code, name, created_at) values ('x', 'X', 'x', '${NOW}')`).run())
          .toThrow(/locked|busy/i);
      });
    } finally {
      other.close();
    }
  });
});
