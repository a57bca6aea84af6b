// POST /api/sync through the real application (server/app.ts): real sessions, the /api guards,
// and the committee's real review endpoint feeding the collector's next pull.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture, type FixtureUser } from '../test/fixtures';
import type { SyncRequest, SyncResponse } from '../../shared/protocol/sync';
import { PROTOCOL_VERSION, SCHEMA_VERSION, scopeOfTownship, scopeOfVillage } from '../../shared/protocol/sync';
import { decodeRows } from '../../shared/protocol/tables';

describe.each(await testDialects())('POST /api/sync in the app on %s', (dialect) => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture(dialect);
  });
  afterEach(async () => {
    await fx.close();
  });

  const sync = async (user: FixtureUser | null, body: Partial<SyncRequest>) => {
    const res = await fx.request(user, 'POST', '/api/sync', {
      protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: uuidv7(), mutations: [], cursors: {}, ...body,
    });
    return { status: res.status, json: (await res.json()) as SyncResponse };
  };

  it('pushes with a real session, and the review decision reaches the collector pull', async () => {
    const entryId = uuidv7();
    const m = {
      id: uuidv7(), kind: 'entry.create', deviceSeq: 1, at: fx.deps.now().toISOString(),
      payload: {
        entryId, householdId: fx.ids.h1, personId: fx.ids.p1, catalogVersionId: fx.ids.cv1, indicatorCode: 'B02',
        occurredOn: '2025-06-14', points: 5, note: '拾到钱包归还', reverses: null,
      },
    };
    const pushed = await sync('collector', { mutations: [m] });
    expect(pushed.status).toBe(200);
    expect(pushed.json.results).toEqual([{ id: m.id, status: 'applied' }]);
    const scope = scopeOfVillage(fx.ids.v1);
    expect(pushed.json.scopes).toContain(scope);
    const cursors = Object.fromEntries(pushed.json.changes.map((c) => [c.scope, c.cursor]));

    const decision = await fx.request('committee', 'POST', `/api/review/entries/${entryId}/decisions`, { decision: 'approve', reason: '' });
    expect(decision.status).toBe(200);

    const pulled = await sync('collector', { cursors });
    const page = pulled.json.changes.find((c) => c.scope === scope)!;
    expect(decodeRows('entry', page.tables.entry!)).toEqual([expect.objectContaining({ id: entryId, state: 'approved' })]);
  });

  it('bootstraps a new phone with the whole fixture world of its village and township', async () => {
    const entryId = await fx.addEntry();
    const { status, json } = await sync('collector', {});
    expect(status).toBe(200);
    const page = (scope: string) => json.changes.find((c) => c.scope === scope)!;
    const village = page(scopeOfVillage(fx.ids.v1));
    expect(decodeRows('village', village.tables.village!).map((v) => v.id)).toEqual([fx.ids.v1]);
    expect(decodeRows('household', village.tables.household!).map((h) => h.id)).toEqual([fx.ids.h1]);
    expect(decodeRows('person', village.tables.person!).map((p) => p.id).sort()).toEqual([fx.ids.p1, fx.ids.p2].sort());
    expect(decodeRows('entry', village.tables.entry!).map((e) => e.id)).toEqual([entryId]);
    const township = page(scopeOfTownship(fx.ids.t1));
    expect(decodeRows('catalogVersion', township.tables.catalogVersion!).map((c) => c.id)).toEqual([fx.ids.cv1]);
    expect(decodeRows('indicator', township.tables.indicator!).length).toBeGreaterThan(10);
    // Nothing of the other township or of villages the collector does not serve.
    expect(json.changes.map((c) => c.scope).sort()).toEqual([scopeOfTownship(fx.ids.t1), scopeOfVillage(fx.ids.v1)].sort());
  });

  it('refuses anonymous callers (401) and residents (403) behind the real guards', async () => {
    expect((await sync(null, {})).status).toBe(401);
    expect((await sync('resident', {})).status).toBe(403);
    expect((await sync('township', {})).status).toBe(403);
    expect((await sync('collector', { protocol: 0 })).status).toBe(426);
  });
});
