// Public notices: publicize approved entries, settle ended windows, and see the standing change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture, TEST_ID_NUMBER } from '../../test/fixtures';
import { settleNotices } from './settle';

const DAY = 24 * 3600 * 1000;

describe.each(await testDialects())('notices on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const detail = async (user: 'resident' | 'committee' = 'resident') => {
    const res = await fx.request(user, 'GET', `/api/households/${fx.ids.h1}`);
    expect(res.status).toBe(200);
    return res.json();
  };

  it('publicizes approved entries, then makes them effective when the window ends', async () => {
    const before = await detail();
    expect(before.standing).toMatchObject({ base: 100, effective: 0, standing: 100, stars: 2, householdsInVillage: 1 });
    // The rank within the village: staff see it; the resident only with consent to public boards (guardrail 5).
    expect((await detail('committee')).standing.rankInVillage).toBe(1);
    expect(before.standing.rankInVillage).toBe(0);

    const plus = await fx.addEntry({ points: 8, state: 'approved' });
    const minus = await fx.addEntry({ points: -5, state: 'approved' });
    const submitted = await fx.addEntry({ points: 3 });
    expect((await detail()).standing).toMatchObject({ effective: 0, pending: 3, standing: 100, projected: 103 });

    const res = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, {});
    expect(res.status).toBe(201);
    const { notice, entryCount } = await res.json();
    expect(entryCount).toBe(2);
    expect(notice).toMatchObject({ villageId: fx.ids.v1, status: 'open', entryCount: 2 });
    expect(new Date(notice.endsAt).getTime() - new Date(notice.startsAt).getTime()).toBe(7 * DAY); // township default

    const states = async () => Object.fromEntries((await fx.deps.db.selectFrom('entries').select(['id', 'state', 'notice_id']).where('id', 'in', [plus, minus, submitted]).execute()).map((r) => [r.id, r]));
    let s = await states();
    expect([s[plus].state, s[minus].state, s[submitted].state]).toEqual(['publicized', 'publicized', 'submitted']);
    expect(s[plus].notice_id).toBe(notice.id);

    // Nothing left to publicize: a second notice is refused.
    const again = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, {});
    expect(again.status).toBe(409);

    // Before the end nothing settles.
    fx.clock.advance(6 * DAY);
    expect(await settleNotices(fx.deps, fx.deps.now())).toBe(0);
    fx.clock.advance(1 * DAY);
    expect(await settleNotices(fx.deps, fx.deps.now())).toBe(2);
    s = await states();
    expect([s[plus].state, s[minus].state]).toEqual(['effective', 'effective']);

    const after = await detail();
    expect(after.standing).toMatchObject({ effective: 3, standing: 103, maxDeduction: 5, pending: 0 });
    expect(after.history.filter((h: { entryId: string }) => h.entryId === plus).map((h: { toState: string }) => h.toState)).toEqual(['publicized', 'effective']);

    const list = await (await fx.request('township', 'GET', `/api/villages/${fx.ids.v1}/notices`)).json();
    expect(list.notices).toEqual([expect.objectContaining({ id: notice.id, status: 'closed', entryCount: 2 })]);

    const events = await fx.deps.db.selectFrom('entry_events').select(['to_state', 'actor_id']).where('entry_id', '=', plus).orderBy('at').execute();
    expect(events).toEqual([{ to_state: 'publicized', actor_id: fx.ids.users.committee }, { to_state: 'effective', actor_id: 'system' }]);
  });

  it('settles an ended window when the household is read, without the timer', async () => {
    const id = await fx.addEntry({ points: 10, state: 'approved' });
    const res = await fx.request('admin', 'POST', `/api/villages/${fx.ids.v1}/notices`, { days: 3 });
    expect(res.status).toBe(201);
    fx.clock.advance(3 * DAY + 1000);
    const d = await detail('committee');
    expect(d.entries.find((e: { id: string }) => e.id === id).state).toBe('effective');
    expect(d.standing.standing).toBe(113);
  });

  it('keeps objected entries out of settlement', async () => {
    const id = await fx.addEntry({ points: 5, state: 'approved' });
    await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/notices`, {});
    await fx.deps.db.updateTable('entries').set({ state: 'objected' }).where('id', '=', id).execute();
    fx.clock.advance(8 * DAY);
    await settleNotices(fx.deps, fx.deps.now());
    const row = await fx.deps.db.selectFrom('entries').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.state).toBe('objected');
  });

  it('shows persons with the last 4 ID characters only, never the number', async () => {
    for (const user of ['resident', 'committee'] as const) {
      const res = await fx.request(user, 'GET', `/api/households/${fx.ids.h1}`);
      const text = await res.text();
      expect(text).not.toContain(TEST_ID_NUMBER);
      expect(text).not.toContain(TEST_ID_NUMBER.slice(0, 10));
      const body = JSON.parse(text);
      expect(body.persons[0]).toMatchObject({ name: '张三', idLast4: '002X' });
      expect(Object.keys(body.persons[0])).not.toContain('idCipher');
    }
  });

  it('lists the village roster with standing, stars and entry count', async () => {
    const res = await fx.request('collector', 'GET', `/api/villages/${fx.ids.v1}/households`);
    expect(res.status).toBe(200);
    const { households } = await res.json();
    expect(households).toHaveLength(1);
    expect(households[0]).toMatchObject({ id: fx.ids.h1, householdNo: '001', standing: 113, stars: 2 });
    expect(households[0].entryCount).toBeGreaterThanOrEqual(5);
  });
});
