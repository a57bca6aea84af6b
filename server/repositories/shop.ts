// The 积分超市 (points shop) on the ledger: items per village, stock moves, redemptions
// (reserve → hand over | cancel | void). Every point and item moves through
// server/repositories/ledger.ts; this file holds the shop's own rows. Call inside writeTransaction.
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import { supportsRowLocks } from './locks';
import { balancesOf, postTransfer, settlePending } from './ledger';
import { conflict, notFound } from '../http/errors';
import { recordAudit } from './audit';
import { householdPoints, pointsRedeemed, shopStock, stockOutside } from '../../shared/domain/points-ledger';
import { accountKey } from '../../shared/domain/ledger';
import { chinaDayRange, reservationExpiresAt, type ProofKind, type RedemptionStatus } from '../../shared/domain/shop';

export interface ShopItemDto {
  id: string; villageId: string; name: string; unitName: string; pointsPrice: number; active: boolean;
  /** Items on the shelf (posted) and not yet reserved (available). */
  onShelf: number; available: number;
}

export interface RedemptionDto {
  id: string; villageId: string; householdId: string; householdNo: string; headName: string; itemId: string; itemName: string;
  quantity: number; points: number; status: RedemptionStatus; requestedBy: string; requestedRole: string; requestedAt: string;
  expiresAt: string; settledBy: string | null; settledAt: string | null; proofKind: ProofKind | null; proofSha256: string | null; reason: string;
}

export async function villageTownship(db: Queryable, villageId: string): Promise<string> {
  const v = await db.selectFrom('villages').select('township_id').where('id', '=', villageId).executeTakeFirst();
  if (!v) throw notFound('村不存在');
  return v.township_id;
}

export async function listItems(db: Queryable, villageId: string, opts: { activeOnly?: boolean } = {}): Promise<ShopItemDto[]> {
  let q = db.selectFrom('shop_items').selectAll().where('village_id', '=', villageId);
  if (opts.activeOnly) q = q.where('active', '=', 1);
  const rows = await q.orderBy('points_price').orderBy('id').execute();
  const out: ShopItemDto[] = [];
  for (const r of rows) {
    const b = await balancesOf(db, shopStock(villageId, r.id));
    out.push({ id: r.id, villageId, name: r.name, unitName: r.unit_name, pointsPrice: r.points_price, active: r.active === 1, onShelf: b.posted, available: b.available });
  }
  return out;
}

async function findItem(db: Queryable, itemId: string) {
  return db.selectFrom('shop_items').selectAll().where('id', '=', itemId).executeTakeFirst();
}

export async function createItem(trx: Queryable, i: { villageId: string; name: string; unitName: string; pointsPrice: number; actorId: string; at: string }): Promise<string> {
  const townshipId = await villageTownship(trx, i.villageId);
  const id = uuidv7();
  await trx.insertInto('shop_items').values({
    id, township_id: townshipId, village_id: i.villageId, name: i.name, unit_name: i.unitName, points_price: i.pointsPrice,
    active: 1, created_by: i.actorId, created_at: i.at, updated_at: i.at,
  }).execute();
  await recordAudit(trx, { townshipId, villageId: i.villageId, actorId: i.actorId, action: 'shop.item.create', subjectKind: 'shop_item', subjectId: id, at: i.at });
  return id;
}

export async function updateItem(trx: Queryable, villageId: string, itemId: string, patch: { pointsPrice?: number; active?: boolean; name?: string }, at: string): Promise<void> {
  const item = await findItem(trx, itemId);
  if (!item || item.village_id !== villageId) throw notFound('商品不存在');
  await trx.updateTable('shop_items').set({
    ...(patch.pointsPrice !== undefined ? { points_price: patch.pointsPrice } : {}),
    ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    updated_at: at,
  }).where('id', '=', itemId).execute();
}

/** Stock received from outside (+) or written off (−), as an item transfer. Idempotent by key. */
export async function moveStock(trx: Queryable, m: {
  villageId: string; itemId: string; direction: 'receive' | 'write_off'; quantity: number; idempotencyKey: string; reason: string; actorId: string; at: string;
}): Promise<{ transferId: string; replayed: boolean }> {
  const item = await findItem(trx, m.itemId);
  if (!item || item.village_id !== m.villageId) throw notFound('商品不存在');
  const q = m.direction === 'receive' ? m.quantity : -m.quantity;
  const r = await postTransfer(trx, {
    idempotencyKey: `shop.stock:${m.idempotencyKey}`, kind: m.direction === 'receive' ? 'shop.receive' : 'shop.write_off', unit: 'item',
    legs: [{ account: shopStock(m.villageId, m.itemId), amount: q }, { account: stockOutside(m.villageId), amount: -q }],
    townshipId: item.township_id, villageId: m.villageId, memo: m.reason, actorId: m.actorId, at: m.at,
  });
  if (!r.replayed) {
    await recordAudit(trx, { townshipId: item.township_id, villageId: m.villageId, actorId: m.actorId, action: `shop.stock.${m.direction}`, subjectKind: 'shop_item', subjectId: m.itemId, rowCount: m.quantity, at: m.at });
  }
  return r;
}

const pointsKey = (id: string) => `shop.reserve.points:${id}`;
const stockKey = (id: string) => `shop.reserve.stock:${id}`;

/**
 * Reserves points and stock for a redemption (two pending transfers, one per unit). Idempotent by
 * the redemption's id (a client UUID): the same request again returns it, another → 409.
 * Insufficient points or stock → 409 LEDGER_INSUFFICIENT (nothing is written: the caller's
 * transaction rolls back).
 */
export async function requestRedemption(trx: Queryable, r: {
  id: string; villageId: string; householdId: string; itemId: string; quantity: number; requestedBy: string; requestedRole: string; at: string;
}): Promise<{ id: string; replayed: boolean }> {
  const existing = await trx.selectFrom('shop_redemptions').select(['household_id', 'item_id', 'quantity']).where('id', '=', r.id).executeTakeFirst();
  if (existing) {
    if (existing.household_id === r.householdId && existing.item_id === r.itemId && existing.quantity === r.quantity) return { id: r.id, replayed: true };
    throw conflict('redemption_id_reused', '该兑换编号已用于另一笔兑换');
  }
  const item = await findItem(trx, r.itemId);
  if (!item || item.village_id !== r.villageId) throw notFound('商品不存在');
  if (item.active !== 1) throw conflict('item_inactive', '该商品已下架');
  const points = item.points_price * r.quantity;
  const base = { townshipId: item.township_id, villageId: r.villageId, memo: r.id, actorId: r.requestedBy, at: r.at, status: 'pending' as const };
  // Stock first, then points: every reservation locks in this order (no deadlock between two).
  const stock = await postTransfer(trx, {
    ...base, idempotencyKey: stockKey(r.id), kind: 'shop.reserve', unit: 'item',
    legs: [{ account: shopStock(r.villageId, r.itemId), amount: -r.quantity }, { account: stockOutside(r.villageId), amount: r.quantity }],
  });
  const pts = await postTransfer(trx, {
    ...base, idempotencyKey: pointsKey(r.id), kind: 'shop.reserve', unit: 'points',
    legs: [{ account: householdPoints(r.householdId), amount: -points }, { account: pointsRedeemed(r.villageId), amount: points }],
  });
  await trx.insertInto('shop_redemptions').values({
    id: r.id, township_id: item.township_id, village_id: r.villageId, household_id: r.householdId, item_id: r.itemId,
    quantity: r.quantity, points, status: 'reserved', points_transfer_id: pts.transferId, stock_transfer_id: stock.transferId,
    requested_by: r.requestedBy, requested_role: r.requestedRole, requested_at: r.at, expires_at: reservationExpiresAt(r.at),
    settled_by: null, settled_at: null, proof_kind: null, proof_sha256: null, reason: '',
  }).execute();
  return { id: r.id, replayed: false };
}

async function lockRedemption(trx: Queryable, id: string) {
  let q = trx.selectFrom('shop_redemptions').selectAll().where('id', '=', id);
  if (supportsRowLocks(trx)) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findRedemptionVillage(db: Queryable, id: string): Promise<{ villageId: string; householdId: string } | null> {
  const r = await db.selectFrom('shop_redemptions').select(['village_id', 'household_id']).where('id', '=', id).executeTakeFirst();
  return r ? { villageId: r.village_id, householdId: r.household_id } : null;
}

/**
 * Hand-over by a clerk with a photo or signature: the reservation's transfers are posted. A
 * reservation voided meanwhile (30 days) is honoured only if the points and the stock are still
 * there (fresh transfers, checked now: 409 LEDGER_INSUFFICIENT otherwise); a cancelled one never
 * (409 redemption_cancelled). Handing over again is a no-op.
 */
export async function handOver(trx: Queryable, h: {
  redemptionId: string; villageId: string; proofKind: ProofKind; proofSha256: string; actorId: string; at: string;
}): Promise<{ replayed: boolean }> {
  const r = await lockRedemption(trx, h.redemptionId);
  if (!r || r.village_id !== h.villageId) throw notFound('兑换记录不存在');
  if (r.status === 'handed_over') return { replayed: true };
  if (r.status === 'cancelled') throw conflict('redemption_cancelled', '该兑换已取消，不能交付');
  if (r.status === 'voided') {
    // Honour it if still possible: fresh posted transfers, checked against today's balances.
    const base = { townshipId: r.township_id, villageId: r.village_id, memo: r.id, actorId: h.actorId, at: h.at };
    const stock = await postTransfer(trx, { ...base, idempotencyKey: `shop.handover.stock:${r.id}`, kind: 'shop.redeem', unit: 'item',
      legs: [{ account: shopStock(r.village_id, r.item_id), amount: -r.quantity }, { account: stockOutside(r.village_id), amount: r.quantity }] });
    const pts = await postTransfer(trx, { ...base, idempotencyKey: `shop.handover.points:${r.id}`, kind: 'shop.redeem', unit: 'points',
      legs: [{ account: householdPoints(r.household_id), amount: -r.points }, { account: pointsRedeemed(r.village_id), amount: r.points }] });
    await trx.updateTable('shop_redemptions').set({ points_transfer_id: pts.transferId, stock_transfer_id: stock.transferId }).where('id', '=', r.id).execute();
  } else {
    await settlePending(trx, r.stock_transfer_id, 'posted', h.actorId, h.at);
    await settlePending(trx, r.points_transfer_id, 'posted', h.actorId, h.at);
  }
  await trx.updateTable('shop_redemptions').set({
    status: 'handed_over', settled_by: h.actorId, settled_at: h.at, proof_kind: h.proofKind, proof_sha256: h.proofSha256,
  }).where('id', '=', r.id).execute();
  await recordAudit(trx, { townshipId: r.township_id, villageId: r.village_id, actorId: h.actorId, action: 'shop.handover', subjectKind: 'shop_redemption', subjectId: r.id, rowCount: r.quantity, at: h.at });
  return { replayed: false };
}

/** Cancel (by the household or a clerk) or void (lapsed): the reservation's transfers are voided. */
export async function endRedemption(trx: Queryable, e: {
  redemptionId: string; to: 'cancelled' | 'voided'; reason: string; actorId: string; at: string; householdId?: string;
}): Promise<boolean> {
  const r = await lockRedemption(trx, e.redemptionId);
  if (!r || (e.householdId && r.household_id !== e.householdId)) throw notFound('兑换记录不存在');
  if (r.status === e.to) return false;
  if (r.status !== 'reserved') throw conflict('redemption_not_reserved', r.status === 'handed_over' ? '已领取的兑换不能取消' : '该兑换已结束');
  await settlePending(trx, r.stock_transfer_id, 'voided', e.actorId, e.at);
  await settlePending(trx, r.points_transfer_id, 'voided', e.actorId, e.at);
  await trx.updateTable('shop_redemptions').set({ status: e.to, settled_by: e.actorId, settled_at: e.at, reason: e.reason }).where('id', '=', r.id).execute();
  return true;
}

/** Reservations past their 30 days, oldest first (the void job takes them one by one). */
export async function listLapsedReservations(db: Queryable, at: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('shop_redemptions').select('id').where('status', '=', 'reserved').where('expires_at', '<=', at)
    .orderBy('expires_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

function redemptionQuery(db: Queryable) {
  return db.selectFrom('shop_redemptions')
    .innerJoin('shop_items', 'shop_items.id', 'shop_redemptions.item_id')
    .innerJoin('households', 'households.id', 'shop_redemptions.household_id')
    .select([
      'shop_redemptions.id', 'shop_redemptions.village_id', 'shop_redemptions.household_id', 'households.household_no', 'households.head_name',
      'shop_redemptions.item_id', 'shop_items.name as item_name', 'shop_redemptions.quantity', 'shop_redemptions.points', 'shop_redemptions.status',
      'shop_redemptions.requested_by', 'shop_redemptions.requested_role', 'shop_redemptions.requested_at', 'shop_redemptions.expires_at',
      'shop_redemptions.settled_by', 'shop_redemptions.settled_at', 'shop_redemptions.proof_kind', 'shop_redemptions.proof_sha256', 'shop_redemptions.reason',
    ]);
}

type RedemptionRow = Awaited<ReturnType<ReturnType<typeof redemptionQuery>['execute']>>[number];
const toDto = (r: RedemptionRow): RedemptionDto => ({
  id: r.id, villageId: r.village_id, householdId: r.household_id, householdNo: r.household_no, headName: r.head_name,
  itemId: r.item_id, itemName: r.item_name, quantity: r.quantity, points: r.points, status: r.status as RedemptionStatus,
  requestedBy: r.requested_by, requestedRole: r.requested_role, requestedAt: r.requested_at, expiresAt: r.expires_at,
  settledBy: r.settled_by, settledAt: r.settled_at, proofKind: r.proof_kind as ProofKind | null, proofSha256: r.proof_sha256, reason: r.reason,
});

/** A village's redemptions: every open reservation, and those requested or settled on `day` (China time). */
export async function listVillageRedemptions(db: Queryable, villageId: string, day: string): Promise<RedemptionDto[]> {
  const { from, to } = chinaDayRange(day);
  const rows = await redemptionQuery(db).where('shop_redemptions.village_id', '=', villageId)
    .where((eb) => eb.or([
      eb('shop_redemptions.status', '=', 'reserved'),
      eb.and([eb('shop_redemptions.requested_at', '>=', from), eb('shop_redemptions.requested_at', '<', to)]),
      eb.and([eb('shop_redemptions.settled_at', '>=', from), eb('shop_redemptions.settled_at', '<', to)]),
    ]))
    .orderBy('shop_redemptions.requested_at').orderBy('shop_redemptions.id').execute();
  return rows.map(toDto);
}

export async function listHouseholdRedemptions(db: Queryable, householdId: string, limit = 50): Promise<RedemptionDto[]> {
  const rows = await redemptionQuery(db).where('shop_redemptions.household_id', '=', householdId)
    .orderBy('shop_redemptions.requested_at', 'desc').orderBy('shop_redemptions.id', 'desc').limit(limit).execute();
  return rows.map(toDto);
}

export interface DayReport {
  day: string;
  handedOver: number; pointsRedeemed: number; cancelled: number; voided: number; requested: number; open: number;
  items: { itemId: string; name: string; handedOver: number; received: number; writtenOff: number; onShelf: number }[];
}

/** A shop day (China time): what was requested, handed over, cancelled, voided; stock moved per item. */
export async function dayReport(db: Queryable, villageId: string, day: string): Promise<DayReport> {
  const { from, to } = chinaDayRange(day);
  const list = await listVillageRedemptions(db, villageId, day);
  const settledToday = (r: RedemptionDto) => r.settledAt !== null && r.settledAt >= from && r.settledAt < to;
  const items = await listItems(db, villageId);
  const moves = await db.selectFrom('ledger_transfers').innerJoin('ledger_legs', 'ledger_legs.transfer_id', 'ledger_transfers.id')
    .select(['ledger_transfers.kind', 'ledger_legs.account_id', 'ledger_legs.amount'])
    .where('ledger_transfers.village_id', '=', villageId).where('ledger_transfers.at', '>=', from).where('ledger_transfers.at', '<', to)
    .where('ledger_transfers.kind', 'in', ['shop.receive', 'shop.write_off']).where('ledger_legs.status', '=', 'posted').execute();
  const handed = list.filter((r) => r.status === 'handed_over' && settledToday(r));
  return {
    day,
    requested: list.filter((r) => r.requestedAt >= from && r.requestedAt < to).length,
    handedOver: handed.length,
    pointsRedeemed: handed.reduce((s, r) => s + r.points, 0),
    cancelled: list.filter((r) => r.status === 'cancelled' && settledToday(r)).length,
    voided: list.filter((r) => r.status === 'voided' && settledToday(r)).length,
    open: list.filter((r) => r.status === 'reserved').length,
    items: items.map((i) => {
      const key = accountKey(shopStock(villageId, i.id));
      const mine = moves.filter((m) => m.account_id === key);
      return {
        itemId: i.id, name: i.name, onShelf: i.onShelf,
        handedOver: handed.filter((r) => r.itemId === i.id).reduce((s, r) => s + r.quantity, 0),
        received: mine.filter((m) => m.kind === 'shop.receive').reduce((s, m) => s + Number(m.amount), 0),
        writtenOff: -mine.filter((m) => m.kind === 'shop.write_off').reduce((s, m) => s + Number(m.amount), 0),
      };
    }),
  };
}

