// Cash incentives (信用激励兑现, issue 8): the township funds its budget and tops up village funds,
// sets a payout round's amounts per star level for a closed period (one list per village, from
// the period's frozen standings); the village posts its list publicly, approves it once the
// window has ended; the township approves; the payment posts one ledger transfer per household
// (village_fund → cash_paid), never more than the fund holds (the ledger refuses in the same
// transaction); a returned payout goes back (cash_paid → village_fund). Points are never cashed.
import { Hono } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { AppError, conflict, notFound } from '../../http/errors';
import { jsonBody } from '../../http/validate';
import { recordAudit } from '../../repositories/audit';
import { balanceOf, postTransfer } from '../../repositories/ledger';
import { listPeriodStandings, villagesWithClosedPeriod } from '../../repositories/periods';
import { listVillageIdsOfTownship, listVillagesByIds } from '../../repositories/villages';
import {
  findList, findRound, findRoundByPeriod, insertList, insertRound, listItems, listListsOfRound, listListsOfVillage, listRounds,
  lockVillageLists, outstandingFen, setListStatus, settleItem,
} from '../../repositories/payouts';
import {
  checkListAction, checkStarAmounts, formatYuan, MAX_TOP_UP_FEN, nextStatus, payoutKeys, payoutLines,
  POST_DAYS_DEFAULT, POST_DAYS_MAX, POST_DAYS_MIN, type ListAction, type StarAmounts,
} from '../../../shared/domain/payouts';
import { fundAccount, listDto, payoutSummary, type Actor } from './read';

const fen = z.number().int().min(1).max(MAX_TOP_UP_FEN);
const key = z.string().min(8).max(100).regex(/^[\w.:-]+$/);
const moneyBody = z.object({ amountFen: fen, idempotencyKey: key, memo: z.string().max(100).optional() });
const PERIOD_KEY = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/;
const starFen = z.number().int().min(0);
const roundBody = z.object({
  periodKey: z.string().regex(PERIOD_KEY),
  title: z.string().trim().min(1).max(60).optional(),
  amounts: z.object({ 5: starFen, 4: starFen, 3: starFen, 2: starFen, 1: starFen }),
  postDays: z.number().int().min(POST_DAYS_MIN).max(POST_DAYS_MAX).optional(),
});
const postBody = z.object({ days: z.number().int().min(POST_DAYS_MIN).max(POST_DAYS_MAX).optional() });
const approvalBody = z.object({}).strict();
const paymentBody = z.object({ unpaidItemIds: z.array(z.string().max(64)).max(2000).optional(), reason: z.string().trim().max(200).optional() });
const returnBody = z.object({ reason: z.string().trim().min(2).max(200) });

const actorOf = (c: { get(k: 'user'): AppEnv['Variables']['user'] }): Actor => {
  const u = requireUser(c.get('user'));
  return { id: u.id, role: u.role };
};

export const townshipPayoutRoutes = new Hono<AppEnv>()
  .get('/summary', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    return c.json(await payoutSummary(c.get('deps').db, townshipId), 200);
  })
  // The township's budget is funded from the world (budget_source → township_budget).
  .post('/budget', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(moneyBody), async (c) => {
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const at = deps.now().toISOString();
    const result = await writeTransaction(deps, async (trx) => {
      const t = await postTransfer(trx, {
        idempotencyKey: `payout.budget:${townshipId}:${body.idempotencyKey}`, kind: 'payout.budget', unit: 'fen', townshipId, villageId: null,
        memo: body.memo ?? '', actorId: user.id, at,
        legs: [{ account: { kind: 'budget_source', ownerId: townshipId }, amount: -body.amountFen }, { account: { kind: 'township_budget', ownerId: townshipId }, amount: body.amountFen }],
      });
      if (!t.replayed) await recordAudit(trx, { townshipId, actorId: user.id, action: 'payout.budget', subjectKind: 'ledger_transfer', subjectId: t.transferId, detail: { amountFen: body.amountFen }, at });
      return t;
    });
    return c.json({ ...result, budgetFen: await balanceOf(deps.db, { kind: 'township_budget', ownerId: townshipId }) }, result.replayed ? 200 : 201);
  })
  // A top-up of a village fund from the township's budget (township_budget → village_fund).
  .post('/villages/:villageId/top-up', allow({ roles: TOWNSHIP_STAFF, scope: 'village' }), jsonBody(moneyBody), async (c) => {
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const deps = c.get('deps');
    const villageId = c.req.param('villageId');
    const body = c.req.valid('json');
    const at = deps.now().toISOString();
    const result = await writeTransaction(deps, async (trx) => {
      const t = await postTransfer(trx, {
        idempotencyKey: `payout.topup:${villageId}:${body.idempotencyKey}`, kind: 'payout.topup', unit: 'fen', townshipId, villageId,
        memo: body.memo ?? '', actorId: user.id, at,
        legs: [{ account: { kind: 'township_budget', ownerId: townshipId }, amount: -body.amountFen }, fundLeg(villageId, body.amountFen)],
      });
      if (!t.replayed) await recordAudit(trx, { townshipId, villageId, actorId: user.id, action: 'payout.topup', subjectKind: 'ledger_transfer', subjectId: t.transferId, detail: { amountFen: body.amountFen }, at });
      return t;
    });
    return c.json({ ...result, fundFen: await balanceOf(deps.db, fundAccount(villageId), { includePending: true }) }, result.replayed ? 200 : 201);
  })
  .get('/rounds', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), async (c) => {
    const townshipId = assertTownship(requireUser(c.get('user')));
    return c.json({ rounds: await listRounds(c.get('deps').db, townshipId) }, 200);
  })
  // A round: the amounts per star level for a closed period; one draft list per village that has
  // closed the period and has households with a paid star level.
  .post('/rounds', allow({ roles: TOWNSHIP_STAFF, scope: 'township' }), jsonBody(roundBody), async (c) => {
    const user = requireUser(c.get('user'));
    const townshipId = assertTownship(user);
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const amounts = body.amounts as StarAmounts;
    const problem = checkStarAmounts(amounts);
    if (problem) throw new AppError(400, 'payout_bad_amounts', problem);
    const at = deps.now().toISOString();
    const round = { id: uuidv7(), townshipId, periodKey: body.periodKey, title: body.title ?? `${body.periodKey} 信用激励兑现`, amounts, postDays: body.postDays ?? POST_DAYS_DEFAULT, createdBy: user.id, createdAt: at };
    const out = await writeTransaction(deps, async (trx) => {
      if (await findRoundByPeriod(trx, townshipId, body.periodKey)) throw conflict('payout_round_exists', `${body.periodKey} 已有兑现批次`);
      const villageIds = await listVillageIdsOfTownship(trx, townshipId);
      const closed = await villagesWithClosedPeriod(trx, villageIds, body.periodKey);
      if (closed.size === 0) throw conflict('payout_period_open', `${body.periodKey} 尚未结束评定，没有可兑现的村`);
      await insertRound(trx, round);
      const skipped: { villageId: string; reason: 'period_open' | 'nobody_eligible' }[] = [];
      let lists = 0;
      for (const villageId of villageIds) {
        if (!closed.has(villageId)) { skipped.push({ villageId, reason: 'period_open' }); continue; }
        const lines = payoutLines(await listPeriodStandings(trx, villageId, body.periodKey), amounts);
        if (lines.length === 0) { skipped.push({ villageId, reason: 'nobody_eligible' }); continue; }
        await insertList(trx, { id: uuidv7(), townshipId, roundId: round.id, villageId, periodKey: body.periodKey, at }, lines.map((l) => ({ ...l, id: uuidv7() })));
        lists++;
      }
      await recordAudit(trx, { townshipId, actorId: user.id, action: 'payout.round', subjectKind: 'payout_round', subjectId: round.id, rowCount: lists, detail: { periodKey: body.periodKey, amounts }, at });
      return { lists, skipped };
    });
    return c.json({ round, lists: await listListsOfRound(deps.db, round.id), skipped: out.skipped }, 201);
  })
  .get('/rounds/:payoutRoundId', allow({ roles: TOWNSHIP_STAFF, scope: 'payout_round' }), async (c) => {
    const db = c.get('deps').db;
    const round = await findRound(db, c.req.param('payoutRoundId'));
    if (!round) throw notFound('兑现批次不存在');
    return c.json({ round, lists: await listListsOfRound(db, round.id) }, 200);
  });

export const villagePayoutRoutes = new Hono<AppEnv>()
  .get('/:villageId/payouts', allow({ roles: ['committee', 'admin', 'township'], scope: 'village' }), async (c) => {
    const db = c.get('deps').db;
    const villageId = c.req.param('villageId');
    const [village] = await listVillagesByIds(db, [villageId]);
    return c.json({
      village: village ? { id: village.id, name: village.name } : null,
      lists: await listListsOfVillage(db, villageId),
      fundFen: await balanceOf(db, fundAccount(villageId), { includePending: true }),
    }, 200);
  });

const LIST_READERS = ['committee', 'admin', 'township'] as const;

export const payoutListRoutes = new Hono<AppEnv>()
  .get('/lists/:listId', allow({ roles: LIST_READERS, scope: 'payout_list' }), async (c) => {
    const db = c.get('deps').db;
    return c.json(await listDto(db, c.req.param('listId'), c.get('deps').now().toISOString()), 200);
  })
  // The village posts the list publicly (board and printed sheet) for a window.
  .post('/lists/:listId/post', allow({ roles: ['committee', 'admin'], scope: 'payout_list' }), jsonBody(postBody), async (c) => {
    const deps = c.get('deps');
    const actor = actorOf(c);
    const body = c.req.valid('json');
    const listId = c.req.param('listId');
    await writeTransaction(deps, async (trx) => {
      const list = await loadForAction(trx, listId, 'post', deps.now().toISOString());
      const round = await findRound(trx, list.roundId);
      const now = deps.now();
      const ends = new Date(now.getTime() + (body.days ?? round?.postDays ?? POST_DAYS_DEFAULT) * 86_400_000).toISOString();
      await transition(trx, list, 'post', { postedBy: actor.id, postedAt: now.toISOString(), postEndsAt: ends });
      await recordAudit(trx, { townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: 'payout.post', subjectKind: 'payout_list', subjectId: list.id, rowCount: list.householdCount, detail: { postEndsAt: ends }, at: now.toISOString() });
    });
    return c.json(await listDto(deps.db, listId, deps.now().toISOString()), 200);
  })
  .post('/lists/:listId/village-approval', allow({ roles: ['committee', 'admin'], scope: 'payout_list' }), jsonBody(approvalBody), async (c) => {
    await approve(c.get('deps'), c.req.param('listId'), actorOf(c), 'village_approve');
    return c.json(await listDto(c.get('deps').db, c.req.param('listId'), c.get('deps').now().toISOString()), 200);
  })
  .post('/lists/:listId/township-approval', allow({ roles: TOWNSHIP_STAFF, scope: 'payout_list' }), jsonBody(approvalBody), async (c) => {
    await approve(c.get('deps'), c.req.param('listId'), actorOf(c), 'township_approve');
    return c.json(await listDto(c.get('deps').db, c.req.param('listId'), c.get('deps').now().toISOString()), 200);
  })
  // The payment: one transfer per household paid (village_fund → cash_paid), all in one
  // transaction with the fund check; households not reached are marked unpaid (no money moves).
  .post('/lists/:listId/payment', allow({ roles: LIST_READERS, scope: 'payout_list' }), jsonBody(paymentBody), async (c) => {
    const deps = c.get('deps');
    const actor = actorOf(c);
    const body = c.req.valid('json');
    const listId = c.req.param('listId');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const list = await loadForAction(trx, listId, 'pay', at);
      const items = (await listItems(trx, listId)).filter((i) => i.status === 'due');
      const unpaid = new Set(body.unpaidItemIds ?? []);
      const unknown = [...unpaid].filter((id) => !items.some((i) => i.id === id));
      if (unknown.length) throw new AppError(400, 'payout_unknown_item', `名单中没有这些待发放项：${unknown.slice(0, 3).join('、')}`);
      let paidFen = 0;
      for (const item of items) {
        if (unpaid.has(item.id)) {
          await settleItem(trx, item.id, 'due', 'unpaid', { reason: body.reason ?? '未领取', by: actor.id, at });
          continue;
        }
        const t = await postTransfer(trx, {
          idempotencyKey: payoutKeys.pay(item.id), kind: 'payout.pay', unit: 'fen', townshipId: list.townshipId, villageId: list.villageId,
          memo: `${list.periodKey} ★${item.stars}`, actorId: actor.id, at,
          legs: [fundLeg(list.villageId, -item.amountFen), { account: { kind: 'cash_paid', ownerId: list.villageId }, amount: item.amountFen }],
        });
        await settleItem(trx, item.id, 'due', 'paid', { payTransferId: t.transferId, by: actor.id, at });
        paidFen += item.amountFen;
      }
      await transition(trx, list, 'pay', { paidBy: actor.id, paidAt: at });
      await recordAudit(trx, { townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: 'payout.pay', subjectKind: 'payout_list', subjectId: list.id, rowCount: items.length - unpaid.size, detail: { paidFen, unpaid: unpaid.size }, at });
    });
    return c.json(await listDto(deps.db, listId, deps.now().toISOString()), 200);
  })
  // A paid payout handed back (wrong household, refused): the money returns to the fund.
  .post('/lists/:listId/items/:itemId/return', allow({ roles: LIST_READERS, scope: 'payout_list' }), jsonBody(returnBody), async (c) => {
    const deps = c.get('deps');
    const actor = actorOf(c);
    const { reason } = c.req.valid('json');
    const listId = c.req.param('listId');
    const itemId = c.req.param('itemId');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const list = await findList(trx, listId, { lock: true });
      const item = (await listItems(trx, listId)).find((i) => i.id === itemId);
      if (!list || !item) throw notFound('名单中没有这一项');
      if (item.status !== 'paid') throw conflict('payout_not_paid', '只有已发放的款项才能退回');
      const t = await postTransfer(trx, {
        idempotencyKey: payoutKeys.return(item.id), kind: 'payout.return', unit: 'fen', townshipId: list.townshipId, villageId: list.villageId,
        memo: reason, actorId: actor.id, at,
        legs: [{ account: { kind: 'cash_paid', ownerId: list.villageId }, amount: -item.amountFen }, fundLeg(list.villageId, item.amountFen)],
      });
      await settleItem(trx, item.id, 'paid', 'returned', { returnTransferId: t.transferId, reason, by: actor.id, at });
      await recordAudit(trx, { townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: 'payout.return', subjectKind: 'payout_item', subjectId: item.id, detail: { amountFen: item.amountFen }, at });
    });
    return c.json(await listDto(deps.db, listId, deps.now().toISOString()), 200);
  });

const fundLeg = (villageId: string, amount: number) => ({ account: fundAccount(villageId), amount });

type Trx = Parameters<Parameters<typeof writeTransaction>[1]>[0];

/** The list, locked, with the action's state check (409 with a Chinese reason when refused). */
async function loadForAction(trx: Trx, listId: string, action: ListAction, now: string, fund?: { availableFen: number; otherOutstandingFen: number }) {
  const list = await findList(trx, listId, { lock: true });
  if (!list) throw notFound('兑现名单不存在');
  const refusal = checkListAction(action, list, { now, fundAvailableFen: fund?.availableFen, otherOutstandingFen: fund?.otherOutstandingFen });
  if (refusal) throw conflict(refusal.code, refusal.message);
  return list;
}

async function transition(trx: Trx, list: { id: string; status: Parameters<typeof setListStatus>[2] }, action: ListAction, patch: Parameters<typeof setListStatus>[4]) {
  if (!(await setListStatus(trx, list.id, list.status, nextStatus(action), patch))) throw conflict('payout_invalid_state', '名单状态已变化，请刷新后重试');
}

/**
 * Village or township approval: the fund (its available balance) must hold this list and every
 * other approved list of the village still to be paid. The village's lists are locked first, so
 * two approvals in one village queue (PostgreSQL; SQLite's write lock already serialises them).
 */
async function approve(deps: Parameters<typeof writeTransaction>[0] & { now(): Date }, listId: string, actor: Actor, action: 'village_approve' | 'township_approve') {
  const at = deps.now().toISOString();
  await writeTransaction(deps, async (trx) => {
    const first = await findList(trx, listId);
    if (!first) throw notFound('兑现名单不存在');
    await lockVillageLists(trx, first.villageId);
    const fund = {
      availableFen: await balanceOf(trx, fundAccount(first.villageId), { includePending: true }),
      otherOutstandingFen: await outstandingFen(trx, first.villageId, listId),
    };
    const list = await loadForAction(trx, listId, action, at, fund);
    const patch = action === 'village_approve' ? { villageApprovedBy: actor.id, villageApprovedAt: at } : { townshipApprovedBy: actor.id, townshipApprovedAt: at };
    await transition(trx, list, action, patch);
    await recordAudit(trx, {
      townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: `payout.${action}`, subjectKind: 'payout_list', subjectId: list.id,
      rowCount: list.householdCount, detail: { totalFen: list.totalFen, fundFen: fund.availableFen, total: formatYuan(list.totalFen) }, at,
    });
  });
}

