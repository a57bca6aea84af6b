// Cash incentives (信用激励兑现, issue 8): the township funds its budget and tops up village funds,
// sets a payout round's amounts per star level for a closed period (one list per village, from
// the period's frozen standings); the village posts its list publicly, approves it once the
// window has ended, which reserves the list's total from the fund (never more than it holds: the
// ledger refuses in the same transaction); the township approves; the payment posts one ledger
// transfer per household (paid, or held as unpaid); an unpaid payout is paid later or returned to
// the fund, a paid one may be handed back (payoutKeys in shared/domain/payouts.ts). Points are
// never cashed.
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
import { balanceOf, getTransferByKey, postTransfer } from '../../repositories/ledger';
import { listPeriodStandings, villagesWithClosedPeriod } from '../../repositories/periods';
import { listVillageIdsOfTownship, listVillagesByIds } from '../../repositories/villages';
import {
  findList, findRound, findRoundByPeriod, insertList, insertRound, listItems, listListsOfRound, listListsOfVillage, listRounds,
  lockVillageLists, outstandingFen, setListStatus, settleItem, type ItemRow, type ListRow,
} from '../../repositories/payouts';
import {
  checkListAction, checkStarAmounts, formatYuan, itemActions, ITEM_STATUS_ZH, MAX_TOP_UP_FEN, nextStatus, payoutKeys, payoutLines,
  POST_DAYS_DEFAULT, POST_DAYS_MAX, POST_DAYS_MIN, type ListAction, type StarAmounts,
} from '../../../shared/domain/payouts';
import { cashPaidAccount, fundAccount, listDto, payoutSummary, reservedAccount, unpaidAccount, villagePayoutSummary, type Actor } from './read';

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
const payLaterBody = z.object({ note: z.string().trim().max(200).optional() });

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
      summary: await villagePayoutSummary(db, villageId),
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
  // The payment: the list's reserved money goes out per household — paid (payout_reserved →
  // cash_paid) or, for a household not reached, held as unpaid (payout_reserved → payout_unpaid),
  // to be paid later or returned to the fund. All in one transaction; one transfer per item.
  .post('/lists/:listId/payment', allow({ roles: LIST_READERS, scope: 'payout_list' }), jsonBody(paymentBody), async (c) => {
    const deps = c.get('deps');
    const actor = actorOf(c);
    const body = c.req.valid('json');
    const listId = c.req.param('listId');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const list = await loadForAction(trx, listId, 'pay', at);
      await reserveList(trx, list, actor, at); // a no-op replay, or the reservation of a list approved before reservations
      const items = (await listItems(trx, listId)).filter((i) => i.status === 'due');
      const unpaid = new Set(body.unpaidItemIds ?? []);
      const unknown = [...unpaid].filter((id) => !items.some((i) => i.id === id));
      if (unknown.length) throw new AppError(400, 'payout_unknown_item', `名单中没有这些待发放项：${unknown.slice(0, 3).join('、')}`);
      let paidFen = 0;
      for (const item of items) {
        const held = unpaid.has(item.id);
        const t = await postTransfer(trx, {
          idempotencyKey: held ? payoutKeys.hold(item.id) : payoutKeys.pay(item.id), kind: held ? 'payout.hold' : 'payout.pay', unit: 'fen',
          townshipId: list.townshipId, villageId: list.villageId, memo: `${list.periodKey} ★${item.stars}`, actorId: actor.id, at,
          legs: [{ account: reservedAccount(list.villageId), amount: -item.amountFen }, { account: held ? unpaidAccount(list.villageId) : cashPaidAccount(list.villageId), amount: item.amountFen }],
        });
        if (held) await settleItem(trx, item.id, 'due', 'unpaid', { reason: body.reason ?? '未领取', by: actor.id, at });
        else { await settleItem(trx, item.id, 'due', 'paid', { payTransferId: t.transferId, by: actor.id, at }); paidFen += item.amountFen; }
      }
      await transition(trx, list, 'pay', { paidBy: actor.id, paidAt: at });
      await recordAudit(trx, { townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: 'payout.pay', subjectKind: 'payout_list', subjectId: list.id, rowCount: items.length - unpaid.size, detail: { paidFen, unpaid: unpaid.size }, at });
    });
    return c.json(await listDto(deps.db, listId, deps.now().toISOString()), 200);
  })
  // An unpaid payout paid later (the household came): payout_unpaid → cash_paid.
  .post('/lists/:listId/items/:itemId/pay', allow({ roles: LIST_READERS, scope: 'payout_list' }), jsonBody(payLaterBody), async (c) => {
    const deps = c.get('deps');
    const actor = actorOf(c);
    const listId = c.req.param('listId');
    const itemId = c.req.param('itemId');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const { list, item } = await loadItem(trx, listId, itemId);
      if (!itemActions(item.status).payLater) throw conflict('payout_not_unpaid', `该户款项为「${ITEM_STATUS_ZH[item.status]}」，只有未领取的款项才能补发`);
      await ensureHeld(trx, list, item, actor, at);
      const t = await postTransfer(trx, {
        idempotencyKey: payoutKeys.pay(item.id), kind: 'payout.pay', unit: 'fen', townshipId: list.townshipId, villageId: list.villageId,
        memo: `${list.periodKey} ★${item.stars} 补发`, actorId: actor.id, at,
        legs: [{ account: unpaidAccount(list.villageId), amount: -item.amountFen }, { account: cashPaidAccount(list.villageId), amount: item.amountFen }],
      });
      if (!(await settleItem(trx, item.id, 'unpaid', 'paid', { payTransferId: t.transferId, by: actor.id, at }))) throw conflict('payout_invalid_state', '该项状态已变化，请刷新后重试');
      await recordAudit(trx, { townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: 'payout.pay_later', subjectKind: 'payout_item', subjectId: item.id, detail: { amountFen: item.amountFen }, at });
    });
    return c.json(await listDto(deps.db, listId, deps.now().toISOString()), 200);
  })
  // A payout back to the village fund: a paid one handed back (cash_paid → village_fund), or an
  // unpaid one given up (payout_unpaid → village_fund).
  .post('/lists/:listId/items/:itemId/return', allow({ roles: LIST_READERS, scope: 'payout_list' }), jsonBody(returnBody), async (c) => {
    const deps = c.get('deps');
    const actor = actorOf(c);
    const { reason } = c.req.valid('json');
    const listId = c.req.param('listId');
    const itemId = c.req.param('itemId');
    const at = deps.now().toISOString();
    await writeTransaction(deps, async (trx) => {
      const { list, item } = await loadItem(trx, listId, itemId);
      if (!itemActions(item.status).returnToFund) throw conflict('payout_not_paid', '只有已发放或未领取的款项才能退回');
      const wasPaid = item.status === 'paid';
      if (!wasPaid) await ensureHeld(trx, list, item, actor, at);
      const t = await postTransfer(trx, {
        idempotencyKey: wasPaid ? payoutKeys.return(item.id) : payoutKeys.release(item.id), kind: wasPaid ? 'payout.return' : 'payout.release', unit: 'fen',
        townshipId: list.townshipId, villageId: list.villageId, memo: reason, actorId: actor.id, at,
        legs: [{ account: wasPaid ? cashPaidAccount(list.villageId) : unpaidAccount(list.villageId), amount: -item.amountFen }, fundLeg(list.villageId, item.amountFen)],
      });
      if (!(await settleItem(trx, item.id, item.status, 'returned', { returnTransferId: t.transferId, reason, by: actor.id, at }))) throw conflict('payout_invalid_state', '该项状态已变化，请刷新后重试');
      await recordAudit(trx, { townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: wasPaid ? 'payout.return' : 'payout.release', subjectKind: 'payout_item', subjectId: item.id, detail: { amountFen: item.amountFen }, at });
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
 * Village or township approval. The village approval reserves the list's total from the village
 * fund (village_fund → payout_reserved, one transfer): the ledger refuses in the same transaction
 * what the fund does not hold, so two approvals racing for one fund cannot both pass. The
 * township approval finds the reservation made (a replay; a list approved before reservations
 * existed is reserved then). The village's lists are locked first, so two approvals in one
 * village queue (PostgreSQL; SQLite's write lock already serialises them).
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
    const reserved = !!(await getTransferByKey(trx, payoutKeys.reserve(listId)));
    const list = await loadForAction(trx, listId, action, at, reserved ? undefined : fund);
    const patch = action === 'village_approve' ? { villageApprovedBy: actor.id, villageApprovedAt: at } : { townshipApprovedBy: actor.id, townshipApprovedAt: at };
    await transition(trx, list, action, patch);
    await reserveList(trx, list, actor, at);
    await recordAudit(trx, {
      townshipId: list.townshipId, villageId: list.villageId, actorId: actor.id, action: `payout.${action}`, subjectKind: 'payout_list', subjectId: list.id,
      rowCount: list.householdCount, detail: { totalFen: list.totalFen, fundFen: fund.availableFen, total: formatYuan(list.totalFen) }, at,
    });
  });
}

/** The list's total set aside from the fund (idempotent: one reservation per list). 409 payout_fund_short when the fund does not hold it. */
async function reserveList(trx: Trx, list: ListRow, actor: Actor, at: string): Promise<void> {
  try {
    await postTransfer(trx, {
      idempotencyKey: payoutKeys.reserve(list.id), kind: 'payout.reserve', unit: 'fen', townshipId: list.townshipId, villageId: list.villageId,
      memo: list.periodKey, actorId: actor.id, at,
      legs: [fundLeg(list.villageId, -list.totalFen), { account: reservedAccount(list.villageId), amount: list.totalFen }],
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT') {
      const left = await balanceOf(trx, fundAccount(list.villageId), { includePending: true });
      throw conflict('payout_fund_short', `村激励基金不足：余额 ${formatYuan(left)} 元，本名单需 ${formatYuan(list.totalFen)} 元`);
    }
    throw e;
  }
}

/** The list (locked) and one of its items; 404 when the item is not on the list. */
async function loadItem(trx: Trx, listId: string, itemId: string): Promise<{ list: ListRow; item: ItemRow }> {
  const list = await findList(trx, listId, { lock: true });
  const item = (await listItems(trx, listId)).find((i) => i.id === itemId);
  if (!list || !item) throw notFound('名单中没有这一项');
  return { list, item };
}

/**
 * An unpaid item's money in payout_unpaid. Items marked unpaid before holds existed left their
 * money in the fund: it is held now (village_fund → payout_unpaid), so that paying or returning
 * it is the same transfer as for any other unpaid item.
 */
async function ensureHeld(trx: Trx, list: ListRow, item: ItemRow, actor: Actor, at: string): Promise<void> {
  if (await getTransferByKey(trx, payoutKeys.hold(item.id))) return;
  await postTransfer(trx, {
    idempotencyKey: payoutKeys.hold(item.id), kind: 'payout.hold', unit: 'fen', townshipId: list.townshipId, villageId: list.villageId,
    memo: `${list.periodKey} ★${item.stars}`, actorId: actor.id, at,
    legs: [fundLeg(list.villageId, -item.amountFen), { account: unpaidAccount(list.villageId), amount: item.amountFen }],
  });
}
