// The benchmark village: the requested size, a login that works, and cursors that match the log.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Deps } from '../context';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { testConfig } from '../test/fixtures';
import { piiKeysFrom } from '../security/pii';
import { verifySecret } from '../auth/password';
import { seedVillageForBench, type BenchVillage } from './bench';
import { changeLogProblems } from './check';

describe.each(await testDialects())('benchmark village on %s', (dialect) => {
  let t: TestDatabase;
  let deps: Deps;
  let bench: BenchVillage;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    deps = { db: t.db, dialect, config: testConfig(), pii: piiKeysFrom(crypto.randomBytes(32).toString('hex')), now: () => new Date('2026-11-28T20:00:00Z') };
    bench = await seedVillageForBench(deps, { households: 120, entries: 2500 });
  }, 120_000);
  afterAll(async () => { await t?.drop(); });

  it('builds one village of the requested size', async () => {
    const n = async (table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where village_id = ${bench.villageId}`.execute(deps.db)).rows[0].n);
    expect(await n('households')).toBe(120);
    expect(await n('entries')).toBe(2500);
    expect(bench.counts).toMatchObject({ households: 120, entries: 2500, persons: await n('persons') });
    expect(await changeLogProblems(deps.db)).toEqual([]);
  });

  it('returns a collector login scoped to the village and the cursors a full pull reaches', async () => {
    const u = await deps.db.selectFrom('users').selectAll().where('username', '=', bench.collector.username).executeTakeFirstOrThrow();
    expect(u).toMatchObject({ id: bench.collector.userId, role: 'collector' });
    expect(await verifySecret(u.password_hash, bench.collector.password)).toBe(true);
    const scope = await deps.db.selectFrom('user_villages').select('village_id').where('user_id', '=', u.id).execute();
    expect(scope).toEqual([{ village_id: bench.villageId }]);
    for (const s of bench.scopes) {
      const { rows } = await sql<{ m: number }>`select max(seq) as m from changes where scope = ${s.scope}`.execute(deps.db);
      expect(Number(rows[0].m)).toBe(s.seq);
    }
  });

  it('can sit next to another benchmark village', async () => {
    const other = await seedVillageForBench(deps, { households: 10, entries: 50, seed: 8 });
    expect(other.villageId).not.toBe(bench.villageId);
    expect(await changeLogProblems(deps.db)).toEqual([]);
  });
});
