// The review queue paged and filtered, batch approval, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import type { ReviewItem } from '../dto';

describe.each(await testDialects())('review queue on %s', (dialect) => {
  let fx: Fixture;
  const ids: string[] = [];
  beforeAll(async () => {
    fx = await createFixture(dialect);
    for (let i = 0; i < 7; i++) {
      ids.push(await fx.addEntry({ points: i === 3 ? -5 : 5, occurredOn: `2025-06-0${i + 1}`, recorder: i === 5 ? 'collector2' : 'collector', indicatorCode: i === 6 ? 'A03' : undefined }));
      fx.clock.advance(1000);
    }
  });
  afterAll(async () => { await fx.close(); });

  const queue = async (query: string) => {
    const res = await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}${query}`);
    expect(res.status).toBe(200);
    return res.json() as Promise<{ entries: ReviewItem[]; nextCursor: string | null; total: number }>;
  };

  it('pages oldest first with a cursor, bounded', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await queue(`&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      expect(page.total).toBe(7);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    expect((await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}&limit=101`)).status).toBe(400);
    const bad = await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}&cursor=bm9wZQ`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_cursor');
  });

  it('filters by indicator, recorder, household, date range and sign', async () => {
    expect((await queue('&indicator=A03')).entries.map((e) => e.id)).toEqual([ids[6]]);
    expect((await queue(`&recorderId=${fx.ids.users.collector2}`)).entries.map((e) => e.id)).toEqual([ids[5]]);
    expect((await queue(`&householdId=${fx.ids.h1}`)).entries).toHaveLength(7);
    expect((await queue('&from=2025-06-02&to=2025-06-03')).entries.map((e) => e.id)).toEqual([ids[1], ids[2]]);
    const deductions = (await queue('&sign=deduction')).entries;
    expect(deductions.map((e) => e.id)).toEqual([ids[3]]);
    expect(deductions[0]).toMatchObject({ isDeduction: true, approvalsNeeded: 2, approvals: 0, approverIds: [], basis: null, evidence: [] });
  });

  it('filters on photo evidence: with photos, without, and combined with the other filters', async () => {
    const hash = 'ab'.repeat(32);
    await fx.deps.db.insertInto('entry_evidence').values({ entry_id: ids[3], sha256: hash, position: 0, size: 1000, mime: 'image/jpeg', taken_at: '2025-06-04T08:00:00.000Z', gps_lat: null, gps_lon: null, gps_accuracy: null }).execute();
    await fx.deps.db.insertInto('entry_evidence').values({ entry_id: ids[4], sha256: hash, position: 0, size: 1000, mime: 'image/jpeg', taken_at: '2025-06-05T08:00:00.000Z', gps_lat: null, gps_lon: null, gps_accuracy: null }).execute();
    const withPhotos = (await queue('&evidence=yes')).entries;
    expect(withPhotos.map((e) => e.id)).toEqual([ids[3], ids[4]]);
    expect(withPhotos[0].evidence).toEqual([expect.objectContaining({ hash, url: `/api/evidence/${hash}` })]);
    expect((await queue('&evidence=no')).entries.map((e) => e.id)).toEqual(ids.filter((id) => id !== ids[3] && id !== ids[4]));
    expect((await queue('&evidence=yes&sign=deduction')).entries.map((e) => e.id)).toEqual([ids[3]]);
    expect((await queue('&evidence=yes&limit=1')).nextCursor).not.toBeNull();
    expect((await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}&evidence=maybe`)).status).toBe(400);
    await fx.deps.db.deleteFrom('entry_evidence').where('entry_id', 'in', [ids[3], ids[4]]).execute();
  });

  it.runIf(dialect === 'sqlite')('reads a village page through the entries_review_queue index', async () => {
    const plan = await sql<{ detail: string }>`explain query plan select id from entries where village_id = ${fx.ids.v1} and state = 'submitted' order by created_at, id limit 31`.execute(fx.deps.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/entries_review_queue/);
    expect(plan.rows.map((r) => r.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
  });

  it('batch-approves plain positive entries, refusing the others per id', async () => {
    const own = await fx.addEntry({ points: 5, recorder: 'committee' });
    const done = await fx.addEntry({ points: 5, state: 'approved' });
    const other = await fx.addEntry({ points: 5, householdId: fx.ids.h2 });
    const res = await fx.request('committee', 'POST', `/api/review/batch-approve?villageId=${fx.ids.v1}`, { entryIds: [ids[0], ids[1], ids[3], own, done, other] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.approved).toBe(2);
    expect(body.results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual([
      'approved', 'approved', 'not_batch_approvable', 'own_entry', 'invalid_state', 'not_found',
    ]);
    const states = await fx.deps.db.selectFrom('entries').select(['id', 'state']).where('id', 'in', [ids[0], ids[1], ids[3], own]).execute();
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toEqual({ [ids[0]]: 'approved', [ids[1]]: 'approved', [ids[3]]: 'submitted', [own]: 'submitted' });
    const ev = await fx.deps.db.selectFrom('entry_events').select(['to_state', 'reason']).where('entry_id', '=', ids[0]).execute();
    expect(ev).toEqual([{ to_state: 'approved', reason: '批量审核通过' }]);
    const tooMany = await fx.request('committee', 'POST', `/api/review/batch-approve?villageId=${fx.ids.v1}`, { entryIds: Array.from({ length: 101 }, () => ids[2]) });
    expect(tooMany.status).toBe(400);
  });

  it('two members batch-approving the same entries at once approve each exactly once', async () => {
    const a = await fx.addEntry({ points: 5 });
    const b = await fx.addEntry({ points: 5 });
    const [r1, r2] = await Promise.all([
      fx.request('committee', 'POST', `/api/review/batch-approve?villageId=${fx.ids.v1}`, { entryIds: [a, b] }),
      fx.request('committee2', 'POST', `/api/review/batch-approve?villageId=${fx.ids.v1}`, { entryIds: [b, a] }),
    ]);
    const total = (await r1.json()).approved + (await r2.json()).approved;
    expect(total).toBe(2);
    const ev = await fx.deps.db.selectFrom('entry_events').select('entry_id').where('entry_id', 'in', [a, b]).execute();
    expect(ev).toHaveLength(2);
  });
});
