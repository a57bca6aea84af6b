// Upgrades with unsent work on the phones (issue 10): bodies recorded from the app of protocol 1 /
// schema 2 (server/test/recorded/) are sent to this server, whatever kinds its protocol has gained
// since (additive kinds keep PROTOCOL_VERSION). Every recorded item must be applied — a phone's
// outbox drains after the server was upgraded — and a replay of the first batch (its answer lost
// in the upgrade's restart) is acknowledged as duplicate, not stored again.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/processes';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/protocol/sync';
import { count, openSyncWorld, postSync, type SyncWorld } from '../test/sync-fixture';
import { testDialects } from '../test/databases';

const RECORDED = path.join(REPO_ROOT, 'server', 'test', 'recorded', 'sync-protocol1-schema2.json');

function recordedBatches(ids: Record<string, string>): { protocol: number; schema: number; mutations: { id: string; kind: string }[] }[] {
  const text = fs.readFileSync(RECORDED, 'utf8').replace(/"\$(\w+)"/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`recorded body names unknown $${name}`);
    return JSON.stringify(ids[name]);
  });
  return (JSON.parse(text) as { batches: ReturnType<typeof recordedBatches> }).batches;
}

describe.each(await testDialects())('a phone of the previous release drains its outbox on %s', (dialect) => {
  let s: SyncWorld;
  beforeEach(async () => {
    s = await openSyncWorld(dialect);
  });
  afterEach(async () => {
    await s.t.drop();
  });

  it('recorded protocol-1 / schema-2 pushes are applied, and their replay is a duplicate', async () => {
    const { w, app } = s;
    const [first, second] = recordedBatches({ h1: w.h1, h1b: w.h1b, p1: w.p1, catalogId: w.catalogId });
    // The recorded version is still the one this server speaks (a bump must keep accepting it or
    // tell the app to update: then this test and docs/sync-protocol.md say how the outbox drains).
    expect([first.protocol, first.schema]).toEqual([PROTOCOL_VERSION, SCHEMA_VERSION]);

    const a = await postSync(app, 'collector', first);
    expect(a.status).toBe(200);
    expect(a.json.results.map((r) => [r.id, r.status])).toEqual(first.mutations.map((m) => [m.id, 'applied']));
    const b = await postSync(app, 'collector', second);
    expect(b.status).toBe(200);
    expect(b.json.results.map((r) => r.status)).toEqual(['duplicate', 'applied']);
    expect(await count(s.t, 'entries')).toBe(2);
    expect(await count(s.t, 'sync_mutations')).toBe(5);
    const withdrawn = await s.t.db.selectFrom('entries').select('state').where('id', '=', '0190b000-0001-7000-8000-0000000000e2').executeTakeFirstOrThrow();
    expect(withdrawn.state).toBe('withdrawn');
    // And the answer's pull is complete for the old client: its pages carry the two entries.
    expect(a.json.changes.length).toBeGreaterThan(0);
  });
});
