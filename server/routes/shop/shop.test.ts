// The points shop and due process on the ledger, through the API, on SQLite and PostgreSQL:
// issuing (effective entries credit standing and redeemable points, deductions standing only,
// reversals undo exactly what was posted), redemptions by the resident and by a clerk (reserved →
// handed over with a photo | cancelled | voided after 30 days), the last-item race (from states
// reached through the routes: points earned by sync → review → notice → settle), year-end expiry
// (oldest first, idempotent), the offline hand-over through POST /api/sync with per-item
// rejections, and bad input (negative amounts, unknown items, a reused idempotency key → 409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { writeTransaction } from '../../db/transaction';
import { transitionEntries } from '../../repositories/entry-events';
import { balanceOf, balancesOf } from '../../repositories/ledger';
import { householdPoints, householdStanding } from '../../../shared/domain/points-ledger';
import { backfillEffectiveEntries, runYearEndExpiry, voidLapsedReservations } from '../../jobs/points-jobs';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type SyncResponse } from '../../../shared/protocol/sync';
import { fakeJpeg, sha256Hex, uploadPhoto } from '../../test/evidence';
import { earnPointsThroughRoutes } from '../../test/points';

const DAY = 86_400_000;
const DEVICE = '0190a000-0000-7000-8000-00000000e1e1';

describe.each(await testDialects())('points shop on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  const effective = async (points: number, householdId = fx.ids.h1, occurredOn?: string) => {
    const id = await fx.addEntry({ points, householdId, state: 'publicized', occurredOn });
    const h = await fx.deps.db.selectFrom('households').select('village_id').where('id', '=', householdId).executeTakeFirstOrThrow();
    await writeTransaction(fx.deps, (trx) => transitionEntries(trx, {
      villageId: h.village_id, entryIds: [id], from: 'publicized', event: 'settle', actor: 'system', actorId: 'system', reason: '公示期满无异议', at: fx.deps.now().toISOString(),
    }));
    return id;
  };
  const points = (h = fx.ids.h1) => balancesOf(fx.deps.db, householdPoints(h));
  const year = () => fx.deps.now().getUTCFullYear();
  const newItem = async (name: string, pointsPrice: number, stock: number, villageId = fx.ids.v1) => {
    const res = await fx.request('committee', 'POST', `/api/villages/${villageId}/shop/items`, { name, pointsPrice });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    if (stock > 0) {
      const s = await fx.request('committee', 'POST', `/api/villages/${villageId}/shop/stock`, { idempotencyKey: uuidv7(), itemId: id, direction: 'receive', quantity: stock });
      expect(s.status).toBe(201);
    }
    return id as string;
  };
  const residentRequest = (itemId: string, quantity = 1, id = uuidv7()) =>
    fx.request('resident', 'POST', `/api/households/${fx.ids.h1}/redemptions`, { id, itemId, quantity });

  it('an effective entry credits standing and redeemable points; a deduction reduces standing only; a reversal undoes exactly its entry', async () => {
    const h = await fx.addHousehold(fx.ids.v1, '9001');
    const plus = await effective(10, h);
    await effective(-5, h);
    expect(await balanceOf(fx.deps.db, householdStanding(h, year()))).toBe(5);
    expect((await points(h)).posted).toBe(10);
    // A reversing entry becomes effective: the original becomes reversed, and its posting is undone.
    const rev = await fx.addEntry({ points: -10, householdId: h, state: 'publicized' });
    await fx.deps.db.updateTable('entries').set({ reverses: plus }).where('id', '=', rev).execute();
    await writeTransaction(fx.deps, (trx) => transitionEntries(trx, {
      villageId: fx.ids.v1, entryIds: [rev], from: 'publicized', event: 'settle', actor: 'system', actorId: 'system', reason: '公示期满无异议', at: fx.deps.now().toISOString(),
    }));
    expect((await fx.deps.db.selectFrom('entries').select('state').where('id', '=', plus).executeTakeFirstOrThrow()).state).toBe('reversed');
    expect(await balanceOf(fx.deps.db, householdStanding(h, year()))).toBe(-5);
    expect((await points(h)).posted).toBe(0);
  });

  it('a resident requests a redemption: points and stock reserved; a clerk hands it over with a photo; posted', async () => {
    await effective(50);
    const before = (await points()).posted;
    const rice = await newItem('大米 5斤', 20, 3);
    const id = uuidv7();
    const res = await residentRequest(rice, 2, id);
    expect(res.status).toBe(201);
    expect(await points()).toMatchObject({ posted: before, available: before - 40 });
    const view = await (await fx.request('resident', 'GET', `/api/households/${fx.ids.h1}/points`)).json();
    expect(view.items.find((i: { id: string }) => i.id === rice)).toMatchObject({ onShelf: 3, available: 1, pointsPrice: 20 });
    expect(view.redemptions[0]).toMatchObject({ id, status: 'reserved', points: 40 });
    // The same request again is a no-op.
    expect((await residentRequest(rice, 2, id)).status).toBe(200);
    expect((await residentRequest(rice, 1, id)).status).toBe(409);

    const photo = fakeJpeg(4000);
    expect((await uploadPhoto(fx, 'committee', photo)).status).toBe(201);
    const h = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/redemptions/${id}/handover`, { proofKind: 'photo', proofSha256: sha256Hex(photo) });
    expect(h.status).toBe(200);
    expect(await points()).toMatchObject({ posted: before - 40, available: before - 40 });
    const list = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/shop/redemptions`)).json();
    expect(list.redemptions.find((r: { id: string }) => r.id === id)).toMatchObject({ status: 'handed_over', proofKind: 'photo' });
    const report = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/shop/report`)).json();
    expect(report.items.find((i: { itemId: string }) => i.itemId === rice)).toMatchObject({ handedOver: 2, received: 3, onShelf: 1 });
    // Cancelling what was handed over is refused.
    expect((await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/redemptions/${id}/cancel`, { reason: '误操作' })).status).toBe(409);
  });

  it('a clerk requests for a household, the household cancels: points and stock released', async () => {
    const oil = await newItem('食用油', 5, 1);
    const id = uuidv7();
    const before = (await points()).available;
    expect((await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/redemptions`, { id, householdId: fx.ids.h1, itemId: oil, quantity: 1 })).status).toBe(201);
    expect((await points()).available).toBe(before - 5);
    expect((await fx.request('resident', 'POST', `/api/households/${fx.ids.h1}/redemptions/${id}/cancel`, { reason: '不需要了' })).status).toBe(200);
    expect((await points()).available).toBe(before);
    const items = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/shop/items`)).json();
    expect(items.items.find((i: { id: string }) => i.id === oil)).toMatchObject({ available: 1 });
    // A clerk cannot request for a household of another village; a resident cannot cancel another's.
    expect((await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/redemptions`, { id: uuidv7(), householdId: fx.ids.h2, itemId: oil, quantity: 1 })).status).toBe(404);
  });

  it('the last item: of racing redemptions exactly one wins (from states reached through the routes)', async () => {
    // Points earned as a village earns them: recorded by sync, approved, posted, settled by the job.
    const before = (await points()).available;
    await earnPointsThroughRoutes(fx, { householdId: fx.ids.h1, personId: fx.ids.p1, villageId: fx.ids.v1, points: 10, entries: 6 });
    expect((await points()).available).toBe(before + 60);
    // The item made and its one piece received through the shop's routes; then five requests at once.
    const last = await newItem('电饭煲', 10, 1);
    const results = await Promise.all(Array.from({ length: 5 }, () => residentRequest(last)));
    const codes = results.map((r) => r.status).sort();
    expect(codes).toEqual([201, 409, 409, 409, 409]);
    const bodies = await Promise.all(results.filter((r) => r.status === 409).map((r) => r.json()));
    for (const b of bodies) expect(b.error).toMatchObject({ code: 'LEDGER_INSUFFICIENT', message: expect.stringContaining('积分超市库存不足') });
    // Exactly one reservation: the shelf's available stock is 0, never below; one household's 10 points held.
    const items = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/shop/items`)).json();
    expect(items.items.find((i: { id: string }) => i.id === last)).toMatchObject({ onShelf: 1, available: 0 });
    expect((await points()).available).toBe(before + 60 - 10);
  });

  it('not enough points → 409 naming the points; bad input → 400; unknown item → 404; a reused stock key with another body → 409', async () => {
    const gold = await newItem('金条', 99_999, 5);
    const poor = await residentRequest(gold);
    expect(poor.status).toBe(409);
    expect((await poor.json()).error.message).toContain('农户可兑换积分不足');
    for (const body of [{ id: uuidv7(), itemId: gold, quantity: -1 }, { id: uuidv7(), itemId: gold, quantity: 0 }, { id: 'x', itemId: gold, quantity: 1 }, { id: uuidv7(), itemId: gold, quantity: 1.5 }]) {
      expect((await fx.request('resident', 'POST', `/api/households/${fx.ids.h1}/redemptions`, body)).status).toBe(400);
    }
    expect((await residentRequest(uuidv7())).status).toBe(404);
    expect((await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/items`, { name: '负价', pointsPrice: -5 })).status).toBe(400);
    const key = uuidv7();
    const move = (quantity: number) => fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/stock`, { idempotencyKey: key, itemId: gold, direction: 'write_off', quantity });
    expect((await move(-2)).status).toBe(400);
    expect((await move(2)).status).toBe(201);
    expect((await move(2)).status).toBe(200);
    const reused = await move(3);
    expect(reused.status).toBe(409);
    expect((await reused.json()).error.code).toBe('LEDGER_KEY_REUSED');
    // Writing off more than is on the shelf: stock never goes negative.
    const over = await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/stock`, { idempotencyKey: uuidv7(), itemId: gold, direction: 'write_off', quantity: 4 });
    expect(over.status).toBe(409);
    // Another village's item through this village: 404.
    const other = await newItem('别村的米', 1, 1, fx.ids.v1);
    expect((await fx.request('admin', 'POST', `/api/villages/${fx.ids.v2}/shop/stock`, { idempotencyKey: uuidv7(), itemId: other, direction: 'receive', quantity: 1 })).status).toBe(404);
  });

  it('a reservation lapses after 30 days (job); a hand-over synced from an offline phone is checked at sync, per item', async () => {
    const soap = await newItem('肥皂', 2, 2);
    const lapsed = uuidv7();
    const live = uuidv7();
    const cancelled = uuidv7();
    expect((await residentRequest(soap, 1, lapsed)).status).toBe(201);
    fx.clock.advance(31 * DAY);
    expect(await voidLapsedReservations(fx.deps, fx.deps.now())).toBeGreaterThanOrEqual(1);
    expect(await voidLapsedReservations(fx.deps, fx.deps.now())).toBe(0);
    expect((await residentRequest(soap, 1, live)).status).toBe(201);
    expect((await residentRequest(soap, 1, cancelled)).status).toBe(201);
    expect((await fx.request('resident', 'POST', `/api/households/${fx.ids.h1}/redemptions/${cancelled}/cancel`, { reason: '不要了' })).status).toBe(200);
    // Now the shelf has 2, one reserved (live); the lapsed one can still be honoured from the other.
    const photo = sha256Hex(fakeJpeg(100));
    const item = (redemptionId: string, seq: number) => ({ id: uuidv7(), kind: 'shop.handover', deviceSeq: seq, at: fx.deps.now().toISOString(), payload: { redemptionId, proofKind: 'photo', proofSha256: photo } });
    const res = await fx.request('committee', 'POST', '/api/sync', {
      protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: DEVICE, cursors: {},
      mutations: [item(live, 1), item(lapsed, 2), item(cancelled, 3), item(uuidv7(), 4)],
    });
    expect(res.status).toBe(200);
    const { results } = await res.json() as SyncResponse;
    expect(results.map((r) => [r.status, r.code ?? ''])).toEqual([
      ['applied', ''], ['applied', ''], ['rejected', 'redemption_cancelled'], ['rejected', 'redemption_unknown'],
    ]);
    expect(results[2].message).toMatch(/^无法交付：/);
    // The shelf is empty now: another lapsed hand-over would be refused for stock.
    const items = await (await fx.request('committee', 'GET', `/api/villages/${fx.ids.v1}/shop/items`)).json();
    expect(items.items.find((i: { id: string }) => i.id === soap)).toMatchObject({ onShelf: 0, available: 0 });
  });

  it('year-end expiry: what is left of last year\'s points expires at the end of this year, oldest first, once', async () => {
    const h = await fx.addHousehold(fx.ids.v1, '9002');
    const y0 = year();
    await effective(30, h);
    fx.clock.advance(365 * DAY);
    const y1 = year();
    expect(y1).toBe(y0 + 1);
    await effective(20, h);
    const view = await (await fx.request('committee', 'GET', `/api/households/${h}/points`)).json();
    expect(view.expiring).toEqual([
      { earnedYear: y0, amount: 30, expiresOn: `${y1}-12-31` }, { earnedYear: y1, amount: 20, expiresOn: `${y1 + 1}-12-31` },
    ]);
    // Spending 10 takes from the oldest lot.
    const item = await newItem('毛巾', 10, 1);
    const rid = uuidv7();
    expect((await fx.request('committee', 'POST', `/api/villages/${fx.ids.v1}/shop/redemptions`, { id: rid, householdId: h, itemId: item, quantity: 1 })).status).toBe(201);
    // The end of y0 expires nothing earned in y0; the end of y1 expires the 20 left of y0.
    expect((await runYearEndExpiry(fx.deps, y0, fx.deps.now())).points).toBe(0);
    const run = await runYearEndExpiry(fx.deps, y1, fx.deps.now());
    expect(run.skipped).toBe(false);
    expect((await points(h))).toMatchObject({ posted: 30, available: 20 });
    expect((await runYearEndExpiry(fx.deps, y1, fx.deps.now())).skipped).toBe(true);
    const after = await (await fx.request('committee', 'GET', `/api/households/${h}/points`)).json();
    expect(after.expiring).toEqual([{ earnedYear: y1, amount: 20, expiresOn: `${y1 + 1}-12-31` }]);
    expect(after.history.some((l: { kind: string; amount: number }) => l.kind === 'points.expire' && l.amount === -20)).toBe(true);
  });

  it('the backfill posts effective entries written straight into their state, once', async () => {
    const h = await fx.addHousehold(fx.ids.v1, '9003');
    await fx.addEntry({ points: 8, householdId: h, state: 'effective' });
    await fx.addEntry({ points: -3, householdId: h, state: 'effective' });
    expect(await backfillEffectiveEntries(fx.deps)).toBeGreaterThanOrEqual(2);
    expect(await backfillEffectiveEntries(fx.deps)).toBe(0);
    expect((await points(h)).posted).toBe(8);
    expect(await balanceOf(fx.deps.db, householdStanding(h, year()))).toBe(5);
  });

  it('a resident sees only their own household (another → 404); staff of another village → 404', async () => {
    expect((await fx.request('resident', 'GET', `/api/households/${fx.ids.h2}/points`)).status).toBe(404);
    expect((await fx.request('resident', 'POST', `/api/households/${fx.ids.h2}/redemptions`, { id: uuidv7(), itemId: uuidv7(), quantity: 1 })).status).toBe(404);
    expect((await fx.request('committee', 'GET', `/api/households/${fx.ids.h3}/points`)).status).toBe(404);
    expect((await fx.request('committee', 'GET', `/api/villages/${fx.ids.v3}/shop/items`)).status).toBe(404);
  });
});
