// What the payout screens read: a list as it is posted (names only of households that consented to
// moral points and public boards and are not headed by a minor, else the household number only; never ID numbers or
// phones), and the township's summary per village against the budget, all from ledger balances.
import type { Queryable } from '../../repositories/queryable';
import type { Role } from '../../../shared/domain/roles';
import { accountKey, type AccountRef } from '../../../shared/domain/ledger';
import { notFound } from '../../http/errors';
import { balanceOf, postedBalances } from '../../repositories/ledger';
import { householdsShownIn } from '../../repositories/consents';
import { listBoardCandidates } from '../../repositories/periods';
import { findRound, findList, itemCountsByVillage, listItems, outstandingFen, type ItemRow } from '../../repositories/payouts';
import { findTownship, listVillageIdsOfTownship, listVillagesByIds } from '../../repositories/villages';

export interface Actor { id: string; role: Role }

export const fundAccount = (villageId: string): AccountRef => ({ kind: 'village_fund', ownerId: villageId });

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
      otherOutstandingFen: await outstandingFen(db, list.villageId, list.id),
    },
  };
}

/**
 * Per village: topped up, cash paid (net of returns), households paid, unpaid, fund remaining;
 * per township: budget funded, allocated to villages, budget remaining. Every sum is a ledger
 * balance: topped up = fund remaining + cash paid (returns go back into the fund).
 */
export async function payoutSummary(db: Queryable, townshipId: string) {
  const villageIds = await listVillageIdsOfTownship(db, townshipId);
  const villages = await listVillagesByIds(db, villageIds);
  const accounts: AccountRef[] = [
    { kind: 'budget_source', ownerId: townshipId }, { kind: 'township_budget', ownerId: townshipId },
    ...villageIds.flatMap((v) => [fundAccount(v), { kind: 'cash_paid', ownerId: v }]),
  ];
  const bal = await postedBalances(db, accounts);
  const b = (a: AccountRef) => bal.get(accountKey(a)) ?? 0;
  const counts = await itemCountsByVillage(db, villageIds);
  const rows = villages.map((v) => {
    const fundFen = b(fundAccount(v.id));
    const cashPaidFen = b({ kind: 'cash_paid', ownerId: v.id });
    const c = counts.get(v.id);
    return {
      villageId: v.id, villageName: v.name, toppedUpFen: fundFen + cashPaidFen, cashPaidFen, fundFen,
      householdsPaid: c?.paid.households ?? 0, householdsUnpaid: c?.unpaid.households ?? 0, unpaidFen: c?.unpaid.fen ?? 0,
      returnedFen: c?.returned.fen ?? 0, dueFen: c?.due.fen ?? 0,
    };
  });
  const sum = (k: 'toppedUpFen' | 'cashPaidFen' | 'fundFen' | 'householdsPaid') => rows.reduce((s, r) => s + r[k], 0);
  const budgetFundedFen = -b({ kind: 'budget_source', ownerId: townshipId });
  return {
    township: {
      townshipId, name: (await findTownship(db, townshipId))?.name ?? '',
      budgetFundedFen, budgetRemainingFen: b({ kind: 'township_budget', ownerId: townshipId }),
      allocatedFen: sum('toppedUpFen'), cashPaidFen: sum('cashPaidFen'), fundRemainingFen: sum('fundFen'), householdsPaid: sum('householdsPaid'),
    },
    villages: rows,
  };
}
