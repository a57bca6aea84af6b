// Points earned the way a village earns them (issue 8 race tests start from states reached through
// the real routes): the collector records entries by sync, the committee approves them in the
// review queue and posts the notice, the window ends and the settle job makes them effective,
// which posts the household's redeemable points to the ledger. No row is written directly.
import { expect } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Fixture } from './fixtures';
import { settleNotices } from '../routes/notices/settle';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/protocol/sync';

const DAY = 86_400_000;
let deviceSeq = 0;

/** `entries` entries of `points` (B02: 5–10) for a household of v1/h1's catalog, through the routes; returns their ids. */
export async function earnPointsThroughRoutes(fx: Fixture, opts: { householdId: string; personId: string | null; villageId: string; points: number; entries: number }): Promise<string[]> {
  const ids = Array.from({ length: opts.entries }, () => uuidv7());
  const mutations = ids.map((entryId) => ({
    id: uuidv7(), kind: 'entry.create', deviceSeq: ++deviceSeq, at: fx.deps.now().toISOString(),
    payload: {
      entryId, householdId: opts.householdId, personId: opts.personId, catalogVersionId: fx.ids.cv1, indicatorCode: 'B02',
      occurredOn: fx.deps.now().toISOString().slice(0, 10), points: opts.points, note: '拾金不昧，失主确认', reverses: null,
    },
  }));
  const sync = await fx.request('collector', 'POST', '/api/sync', { protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: '0190a000-0000-7000-8000-0000000e4a11', mutations, cursors: {} });
  expect(sync.status).toBe(200);
  const results = (await sync.json()).results as { status: string }[];
  expect(results.map((r) => r.status)).toEqual(ids.map(() => 'applied'));
  for (const id of ids) {
    const res = await fx.request('committee', 'POST', `/api/review/entries/${id}/decisions`, { decision: 'approve', reason: '', basis: null });
    expect(res.status, await res.clone().text()).toBe(200);
  }
  const notice = await fx.request('committee', 'POST', `/api/villages/${opts.villageId}/notices`, {});
  expect(notice.status, await notice.clone().text()).toBe(201);
  fx.clock.advance(8 * DAY);
  await settleNotices(fx.deps, fx.deps.now());
  return ids;
}
