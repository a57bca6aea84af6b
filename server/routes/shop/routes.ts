// The 积分超市 (points shop), on the ledger (issue 8; docs/api.md "Points shop"):
//   clerk (committee, admin), village scope, mounted at /api/villages:
//   GET  /:villageId/shop/items                              items with points price and stock
//   POST /:villageId/shop/items                              a new item
//   POST /:villageId/shop/items/:itemId                      price, name, on/off the shelf
//   POST /:villageId/shop/stock                              stock received / written off (a transfer)
//   GET  /:villageId/shop/redemptions?day=                   open reservations and the day's requests
//   POST /:villageId/shop/redemptions                        a redemption requested for a household
//   POST /:villageId/shop/redemptions/:redemptionId/handover posted at hand-over, with a photo or signature
//   POST /:villageId/shop/redemptions/:redemptionId/cancel   voided on cancel
//   GET  /:villageId/shop/report?day=                        a shop day's report
//   household (the resident: their own; staff: households of their villages), mounted at /api/households:
//   GET  /:householdId/points                                redeemable balance, what expires when, items, redemptions
//   POST /:householdId/redemptions                           a resident requests a redemption (resident only)
//   POST /:householdId/redemptions/:redemptionId/cancel      the resident cancels their own
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { allow, REVIEWERS } from '../../access/rules';
import { requireUser } from '../../access/guards';
import { writeTransaction } from '../../db/transaction';
import { jsonBody, queryParams } from '../../http/validate';
import { notFound } from '../../http/errors';
import {
  cancelBody, clerkRedemptionBody, createItemBody, dayQuery, handOverBody, residentRedemptionBody, stockMoveBody, updateItemBody,
} from '../../../shared/validation/shop';
import {
  createItem, dayReport, endRedemption, findRedemptionVillage, handOver, listHouseholdRedemptions, listItems,
  listVillageRedemptions, moveStock, requestRedemption, updateItem,
} from '../../repositories/shop';
import { expirySchedule } from '../../repositories/points';
import { balancesOf, legsOf } from '../../repositories/ledger';
import { householdPoints } from '../../../shared/domain/points-ledger';
import { chinaDayOf } from '../../../shared/domain/shop';
import { findHouseholdVillageId } from '../../repositories/scope-lookups';

const CLERK = { roles: REVIEWERS, scope: 'village' } as const;
const today = (now: Date, day?: string) => day ?? chinaDayOf(now.toISOString());

async function householdOfVillage(db: Parameters<typeof findHouseholdVillageId>[0], householdId: string, villageId: string) {
  if ((await findHouseholdVillageId(db, householdId)) !== villageId) throw notFound('该户不在本村');
}

export const villageShopRoutes = new Hono<AppEnv>()
  .get('/:villageId/shop/items', allow(CLERK), async (c) => {
    return c.json({ items: await listItems(c.get('deps').db, c.req.param('villageId')) }, 200);
  })
  .post('/:villageId/shop/items', allow(CLERK), jsonBody(createItemBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const id = await writeTransaction(deps, (trx) => createItem(trx, { villageId: c.req.param('villageId'), ...b, actorId: user.id, at: deps.now().toISOString() }));
    return c.json({ id }, 201);
  })
  .post('/:villageId/shop/items/:itemId', allow(CLERK), jsonBody(updateItemBody), async (c) => {
    const deps = c.get('deps');
    await writeTransaction(deps, (trx) => updateItem(trx, c.req.param('villageId'), c.req.param('itemId'), c.req.valid('json'), deps.now().toISOString()));
    return c.json({ ok: true }, 200);
  })
  .post('/:villageId/shop/stock', allow(CLERK), jsonBody(stockMoveBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const r = await writeTransaction(deps, (trx) => moveStock(trx, { villageId: c.req.param('villageId'), ...b, actorId: user.id, at: deps.now().toISOString() }));
    return c.json(r, r.replayed ? 200 : 201);
  })
  .get('/:villageId/shop/redemptions', allow(CLERK), queryParams(dayQuery), async (c) => {
    const deps = c.get('deps');
    const day = today(deps.now(), c.req.valid('query').day);
    return c.json({ day, redemptions: await listVillageRedemptions(deps.db, c.req.param('villageId'), day) }, 200);
  })
  .post('/:villageId/shop/redemptions', allow(CLERK), jsonBody(clerkRedemptionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const villageId = c.req.param('villageId');
    const r = await writeTransaction(deps, async (trx) => {
      await householdOfVillage(trx, b.householdId, villageId);
      return requestRedemption(trx, { ...b, villageId, requestedBy: user.id, requestedRole: user.role, at: deps.now().toISOString() });
    });
    return c.json(r, r.replayed ? 200 : 201);
  })
  .post('/:villageId/shop/redemptions/:redemptionId/handover', allow(CLERK), jsonBody(handOverBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const b = c.req.valid('json');
    const r = await writeTransaction(deps, (trx) => handOver(trx, {
      redemptionId: c.req.param('redemptionId'), villageId: c.req.param('villageId'), ...b, actorId: user.id, at: deps.now().toISOString(),
    }));
    return c.json(r, 200);
  })
  .post('/:villageId/shop/redemptions/:redemptionId/cancel', allow(CLERK), jsonBody(cancelBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const redemptionId = c.req.param('redemptionId');
    await writeTransaction(deps, async (trx) => {
      if ((await findRedemptionVillage(trx, redemptionId))?.villageId !== villageId) throw notFound('兑换记录不存在');
      await endRedemption(trx, { redemptionId, to: 'cancelled', reason: c.req.valid('json').reason, actorId: user.id, at: deps.now().toISOString() });
    });
    return c.json({ ok: true }, 200);
  })
  .get('/:villageId/shop/report', allow(CLERK), queryParams(dayQuery), async (c) => {
    const deps = c.get('deps');
    return c.json(await dayReport(deps.db, c.req.param('villageId'), today(deps.now(), c.req.valid('query').day)), 200);
  });

export const householdPointsRoutes = new Hono<AppEnv>()
  .get('/:householdId/points', allow({ roles: ['resident', 'committee', 'admin'], scope: 'household' }), async (c) => {
    const deps = c.get('deps');
    const householdId = c.req.param('householdId');
    const villageId = (await findHouseholdVillageId(deps.db, householdId))!;
    const [balance, expiring, items, redemptions, history] = await Promise.all([
      balancesOf(deps.db, householdPoints(householdId)),
      expirySchedule(deps.db, householdId),
      listItems(deps.db, villageId, { activeOnly: true }),
      listHouseholdRedemptions(deps.db, householdId),
      legsOf(deps.db, householdPoints(householdId), { limit: 50 }),
    ]);
    return c.json({ householdId, villageId, balance, expiring, items, redemptions, history }, 200);
  })
  .post('/:householdId/redemptions', allow({ roles: ['resident'], scope: 'household' }), jsonBody(residentRedemptionBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    const householdId = c.req.param('householdId');
    const b = c.req.valid('json');
    const r = await writeTransaction(deps, async (trx) => {
      const villageId = (await findHouseholdVillageId(trx, householdId))!;
      return requestRedemption(trx, { ...b, householdId, villageId, requestedBy: user.id, requestedRole: user.role, at: deps.now().toISOString() });
    });
    return c.json(r, r.replayed ? 200 : 201);
  })
  .post('/:householdId/redemptions/:redemptionId/cancel', allow({ roles: ['resident'], scope: 'household' }), jsonBody(cancelBody), async (c) => {
    const user = requireUser(c.get('user'));
    const deps = c.get('deps');
    await writeTransaction(deps, (trx) => endRedemption(trx, {
      redemptionId: c.req.param('redemptionId'), householdId: c.req.param('householdId'), to: 'cancelled',
      reason: c.req.valid('json').reason, actorId: user.id, at: deps.now().toISOString(),
    }));
    return c.json({ ok: true }, 200);
  });
