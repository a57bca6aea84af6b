// Cash incentives (online only: money is never moved from a phone's queue). Township: summary,
// rounds, the lists of a round. Committee: the lists of a village. Both: one list in detail.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import {
  approvePayoutList, createPayoutRound, fetchPayoutList, fetchPayoutRound, fetchPayoutRounds, fetchPayoutSummary, fetchVillagePayouts,
  fundBudget, payPayoutItemLater, payPayoutList, postPayoutList, returnPayoutItem, topUpVillage,
  type PayoutListDetail, type PayoutListRow, type PayoutRound, type PayoutSummary, type VillagePayoutRow,
} from '../api/payouts';
import type { StarAmounts } from '../../../shared/domain/payouts';

const newKey = () => `ui-${crypto.randomUUID()}`;

export const usePayoutsStore = defineStore('payouts', () => {
  const summary = shallowRef<PayoutSummary | null>(null);
  const rounds = shallowRef<PayoutRound[]>([]);
  const roundLists = shallowRef<Record<string, PayoutListRow[]>>({});
  const villageLists = shallowRef<PayoutListRow[]>([]);
  const villageFundFen = ref(0);
  const villageSummary = shallowRef<VillagePayoutRow | null>(null);
  const detail = shallowRef<PayoutListDetail | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function guarded<T>(fn: () => Promise<T>): Promise<T | undefined> {
    loading.value = true;
    error.value = null;
    try {
      return await fn();
    } catch (e) {
      error.value = e;
      return undefined;
    } finally {
      loading.value = false;
    }
  }

  async function loadTownship(): Promise<void> {
    await guarded(async () => {
      const [s, r] = await Promise.all([fetchPayoutSummary(), fetchPayoutRounds()]);
      summary.value = s;
      rounds.value = r.rounds;
      const byRound: Record<string, PayoutListRow[]> = {};
      for (const round of r.rounds.slice(0, 6)) byRound[round.id] = (await fetchPayoutRound(round.id)).lists;
      roundLists.value = byRound;
    });
  }

  async function loadVillage(villageId: string): Promise<void> {
    await guarded(async () => {
      const r = await fetchVillagePayouts(villageId);
      villageLists.value = r.lists;
      villageFundFen.value = r.fundFen;
      villageSummary.value = r.summary;
    });
  }

  async function loadList(listId: string): Promise<void> {
    await guarded(async () => { detail.value = await fetchPayoutList(listId); });
  }

  // Acts throw to the caller (the screen shows the server's Chinese reason).
  async function addBudget(amountFen: number) { await fundBudget(amountFen, newKey()); await loadTownship(); }
  async function topUp(villageId: string, amountFen: number) { await topUpVillage(villageId, amountFen, newKey()); await loadTownship(); }
  async function createRound(periodKey: string, amounts: StarAmounts, postDays?: number) {
    const r = await createPayoutRound(periodKey, amounts, postDays);
    await loadTownship();
    return r;
  }
  async function post(listId: string, days?: number) { detail.value = await postPayoutList(listId, days); }
  async function approve(listId: string, by: 'village' | 'township') { detail.value = await approvePayoutList(listId, by); }
  async function pay(listId: string, unpaidItemIds: string[], reason?: string) { detail.value = await payPayoutList(listId, unpaidItemIds, reason); }
  async function returnItem(listId: string, itemId: string, reason: string) { detail.value = await returnPayoutItem(listId, itemId, reason); }
  async function payLater(listId: string, itemId: string) { detail.value = await payPayoutItemLater(listId, itemId); }

  return {
    summary, rounds, roundLists, villageLists, villageFundFen, villageSummary, detail, loading, error,
    loadTownship, loadVillage, loadList, addBudget, topUp, createRound, post, approve, pay, returnItem, payLater,
  };
});
