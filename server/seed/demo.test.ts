// The demo seed on SQLite and PostgreSQL: documented logins work, ID numbers are sealed and
// valid, the pull log is complete, the entries cover the life cycle, and a second run is a no-op.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Deps } from '../context';
import { createTestDatabase, testDialects, type TestDatabase } from '../test/databases';
import { testConfig } from '../test/fixtures';
import { decryptIdNumber, hashIdNumber, piiKeysFrom } from '../security/pii';
import { verifySecret } from '../auth/password';
import { validateIdNumber } from '../../shared/validation/id-number';
import { DEMO_LOGINS, DEMO_RESIDENT_PHONE, seedDemoIfEmpty } from './demo';
import { changeLogProblems, clearIdNumberColumns } from './check';

const NOW = new Date('2026-11-28T20:00:00.000Z');

async function countAll(db: Deps['db']): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['townships', 'villages', 'households', 'persons', 'catalog_versions', 'indicators', 'notices', 'entries', 'entry_events', 'users', 'user_villages', 'changes'] as const) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db);
    out[t] = Number(rows[0].n);
  }
  return out;
}

describe.each(await testDialects())('demo seed on %s', (dialect) => {
  let t: TestDatabase;
  let deps: Deps;
  let first: Awaited<ReturnType<typeof seedDemoIfEmpty>>;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    deps = { db: t.db, dialect, config: testConfig(), pii: piiKeysFrom(crypto.randomBytes(32).toString('hex')), now: () => NOW };
    first = await seedDemoIfEmpty(deps);
  }, 120_000);
  afterAll(async () => { await t?.drop(); });

  it('creates the documented logins, each with its scope', async () => {
    expect(first.created).toBe(true);
    expect(first.logins).toEqual(DEMO_LOGINS);
    const byRole = (role: string) => first.logins.filter((l) => l.role === role).map((l) => l.username ?? l.phone);
    expect(byRole('admin')).toEqual(['admin']);
    expect(byRole('township')).toEqual(['township']);
    expect(byRole('committee')).toEqual(expect.arrayContaining(['committee1', 'committee2']));
    expect(byRole('collector')).toContain('collector1');
    expect(byRole('resident')).toEqual([DEMO_RESIDENT_PHONE]);

    const villages = await deps.db.selectFrom('villages').select(['id', 'code']).orderBy('code').execute();
    expect(villages).toHaveLength(4);
    const scopeOf = async (userId: string) =>
      (await deps.db.selectFrom('user_villages').select('village_id').where('user_id', '=', userId).execute()).map((r) => r.village_id).sort();
    const ids = (...i: number[]) => i.map((k) => villages[k].id).sort();
    const expectedScope: Record<string, string[]> = {
      admin: ids(0, 1, 2, 3), township: ids(0, 1, 2, 3), committee1: ids(0), committee2: ids(0), collector1: ids(0, 1),
    };
    for (const login of first.logins) {
      const user = login.username
        ? await deps.db.selectFrom('users').selectAll().where('username', '=', login.username).executeTakeFirstOrThrow()
        : await deps.db.selectFrom('users').selectAll().where('phone', '=', login.phone!).executeTakeFirstOrThrow();
      expect(user.role).toBe(login.role);
      expect(user.active).toBe(1);
      const stored = login.password ? user.password_hash : user.pin_hash;
      expect(stored).toMatch(/^\$argon2id\$/);
      expect(await verifySecret(stored, (login.password ?? login.pin)!)).toBe(true);
      expect(await verifySecret(stored, 'wrong-secret')).toBe(false);
      const scope = await scopeOf(user.id);
      expect(scope.length).toBeGreaterThan(0);
      if (login.username && expectedScope[login.username]) expect(scope).toEqual(expectedScope[login.username]);
      if (login.role === 'resident') {
        const home = await deps.db.selectFrom('households').selectAll().where('id', '=', user.household_id!).executeTakeFirstOrThrow();
        expect(home).toMatchObject({ village_id: villages[0].id, household_no: '0001', phone: DEMO_RESIDENT_PHONE });
        expect(scope).toEqual([villages[0].id]);
      }
    }
  });

  it('stores every ID number sealed: it decrypts to a valid GB 11643 number matching hash and last 4', async () => {
    const persons = await deps.db.selectFrom('persons').select(['id_hash', 'id_last4', 'id_cipher', 'is_minor', 'birth_year']).execute();
    const sealed = persons.filter((p) => p.id_cipher !== null);
    expect(sealed.length).toBeGreaterThan(500);
    const clear = new Set<string>();
    for (const p of sealed) {
      const id = decryptIdNumber(deps.pii, p.id_cipher!);
      expect(validateIdNumber(id, NOW)).toMatchObject({ ok: true, value: id });
      expect(id.slice(0, 6)).toBe('370283');
      expect(Number(id.slice(6, 10))).toBe(p.birth_year);
      expect(p.id_last4).toBe(id.slice(-4));
      expect(p.id_hash).toBe(hashIdNumber(deps.pii, id));
      expect(p.is_minor).toBe(0);
      clear.add(id);
    }
    expect(clear.size).toBe(sealed.length);
    // Minors carry no ID number (guardrail 6: collected only where needed).
    expect(persons.filter((p) => p.is_minor === 1).every((p) => p.id_cipher === null && p.id_hash === null && p.id_last4 === null)).toBe(true);
    expect(persons.some((p) => p.is_minor === 1)).toBe(true);
  });

  it('has no ID number in clear in any text column of any table', async () => {
    expect(await clearIdNumberColumns(deps.db)).toEqual([]);
  });

  it('gives every pulled entity exactly one change in its scope, and counters end at the max seq', async () => {
    expect(await changeLogProblems(deps.db)).toEqual([]);
  });

  it('has realistic households and entries in every state, all in the past', async () => {
    const hh = await sql<{ village_id: string; n: number }>`select village_id, count(*) as n from households group by village_id`.execute(deps.db);
    for (const r of hh.rows) expect(Number(r.n)).toBeGreaterThanOrEqual(50);
    for (const r of hh.rows) expect(Number(r.n)).toBeLessThanOrEqual(200);
    const sizes = await sql<{ n: number }>`select count(*) as n from persons group by household_id`.execute(deps.db);
    expect(Math.min(...sizes.rows.map((r) => Number(r.n)))).toBe(1);
    expect(Math.max(...sizes.rows.map((r) => Number(r.n)))).toBe(6);

    const states = await sql<{ state: string; n: number }>`select state, count(*) as n from entries group by state`.execute(deps.db);
    const count = Object.fromEntries(states.rows.map((r) => [r.state, Number(r.n)]));
    const total = Object.values(count).reduce((a, b) => a + b, 0);
    expect(count.effective / total).toBeGreaterThan(0.5);
    for (const s of ['publicized', 'approved', 'submitted', 'rejected']) expect(count[s]).toBeGreaterThan(0);

    const nowIso = NOW.toISOString();
    const future = await sql<{ n: number }>`
      select (select count(*) from entries where created_at > ${nowIso} or client_created_at > ${nowIso} or updated_at > ${nowIso} or occurred_on >= '2026-11-28')
           + (select count(*) from entry_events where at > ${nowIso}) as n`.execute(deps.db);
    expect(Number(future.rows[0].n)).toBe(0);
    const range = await sql<{ lo: string; hi: string }>`select min(occurred_on) as lo, max(occurred_on) as hi from entries`.execute(deps.db);
    expect(range.rows[0].lo >= '2026-08-01').toBe(true);
    expect(range.rows[0].hi <= '2026-11-27').toBe(true);

    // Publicized entries sit in a notice whose window is still open.
    const outside = await sql<{ n: number }>`
      select count(*) as n from entries e left join notices n on n.id = e.notice_id
      where e.state = 'publicized' and (n.id is null or n.status <> 'open' or n.ends_at <= ${nowIso})`.execute(deps.db);
    expect(Number(outside.rows[0].n)).toBe(0);

    // Rejections carry a reason.
    const silent = await sql<{ n: number }>`
      select count(*) as n from entry_events where to_state = 'rejected' and reason = ''`.execute(deps.db);
    expect(Number(silent.rows[0].n)).toBe(0);
  });

  it('approves deductions twice, by two committee members who did not record them', async () => {
    const rows = await sql<{ id: string; recorder_id: string; approvers: number; own: number }>`
      select e.id, e.recorder_id,
             count(distinct ev.actor_id) as approvers,
             sum(case when ev.actor_id = e.recorder_id then 1 else 0 end) as own
      from entries e join entry_events ev on ev.entry_id = e.id
        and ev.from_state = 'submitted' and ev.to_state in ('submitted', 'approved')
      where e.points < 0 and e.state in ('approved', 'publicized', 'effective')
      group by e.id, e.recorder_id`.execute(deps.db);
    expect(rows.rows.length).toBeGreaterThan(5);
    for (const r of rows.rows) {
      expect(Number(r.approvers)).toBe(2);
      expect(Number(r.own)).toBe(0);
    }
    const committee = new Set((await deps.db.selectFrom('users').select('id').where('role', '=', 'committee').execute()).map((u) => u.id));
    const actors = await sql<{ actor_id: string }>`
      select distinct ev.actor_id from entry_events ev join entries e on e.id = ev.entry_id
      where ev.from_state = 'submitted' and ev.to_state in ('submitted', 'approved', 'rejected')`.execute(deps.db);
    expect(actors.rows.every((a) => committee.has(a.actor_id))).toBe(true);
  });

  it('has checks that can fail: a planted ID number and a missing change are both found', async () => {
    const rollback = new Error('rollback');
    await expect(deps.db.transaction().execute(async (trx) => {
      const e = await trx.selectFrom('entries').select('id').limit(1).executeTakeFirstOrThrow();
      await trx.updateTable('entries').set({ note: '身份证 11010519491231002X' }).where('id', '=', e.id).execute();
      expect(await clearIdNumberColumns(trx)).toEqual(['entries.note']);
      await trx.deleteFrom('changes').where('entity', '=', 'entry').where('entity_id', '=', e.id).execute();
      expect((await changeLogProblems(trx)).join()).toMatch(/^entry: /);
      throw rollback;
    })).rejects.toBe(rollback);
  });

  it('does nothing the second time', async () => {
    const before = await countAll(deps.db);
    const again = await seedDemoIfEmpty(deps);
    expect(again.created).toBe(false);
    expect(again.logins).toEqual(DEMO_LOGINS);
    expect(await countAll(deps.db)).toEqual(before);
  });
});

describe.each(await testDialects())('demo seed determinism on %s', (dialect) => {
  it('writes the same rows on every run', async () => {
    const snapshot = async () => {
      const t = await createTestDatabase(dialect);
      try {
        const deps: Deps = { db: t.db, dialect, config: testConfig(), pii: piiKeysFrom('11'.repeat(32)), now: () => NOW };
        await seedDemoIfEmpty(deps);
        const persons = await deps.db.selectFrom('persons').select(['id', 'name', 'id_hash', 'birth_year']).orderBy('id').execute();
        const entries = await deps.db.selectFrom('entries').select(['id', 'state', 'points', 'content_hash']).orderBy('id').execute();
        return { persons, entries };
      } finally {
        await t.drop();
      }
    };
    const [a, b] = [await snapshot(), await snapshot()];
    expect(b).toEqual(a);
  }, 120_000);
});
