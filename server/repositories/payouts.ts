// Payout rounds, lists and items (migration 0015, issue 8 "Cash incentives"). The one home of their
// SQL; the money itself moves only through the ledger core (repositories/ledger.ts), and every
// figure of money here is a ledger balance or an amount a transfer carried.
import { sql } from 'kysely';
import type { Queryable } from './queryable';
import { supportsRowLocks } from './locks';
import type { ItemStatus, ListStatus, PayoutLine, StarAmounts } from '../../shared/domain/payouts';

export interface RoundRow { id: string; townshipId: string; periodKey: string; title: string; amounts: StarAmounts; postDays: number; createdBy: string; createdAt: string }

export interface ListRow {
  id: string; townshipId: string; roundId: string; villageId: string; villageName: string; periodKey: string; status: ListStatus;
  totalFen: number; householdCount: number; postedAt: string | null; postEndsAt: string | null;
  villageApprovedBy: string | null; villageApprovedAt: string | null; townshipApprovedBy: string | null; townshipApprovedAt: string | null;
  paidBy: string | null; paidAt: string | null; createdAt: string;
}

export interface ItemRow {
  id: string; listId: string; villageId: string; householdId: string; householdNo: string; headName: string; stars: number; standing: number;
  amountFen: number; status: ItemStatus; payTransferId: string | null; returnTransferId: string | null; reason: string; settledAt: string | null;
}

const toRound = (r: { id: string; township_id: string; period_key: string; title: string; amounts: string; post_days: number; created_by: string; created_at: string }): RoundRow => ({
  id: r.id, townshipId: r.township_id, periodKey: r.period_key, title: r.title, amounts: JSON.parse(r.amounts) as StarAmounts,
  postDays: r.post_days, createdBy: r.created_by, createdAt: r.created_at,
});

export async function insertRound(db: Queryable, r: RoundRow): Promise<void> {
  await db.insertInto('payout_rounds').values({
    id: r.id, township_id: r.townshipId, period_key: r.periodKey, title: r.title, amounts: JSON.stringify(r.amounts),
    post_days: r.postDays, created_by: r.createdBy, created_at: r.createdAt,
  }).execute();
}

export async function findRound(db: Queryable, roundId: string): Promise<RoundRow | null> {
  const r = await db.selectFrom('payout_rounds').selectAll().where('id', '=', roundId).executeTakeFirst();
  return r ? toRound(r) : null;
}

export async function findRoundByPeriod(db: Queryable, townshipId: string, periodKey: string): Promise<RoundRow | null> {
  const r = await db.selectFrom('payout_rounds').selectAll().where('township_id', '=', townshipId).where('period_key', '=', periodKey).executeTakeFirst();
  return r ? toRound(r) : null;
}

export async function listRounds(db: Queryable, townshipId: string): Promise<RoundRow[]> {
  const rows = await db.selectFrom('payout_rounds').selectAll().where('township_id', '=', townshipId).orderBy('created_at', 'desc').limit(100).execute();
  return rows.map(toRound);
}

/** A new list of a village with its items (status draft / due). */
export async function insertList(db: Queryable, l: { id: string; townshipId: string; roundId: string; villageId: string; periodKey: string; at: string }, lines: readonly (PayoutLine & { id: string })[]): Promise<void> {
  await db.insertInto('payout_lists').values({
    id: l.id, township_id: l.townshipId, round_id: l.roundId, village_id: l.villageId, period_key: l.periodKey, status: 'draft',
    total_fen: lines.reduce((s, x) => s + x.amountFen, 0), household_count: lines.length,
    posted_by: null, posted_at: null, post_ends_at: null, village_approved_by: null, village_approved_at: null,
    township_approved_by: null, township_approved_at: null, paid_by: null, paid_at: null, created_at: l.at,
  }).execute();
  for (let i = 0; i < lines.length; i += 300) {
    await db.insertInto('payout_items').values(lines.slice(i, i + 300).map((x) => ({
      id: x.id, township_id: l.townshipId, list_id: l.id, village_id: l.villageId, household_id: x.householdId, stars: x.stars,
      standing: x.standing, amount_fen: x.amountFen, status: 'due', pay_transfer_id: null, return_transfer_id: null, settled_by: null, settled_at: null,
    }))).execute();
  }
}

function listQuery(db: Queryable) {
  return db.selectFrom('payout_lists').innerJoin('villages', 'villages.id', 'payout_lists.village_id')
    .select([
      'payout_lists.id', 'payout_lists.township_id', 'payout_lists.round_id', 'payout_lists.village_id', 'villages.name as village_name',
      'payout_lists.period_key', 'payout_lists.status', 'payout_lists.total_fen', 'payout_lists.household_count', 'payout_lists.posted_at',
      'payout_lists.post_ends_at', 'payout_lists.village_approved_by', 'payout_lists.village_approved_at', 'payout_lists.township_approved_by',
      'payout_lists.township_approved_at', 'payout_lists.paid_by', 'payout_lists.paid_at', 'payout_lists.created_at',
    ]);
}
type ListQueryRow = Awaited<ReturnType<ReturnType<typeof listQuery>['executeTakeFirstOrThrow']>>;
const toList = (r: ListQueryRow): ListRow => ({
  id: r.id, townshipId: r.township_id, roundId: r.round_id, villageId: r.village_id, villageName: r.village_name, periodKey: r.period_key,
  status: r.status as ListStatus, totalFen: Number(r.total_fen), householdCount: r.household_count, postedAt: r.posted_at, postEndsAt: r.post_ends_at,
  villageApprovedBy: r.village_approved_by, villageApprovedAt: r.village_approved_at, townshipApprovedBy: r.township_approved_by,
  townshipApprovedAt: r.township_approved_at, paidBy: r.paid_by, paidAt: r.paid_at, createdAt: r.created_at,
});

/** A list; with lock (PostgreSQL) its row is held until the transaction ends, so two acts on it queue. */
export async function findList(db: Queryable, listId: string, opts: { lock?: boolean } = {}): Promise<ListRow | null> {
  if (opts.lock && supportsRowLocks(db)) await db.selectFrom('payout_lists').select('id').where('id', '=', listId).forUpdate().execute();
  const r = await listQuery(db).where('payout_lists.id', '=', listId).executeTakeFirst();
  return r ? toList(r) : null;
}

export async function listListsOfRound(db: Queryable, roundId: string): Promise<ListRow[]> {
  return (await listQuery(db).where('payout_lists.round_id', '=', roundId).orderBy('villages.code').execute()).map(toList);
}

export async function listListsOfVillage(db: Queryable, villageId: string): Promise<ListRow[]> {
  return (await listQuery(db).where('payout_lists.village_id', '=', villageId).orderBy('payout_lists.created_at', 'desc').limit(60).execute()).map(toList);
}

/**
 * PostgreSQL: locks every list of the village (in id order), so that two approvals in one village
 * queue and the second sees what the first committed before it compares with the fund.
 */
export async function lockVillageLists(db: Queryable, villageId: string): Promise<void> {
  if (!supportsRowLocks(db)) return;
  await db.selectFrom('payout_lists').select('id').where('village_id', '=', villageId).orderBy('id').forUpdate().execute();
}

/**
 * What approved lists of a village (other than `exceptListId`) still have to pay and have not
 * reserved: lists approved before the village approval reserved the money (payoutKeys.reserve).
 * Lists reserved since then are already out of the fund's available balance.
 */
export async function outstandingFen(db: Queryable, villageId: string, exceptListId: string | null): Promise<number> {
  let q = db.selectFrom('payout_items').innerJoin('payout_lists', 'payout_lists.id', 'payout_items.list_id')
    .leftJoin('ledger_transfers', (j) => j.on(sql`ledger_transfers.idempotency_key`, '=', sql`'payout.reserve:' || payout_lists.id`))
    .select((eb) => eb.fn.sum<number | string>('payout_items.amount_fen').as('sum'))
    .where('payout_items.village_id', '=', villageId).where('payout_items.status', '=', 'due')
    .where('payout_lists.status', 'in', ['village_approved', 'township_approved'])
    .where('ledger_transfers.id', 'is', null);
  if (exceptListId) q = q.where('payout_lists.id', '!=', exceptListId);
  const row = await q.executeTakeFirst();
  return Number(row?.sum ?? 0);
}

export async function setListStatus(db: Queryable, listId: string, from: ListStatus, to: ListStatus, patch: {
  postedBy?: string; postedAt?: string; postEndsAt?: string; villageApprovedBy?: string; villageApprovedAt?: string;
  townshipApprovedBy?: string; townshipApprovedAt?: string; paidBy?: string; paidAt?: string;
}): Promise<boolean> {
  const res = await db.updateTable('payout_lists').set({
    status: to,
    ...(patch.postedBy ? { posted_by: patch.postedBy, posted_at: patch.postedAt, post_ends_at: patch.postEndsAt } : {}),
    ...(patch.villageApprovedBy ? { village_approved_by: patch.villageApprovedBy, village_approved_at: patch.villageApprovedAt } : {}),
    ...(patch.townshipApprovedBy ? { township_approved_by: patch.townshipApprovedBy, township_approved_at: patch.townshipApprovedAt } : {}),
    ...(patch.paidBy ? { paid_by: patch.paidBy, paid_at: patch.paidAt } : {}),
  }).where('id', '=', listId).where('status', '=', from).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function listItems(db: Queryable, listId: string): Promise<ItemRow[]> {
  const rows = await db.selectFrom('payout_items').innerJoin('households', 'households.id', 'payout_items.household_id')
    .select([
      'payout_items.id', 'payout_items.list_id', 'payout_items.village_id', 'payout_items.household_id', 'households.household_no', 'households.head_name',
      'payout_items.stars', 'payout_items.standing', 'payout_items.amount_fen', 'payout_items.status', 'payout_items.pay_transfer_id',
      'payout_items.return_transfer_id', 'payout_items.reason', 'payout_items.settled_at',
    ])
    .where('payout_items.list_id', '=', listId).orderBy('payout_items.stars', 'desc').orderBy('households.household_no').execute();
  return rows.map((r) => ({
    id: r.id, listId: r.list_id, villageId: r.village_id, householdId: r.household_id, householdNo: r.household_no, headName: r.head_name,
    stars: r.stars, standing: r.standing, amountFen: Number(r.amount_fen), status: r.status as ItemStatus, payTransferId: r.pay_transfer_id,
    returnTransferId: r.return_transfer_id, reason: r.reason, settledAt: r.settled_at,
  }));
}

export async function settleItem(db: Queryable, itemId: string, from: ItemStatus, to: ItemStatus, s: {
  payTransferId?: string; returnTransferId?: string; reason?: string; by: string; at: string;
}): Promise<boolean> {
  const res = await db.updateTable('payout_items').set({
    status: to, settled_by: s.by, settled_at: s.at,
    ...(s.payTransferId ? { pay_transfer_id: s.payTransferId } : {}),
    ...(s.returnTransferId ? { return_transfer_id: s.returnTransferId } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
  }).where('id', '=', itemId).where('status', '=', from).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function findListVillageId(db: Queryable, listId: string): Promise<string | null> {
  const r = await db.selectFrom('payout_lists').select('village_id').where('id', '=', listId).executeTakeFirst();
  return r?.village_id ?? null;
}

export async function findRoundTownshipId(db: Queryable, roundId: string): Promise<string | null> {
  const r = await db.selectFrom('payout_rounds').select('township_id').where('id', '=', roundId).executeTakeFirst();
  return r?.township_id ?? null;
}

/** Per village: households paid (items paid and not returned) and items still due / unpaid. */
export async function itemCountsByVillage(db: Queryable, villageIds: readonly string[]): Promise<Map<string, Record<ItemStatus, { households: number; fen: number }>>> {
  const out = new Map<string, Record<ItemStatus, { households: number; fen: number }>>();
  for (let i = 0; i < villageIds.length; i += 400) {
    const rows = await db.selectFrom('payout_items')
      .select((eb) => ['village_id', 'status', eb.fn.count<number | string>('household_id').distinct().as('households'), eb.fn.sum<number | string>('amount_fen').as('fen')])
      .where('village_id', 'in', villageIds.slice(i, i + 400)).groupBy(['village_id', 'status']).execute();
    for (const r of rows) {
      let rec = out.get(r.village_id);
      if (!rec) {
        rec = { due: { households: 0, fen: 0 }, paid: { households: 0, fen: 0 }, unpaid: { households: 0, fen: 0 }, returned: { households: 0, fen: 0 } };
        out.set(r.village_id, rec);
      }
      rec[r.status as ItemStatus] = { households: Number(r.households), fen: Number(r.fen ?? 0) };
    }
  }
  return out;
}

export interface PayoutExportRow {
  villageId: string; householdId: string; periodKey: string; listStatus: ListStatus; householdNo: string; headName: string; stars: number; standing: number;
  amountFen: number; itemStatus: ItemStatus; reason: string; settledAt: string | null;
}

/** A village's payout items of the periods of one year ('2025', '2025-Q1', '2025-H2', …), for the export. */
export async function listVillagePayoutRows(db: Queryable, villageId: string, year: number): Promise<PayoutExportRow[]> {
  const rows = await db.selectFrom('payout_items')
    .innerJoin('payout_lists', 'payout_lists.id', 'payout_items.list_id')
    .innerJoin('households', 'households.id', 'payout_items.household_id')
    .select([
      'payout_items.village_id', 'payout_items.household_id', 'payout_lists.period_key', 'payout_lists.status as list_status', 'households.household_no', 'households.head_name',
      'payout_items.stars', 'payout_items.standing', 'payout_items.amount_fen', 'payout_items.status', 'payout_items.reason', 'payout_items.settled_at',
    ])
    .where('payout_lists.village_id', '=', villageId).where('payout_lists.period_key', 'like', `${year}%`)
    .orderBy('payout_lists.period_key').orderBy('households.household_no').execute();
  return rows.map((r) => ({
    villageId: r.village_id, householdId: r.household_id, periodKey: r.period_key, listStatus: r.list_status as ListStatus, householdNo: r.household_no, headName: r.head_name,
    stars: r.stars, standing: r.standing, amountFen: Number(r.amount_fen), itemStatus: r.status as ItemStatus, reason: r.reason, settledAt: r.settled_at,
  }));
}
