// POST /api/sync through the real application (server/app.ts): the transport rules of the sync
// endpoint itself (body limit, JSON only, batch limit, version gate, gzip), and what a collector
// moved to another village sees and may write.
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../test/fixtures';
import type { Mutation, SyncRequest, SyncResponse } from '../../shared/protocol/sync';
import {
  MAX_BATCH_ITEMS, MAX_BODY_BYTES, PROTOCOL_VERSION, SCHEMA_VERSION, scopeOfTownship, scopeOfVillage,
} from '../../shared/protocol/sync';
import { maxBatchItems } from './limits';

describe.each(await testDialects())('POST /api/sync transport on %s', (dialect) => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture(dialect);
  });
  afterEach(async () => {
    await fx.close();
  });

  const envelope = (body: Partial<SyncRequest> = {}): SyncRequest => ({
    protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: uuidv7(), mutations: [], cursors: {}, ...body,
  });
  const post = async (user: FixtureUser, body: string, headers: Record<string, string> = {}) =>
    fx.app.request('/api/sync', { method: 'POST', headers: { cookie: await fx.cookie(user), 'content-type': 'application/json', ...headers }, body });
  const sync = async (user: FixtureUser, body: Partial<SyncRequest>) => {
    const res = await post(user, JSON.stringify(envelope(body)));
    return { status: res.status, json: (await res.json()) as SyncResponse & { error?: { code: string } } };
  };
  let seq = 0;
  const create = (householdId = fx.ids.h1, over: Record<string, unknown> = {}): Mutation => ({
    id: uuidv7(), kind: 'entry.create', deviceSeq: ++seq, at: fx.deps.now().toISOString(),
    payload: {
      entryId: uuidv7(), householdId, personId: null, catalogVersionId: fx.ids.cv1, indicatorCode: 'C02',
      occurredOn: fx.deps.now().toISOString().slice(0, 10), points: 2, note: '', reverses: null, ...over,
    },
  });
  const entries = async () => Number((await fx.deps.db.selectFrom('entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const claims = async () => Number((await fx.deps.db.selectFrom('sync_mutations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses a body over 512 KiB with 413 and applies nothing', async () => {
    const m = create(fx.ids.h1, { note: 'x'.repeat(400) });
    const body = JSON.stringify(envelope({ mutations: Array.from({ length: 1400 }, () => m) }));
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    const res = await post('collector', body);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await claims()).toBe(0);
  });

  it('refuses anything but JSON with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post('collector', JSON.stringify(envelope({ mutations: [create()] })), { 'content-type': type });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    }
    expect(await claims()).toBe(0);
  });

  it(`refuses more than ${MAX_BATCH_ITEMS} mutations with 413 batch_too_large and applies none of them`, async () => {
    expect(maxBatchItems({})).toBe(MAX_BATCH_ITEMS);
    const tooMany = Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => create());
    const { status, json } = await sync('collector', { mutations: tooMany });
    expect(status).toBe(413);
    expect(json.error?.code).toBe('batch_too_large');
    expect(await claims()).toBe(0);
    const justEnough = await sync('collector', { mutations: tooMany.slice(0, MAX_BATCH_ITEMS) });
    expect(justEnough.status).toBe(200);
    expect(justEnough.json.results).toHaveLength(MAX_BATCH_ITEMS);
    expect(await entries()).toBe(MAX_BATCH_ITEMS);
  });

  it('tells an outdated app to update (426) before anything else, and applies nothing', async () => {
    for (const old of [{ protocol: PROTOCOL_VERSION - 1 }, { schema: SCHEMA_VERSION - 1 }]) {
      const { status, json } = await sync('collector', { ...old, mutations: [create()] });
      expect(status).toBe(426);
      expect(json.error?.code).toBe('client_outdated');
    }
    // Even with more mutations than allowed, or an envelope of another shape.
    const res = await post('collector', JSON.stringify({ protocol: 1, schema: 1, items: Array.from({ length: 600 }, () => create()) }));
    expect(res.status).toBe(426);
    expect(await claims()).toBe(0);
  });

  it('gzips answers for clients that accept it, and only for them', async () => {
    // (The fixture's rows are not in the change log; pushed entries are, and come back in the pull.)
    expect((await sync('collector', { mutations: Array.from({ length: 30 }, () => create()) })).status).toBe(200);
    const body = JSON.stringify(envelope());
    const zipped = await post('collector', body, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const unzipped = JSON.parse(zlib.gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')) as SyncResponse;
    expect(unzipped.scopes).toContain(scopeOfVillage(fx.ids.v1));
    for (const accept of [undefined, 'identity', 'gzip;q=0, br']) {
      const plain = await post('collector', body, accept ? { 'accept-encoding': accept } : {});
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(((await plain.json()) as SyncResponse).scopes).toEqual(unzipped.scopes);
    }
  });

  it('a collector moved to another village: the old village leaves the scopes, and writes to it are forbidden per item', async () => {
    const v1 = scopeOfVillage(fx.ids.v1);
    const v2 = scopeOfVillage(fx.ids.v2);
    const before = create();
    const first = await sync('collector', { mutations: [before] });
    expect(first.json.results).toEqual([{ id: before.id, status: 'applied' }]);
    expect(first.json.scopes).toEqual([scopeOfTownship(fx.ids.t1), v1]);
    const cursors = Object.fromEntries(first.json.changes.map((c) => [c.scope, c.cursor]));

    // The village admin reassigns the collector (done in the database here; no API for it yet).
    await fx.deps.db.deleteFrom('user_villages').where('user_id', '=', fx.ids.users.collector).execute();
    await fx.deps.db.insertInto('user_villages').values({ user_id: fx.ids.users.collector, village_id: fx.ids.v2 }).execute();

    // Unsent work for the old village, still in the phone's outbox, plus new work in the new one.
    const late = create();
    const withdraw: Mutation = { id: uuidv7(), kind: 'entry.withdraw', deviceSeq: ++seq, at: fx.deps.now().toISOString(), payload: { entryId: (before.payload as { entryId: string }).entryId, reason: '录错' } };
    const edit: Mutation = { id: uuidv7(), kind: 'household.update', deviceSeq: ++seq, at: fx.deps.now().toISOString(), payload: { householdId: fx.ids.h1, baseVersion: 1, fields: { groupNo: 3 } } };
    const fresh = create(fx.ids.h2);
    const after = await sync('collector', { mutations: [late, withdraw, edit, fresh], cursors });
    expect(after.status).toBe(200);
    expect(after.json.results.map((r) => [r.status, r.code])).toEqual([
      ['forbidden', 'out_of_scope'], ['forbidden', 'out_of_scope'], ['forbidden', 'out_of_scope'], ['applied', undefined],
    ]);
    // The old village is no longer listed, and no page of it comes, whatever cursor the phone sends.
    expect(after.json.scopes).toEqual([scopeOfTownship(fx.ids.t1), v2]);
    expect(after.json.changes.map((c) => c.scope)).toEqual([scopeOfTownship(fx.ids.t1), v2]);
    const v2page = after.json.changes.find((c) => c.scope === v2)!;
    // The new village's page: the entry just created there is the phone's own, so it is not
    // echoed, but the cursor moves past it.
    expect(v2page.tables.entry).toBeUndefined();
    expect(v2page.cursor).toBeGreaterThan(0);
    // Nothing of the refused items was stored; the earlier entry is untouched.
    const stored = await fx.deps.db.selectFrom('entries').select(['id', 'state', 'village_id']).orderBy('created_at').execute();
    expect(stored.map((e) => [e.village_id, e.state])).toEqual([[fx.ids.v1, 'submitted'], [fx.ids.v2, 'submitted']]);
    expect((await fx.deps.db.selectFrom('households').select('group_no').where('id', '=', fx.ids.h1).executeTakeFirstOrThrow()).group_no).toBe(1);
  });
});
