import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects, type TestDatabase } from '../test/databases';
import {
  T0, count, entryCreate, entryWithdraw, postSync, request, openSyncWorld, type TestApp, type World,
} from '../test/sync-fixture';

describe.each(await testDialects())('POST /api/sync push on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  it('applies an entry: entry, event, change and idempotency row in one go', async () => {
    const m = entryCreate(w);
    const { status, json } = await postSync(app, 'collector', request([m]));
    expect(status).toBe(200);
    expect(json.results).toEqual([{ id: m.id, status: 'applied' }]);
    const entry = await t.db.selectFrom('entries').selectAll().executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ id: (m.payload as { entryId: string }).entryId, state: 'submitted', village_id: w.v1, recorder_id: w.users.collector.id, device_seq: m.deviceSeq });
    expect(await count(t, 'entry_events')).toBe(1);
    const change = await t.db.selectFrom('changes').selectAll().where('entity_id', '=', entry.id).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ entity: 'entry', scope: `village:${w.v1}`, op: 'upsert' });
    expect(await t.db.selectFrom('sync_mutations').select(['status', 'entity_id']).executeTakeFirstOrThrow()).toEqual({ status: 'applied', entity_id: entry.id });
  });

  it('answers a replayed batch with duplicates and keeps one row', async () => {
    const batch = request([entryCreate(w), entryCreate(w, { indicatorCode: 'B10', points: 5 })]);
    const first = await postSync(app, 'collector', batch);
    expect(first.json.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
    const again = await postSync(app, 'collector', batch);
    // The refusal is replayed word for word; the applied item is acknowledged as a duplicate.
    expect(again.json.results).toEqual([{ ...first.json.results[0], status: 'duplicate' }, first.json.results[1]]);
    expect(await count(t, 'entries')).toBe(1);
    expect(await count(t, 'sync_mutations')).toBe(2);
  });

  it('processes the same id twice in one batch once (same content: duplicate, other content: conflict)', async () => {
    const m = entryCreate(w);
    const other = { ...m, payload: { ...(m.payload as object), note: '别的内容' } };
    const { json } = await postSync(app, 'collector', request([m, m, other]));
    expect(json.results).toEqual([
      { id: m.id, status: 'applied' },
      { id: m.id, status: 'duplicate' },
      expect.objectContaining({ id: m.id, status: 'conflict', code: 'id_reused' }),
    ]);
    expect(await count(t, 'entries')).toBe(1);
    expect(await count(t, 'sync_mutations')).toBe(1);
  });

  it('treats a mutation id reused with other content (or by another user) as a conflict', async () => {
    const m = entryCreate(w);
    await postSync(app, 'collector', request([m]));
    const changed = { ...m, payload: { ...(m.payload as object), points: 6 } };
    const r1 = await postSync(app, 'collector', request([changed]));
    expect(r1.json.results[0]).toMatchObject({ status: 'conflict', code: 'id_reused' });
    const r2 = await postSync(app, 'collector2', request([m]));
    expect(r2.json.results[0]).toMatchObject({ status: 'conflict', code: 'id_reused' });
    // Advisory fields re-stamped on a replay are still the same intent.
    const r3 = await postSync(app, 'collector', request([{ ...m, deviceSeq: 999, at: new Date(T0.getTime() - 1000).toISOString() }]));
    expect(r3.json.results[0]).toEqual({ id: m.id, status: 'duplicate' });
    expect(await count(t, 'entries')).toBe(1);
  });

  it('does not let a bad item block the rest of the batch', async () => {
    const good = entryCreate(w);
    const bad = { id: uuidv7(), kind: 'entry.create', deviceSeq: 1, at: T0.toISOString(), payload: { householdId: 'nope' } };
    const unknownKind = { id: uuidv7(), kind: 'entry.explode', deviceSeq: 2, at: T0.toISOString(), payload: {} };
    const { status, json } = await postSync(app, 'collector', request([bad, 'garbage', unknownKind, good]));
    expect(status).toBe(200);
    expect(json.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'invalid_mutation'], ['rejected', 'invalid_mutation'], ['rejected', 'invalid_mutation'], ['applied', undefined],
    ]);
    expect(json.results[0].id).toBe(bad.id);
    expect(await count(t, 'entries')).toBe(1);
  });

  it('forbids writing to a village outside the user scope, and replays the refusal', async () => {
    const m = entryCreate(w, { householdId: w.h2 });
    const nowhere = entryCreate(w, { householdId: uuidv7() });
    const { json } = await postSync(app, 'collector', request([m, nowhere]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([['forbidden', 'out_of_scope'], ['forbidden', 'out_of_scope']]);
    const again = await postSync(app, 'collector', request([m]));
    expect(again.json.results[0]).toMatchObject({ status: 'forbidden', code: 'out_of_scope' });
    expect(await count(t, 'entries')).toBe(0);
    expect(await t.db.selectFrom('sync_mutations').select('status').where('id', '=', m.id).executeTakeFirstOrThrow()).toEqual({ status: 'forbidden' });
    // The same item from a user of that village goes through.
    expect((await postSync(app, 'otherVillage', request([entryCreate(w, { householdId: w.h2 })]))).json.results[0].status).toBe('applied');
  });

  it('rejects device times and occurred-on dates in the future', async () => {
    const late = entryCreate(w, {}, new Date(T0.getTime() + 6 * 60_000).toISOString());
    const okSkew = entryCreate(w, {}, new Date(T0.getTime() + 4 * 60_000).toISOString());
    const tomorrow = entryCreate(w, { occurredOn: '2025-06-16' });
    const today = entryCreate(w, { occurredOn: '2025-06-15' });
    const badDate = entryCreate(w, { occurredOn: '2025-02-30' });
    const { json } = await postSync(app, 'collector', request([late, okSkew, tomorrow, today, badDate]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'future_time'], ['applied', undefined], ['rejected', 'future_time'], ['applied', undefined], ['rejected', 'invalid_date'],
    ]);
  });

  it('checks the catalogue rules: indicator, sign and range, person, cap, role', async () => {
    const cases = [
      entryCreate(w, { indicatorCode: 'ZZZ' }),
      entryCreate(w, { catalogVersionId: uuidv7() }),
      entryCreate(w, { indicatorCode: 'B10', points: 5 }),
      entryCreate(w, { indicatorCode: 'B02', points: 11 }),
      entryCreate(w, { indicatorCode: 'A01', points: 2 }),
      entryCreate(w, { indicatorCode: 'A01', points: 2, personId: w.p2 }),
      entryCreate(w, { indicatorCode: 'A01', points: 2, personId: w.p1 }),
      entryCreate(w, { indicatorCode: 'B01', points: 3 }),
      entryCreate(w, { indicatorCode: 'B01', points: 3, occurredOn: '2025-06-02' }),
      entryCreate(w, { indicatorCode: 'B01', points: 3 }),
      entryCreate(w, { indicatorCode: 'B01', points: 3, occurredOn: '2025-05-31' }),
    ];
    const { json } = await postSync(app, 'collector', request(cases));
    expect(json.results.map((r) => r.code ?? r.status)).toEqual([
      'indicator_unknown', 'catalog_unknown', 'points_sign', 'points_range', 'person_required', 'person_unknown',
      'applied', 'applied', 'applied', 'cap_exceeded', 'applied',
    ]);
    await t.db.updateTable('indicators').set({ recorder_roles: 'committee' }).where('code', '=', 'B02').execute();
    const role = await postSync(app, 'collector', request([entryCreate(w)]));
    expect(role.json.results[0]).toMatchObject({ status: 'forbidden', code: 'role_may_not_record' });
  });

  it('detects an entry id reused under a new mutation id', async () => {
    const m = entryCreate(w);
    await postSync(app, 'collector', request([m]));
    const sameEntry = { ...m, id: uuidv7() };
    const otherContent = { ...m, id: uuidv7(), payload: { ...(m.payload as object), note: '改了' } };
    const { json } = await postSync(app, 'collector', request([sameEntry, otherContent]));
    expect(json.results.map((r) => [r.status, r.code])).toEqual([['duplicate', 'entry_exists'], ['conflict', 'entry_id_reused']]);
    expect(await count(t, 'entries')).toBe(1);
    expect(await count(t, 'entry_events')).toBe(1);
  });

  it('reverses only an existing entry of the same household, exactly once', async () => {
    const original = entryCreate(w);
    const originalId = (original.payload as { entryId: string }).entryId;
    await postSync(app, 'collector', request([original]));
    // Only an effective entry can be reversed (the transition table); its review is not under test here.
    await t.db.updateTable('entries').set({ state: 'effective' }).where('id', '=', originalId).execute();
    const { json } = await postSync(app, 'collector', request([
      entryCreate(w, { reverses: uuidv7(), points: -5 }),
      entryCreate(w, { reverses: originalId, points: -5, householdId: w.h1b }),
      entryCreate(w, { reverses: originalId, points: -4 }),
      entryCreate(w, { reverses: originalId, points: -5 }),
      entryCreate(w, { reverses: originalId, points: -5 }),
    ]));
    expect(json.results.map((r) => r.code ?? r.status)).toEqual([
      'reverses_unknown', 'reverses_unknown', 'reverse_points', 'applied', 'already_reversed',
    ]);
  });

  it('withdraws only the recorder own submitted entry', async () => {
    const m = entryCreate(w);
    const entryId = (m.payload as { entryId: string }).entryId;
    // Sent in one batch out of order: the device sequence puts the create first.
    const withdraw = entryWithdraw(entryId);
    const { json } = await postSync(app, 'collector', request([withdraw, m]));
    expect(json.results.find((r) => r.id === withdraw.id)).toEqual({ id: withdraw.id, status: 'applied' });
    expect(await t.db.selectFrom('entries').select('state').executeTakeFirstOrThrow()).toEqual({ state: 'withdrawn' });
    const events = await t.db.selectFrom('entry_events').select(['from_state', 'to_state', 'reason']).orderBy('at').orderBy('id').execute();
    expect(events).toEqual([
      { from_state: null, to_state: 'submitted', reason: '' },
      { from_state: 'submitted', to_state: 'withdrawn', reason: '录错了' },
    ]);
    expect((await postSync(app, 'collector', request([entryWithdraw(entryId)]))).json.results[0]).toMatchObject({ status: 'duplicate' });

    const m2 = entryCreate(w);
    const e2 = (m2.payload as { entryId: string }).entryId;
    await postSync(app, 'collector', request([m2]));
    expect((await postSync(app, 'collector2', request([entryWithdraw(e2)]))).json.results[0]).toMatchObject({ status: 'forbidden', code: 'not_recorder' });
    expect((await postSync(app, 'otherVillage', request([entryWithdraw(e2)]))).json.results[0]).toMatchObject({ status: 'forbidden', code: 'out_of_scope' });
    expect((await postSync(app, 'collector', request([entryWithdraw(uuidv7())]))).json.results[0]).toMatchObject({ status: 'rejected', code: 'entry_unknown' });
    await t.db.updateTable('entries').set({ state: 'approved' }).where('id', '=', e2).execute();
    expect((await postSync(app, 'collector', request([entryWithdraw(e2)]))).json.results[0]).toMatchObject({ status: 'rejected', code: 'not_withdrawable' });
  });
});

describe.each(await testDialects())('POST /api/sync envelope on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  it('tells an old app to update (426) and applies nothing', async () => {
    for (const old of [{ protocol: 0 }, { schema: 0 }]) {
      const { status, json } = await postSync(app, 'collector', { ...request([entryCreate(w)]), ...old });
      expect(status).toBe(426);
      expect(json).toEqual({ error: { code: 'client_outdated', message: '请更新应用' } });
    }
    // An old envelope of another shape is still "update the app", not "bad request".
    expect((await postSync(app, 'collector', { protocol: 0, items: [] })).status).toBe(426);
    expect(await count(t, 'sync_mutations')).toBe(0);
  });

  it('refuses anonymous (401), residents (403), bad envelopes (400) and non-JSON (415)', async () => {
    expect((await postSync(app, null, request([]))).status).toBe(401);
    const resident = await postSync(app, 'resident', request([entryCreate(w)]));
    expect(resident.status).toBe(403);
    expect((await postSync(app, 'collector', { ...request([]), deviceId: 'x' })).json.error?.code).toBe('invalid_body');
    expect((await postSync(app, 'collector', { ...request([]), protocol: 2 })).json.error?.code).toBe('server_outdated');
    const res = await app.request('/api/sync', { method: 'POST', headers: { 'content-type': 'text/plain', 'x-test-user': 'collector' }, body: 'hi' });
    expect(res.status).toBe(415);
    const broken = await app.request('/api/sync', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-user': 'collector' }, body: '{' });
    expect(broken.status).toBe(400);
    expect(await count(t, 'sync_mutations')).toBe(0);
  });

  it('accepts committee members and admins', async () => {
    for (const who of ['committee', 'admin']) {
      const { status, json } = await postSync(app, who, request([entryCreate(w)]));
      expect(status).toBe(200);
      expect(json.results[0].status).toBe('applied');
    }
  });
});
