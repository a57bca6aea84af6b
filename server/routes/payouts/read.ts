// What the payout screens read: a list as it is posted (names only of households that consented to
// moral points and public boards and are not headed by a minor, else the household number only; never ID numbers or
// phones), and the township's summary per village against the budget, all from ledger balances.
import type { Queryable } from '../../repositories/queryable';
import type { Role } from '../../../shared/domain/roles';
import { accountKey, type AccountRef } from '../../../shared/domain/ledger';
import { notFound } from '../../http/errors';
import { villageMoney } from '../../../shared/domain/payouts';
import { balanceOf, postedBalances } from '../../repositories/ledger';
import { householdsShownIn } from '../../repositories/consents';
import { listBoardCandidates } from '../../repositories/periods';
import { findRound, findList, itemCountsByVillage, listItems, outstandingFen, type ItemRow } from '../../repositories/payouts';
import { findTownship, listVillageIdsOfTownship, listVillagesByIds } from '../../repositories/villages';

export interface Actor { id: string; role: Role }

export const fundAccount = (villageId: string): AccountRef => ({ kind: 'village_fund', ownerId: villageId });
export const reservedAccount = (villageId: string): AccountRef => ({ kind: 'payout_reserved', ownerId: villageId });
export const unpaidAccount = (villageId: string): AccountRef => ({ kind: 'payout_unpaid', ownerId: villageId });
export const cashPaidAccount = (villageId: string): AccountRef => ({ kind: 'cash_paid', ownerId: villageId });

/** Items as posted: `name` only with moral-points and public-board consent (CONSENT_PLACES.payout_list_name) and an adult head. */
export async function publicItems(db: Queryable, villageId: string, items: readonly ItemRow[]) {
  const consenting = await householdsShownIn(db, villageId, 'payout_list_name');
  const minorHeads = new Set((await listBoardCandidates(db, villageId)).filter((h) => h.headIsMinor).map((h) => h.id));
  return items.map((i) => ({
    id: i.id, householdId: i.householdId, householdNo: i.householdNo,
    name: consenting.has(i.householdId) && !minorHeads.has(i.householdId) ? i.headName : null,
    stars: i.stars, amountFen: i.amountFen, status: i.status, reason: i.reason, settledAt: i.settledAt,
  }));
}

/** A list as the screens and the sheet read it; `postingOpen` by the server's clock, not the phone's. */
export async function listDto(db: Queryable, listId: string, now: string) {
  const list = await findList(db, listId);
  if (!list) throw notFound('兑现名单不存在');
  const round = await findRound(db, list.roundId);
  const township = await findTownship(db, list.townshipId);
  const items = await publicItems(db, list.villageId, await listItems(db, listId));
  return {
    list: {
      ...list, townshipName: township?.name ?? '', title: round?.title ?? '', amounts: round?.amounts ?? null,
      postingOpen: list.status === 'posted' && !!list.postEndsAt && now < list.postEndsAt,
    },
    items,
    fund: {
      availableFen: await balanceOf(db, fundAccount(list.villageId), { includePending: true }),
      reservedFen: await balanceOf(db, reservedAccount(list.villageId)),
      unpaidHeldFen: await balanceOf(db, unpaidAccount(list.villageId)),
      otherOutstandingFen: await outstandingFen(db, list.villageId, list.id),
    },
  };
}

/**
 * Per village, from its ledger balances (villageMoney): topped up, cash paid (net of returns),
 * fund remaining (free + reserved for approved lists + unpaid held), households paid and unpaid;
 * per township: budget funded, allocated to villages, budget remaining, and the villages' sums.
 */
async function villageRows(db: Queryable, villageIds: readonly string[]) {
  const villages = await listVillagesByIds(db, villageIds);
  const bal = await postedBalances(db, villageIds.flatMap((v) => [fundAccount(v), reservedAccount(v), unpaidAccount(v), cashPaidAccount(v)]));
  const b = (a: AccountRef) => bal.get(accountKey(a)) ?? 0;
  const counts = await itemCountsByVillage(db, villageIds);
  return villages.map((v) => {
    const c = counts.get(v.id);
    const money = villageMoney({ fundFen: b(fundAccount(v.id)), reservedFen: b(reservedAccount(v.id)), unpaidHeldFen: b(unpaidAccount(v.id)), cashPaidFen: b(cashPaidAccount(v.id)) });
    return {
      villageId: v.id, villageName: v.name, ...money,
      householdsPaid: c?.paid.households ?? 0, householdsUnpaid: c?.unpaid.households ?? 0, unpaidFen: c?.unpaid.fen ?? 0,
      returnedFen: c?.returned.fen ?? 0, dueFen: c?.due.fen ?? 0,
      paidShare: money.toppedUpFen > 0 ? money.cashPaidFen / money.toppedUpFen : 0,
    };
  });
}

export type VillagePayoutRow = Awaited<ReturnType<typeof villageRows>>[number];

/** One village's row of the summary (the village's payout screen). */
export async function villagePayoutSummary(db: Queryable, villageId: string): Promise<VillagePayoutRow | null> {
  return (await villageRows(db, [villageId]))[0] ?? null;
}

export async function payoutSummary(db: Queryable, townshipId: string) {
  const villageIds = await listVillageIdsOfTownship(db, townshipId);
  const rows = await villageRows(db, villageIds);
  const bal = await postedBalances(db, [{ kind: 'budget_source', ownerId: townshipId }, { kind: 'township_budget', ownerId: townshipId }]);
  const b = (a: AccountRef) => bal.get(accountKey(a)) ?? 0;
  const sum = (k: 'toppedUpFen' | 'cashPaidFen' | 'fundFen' | 'reservedFen' | 'unpaidHeldFen' | 'fundRemainingFen' | 'householdsPaid' | 'householdsUnpaid') => rows.reduce((s, r) => s + r[k], 0);
  const budgetFundedFen = -b({ kind: 'budget_source', ownerId: townshipId });
  return {
    township: {
      townshipId, name: (await findTownship(db, townshipId))?.name ?? '',
      budgetFundedFen, budgetRemainingFen: b({ kind: 'township_budget', ownerId: townshipId }),
      allocatedFen: sum('toppedUpFen'), cashPaidFen: sum('cashPaidFen'), fundRemainingFen: sum('fundRemainingFen'),
      fundFreeFen: sum('fundFen'), reservedFen: sum('reservedFen'), unpaidHeldFen: sum('unpaidHeldFen'),
      householdsPaid: sum('householdsPaid'), householdsUnpaid: sum('householdsUnpaid'),
    },
    villages: rows,
  };
}
