// Cash incentives (docs/api.md "Cash incentives"): township summary, budget, top-ups, rounds; a
// village's lists; a list's posting, approvals, payment, payments made later and returns.
import { api } from './client';
import { call } from './http';
import type { StarAmounts } from '../../../shared/domain/payouts';

const lists = api.payouts.lists[':listId'];

export const fetchPayoutSummary = () => call(() => api.township.payouts.summary.$get());
export const fundBudget = (amountFen: number, idempotencyKey: string) =>
  call(() => api.township.payouts.budget.$post({ json: { amountFen, idempotencyKey } }));
export const topUpVillage = (villageId: string, amountFen: number, idempotencyKey: string) =>
  call(() => api.township.payouts.villages[':villageId']['top-up'].$post({ param: { villageId }, json: { amountFen, idempotencyKey } }));
export const fetchPayoutRounds = () => call(() => api.township.payouts.rounds.$get());
export const fetchPayoutRound = (roundId: string) => call(() => api.township.payouts.rounds[':payoutRoundId'].$get({ param: { payoutRoundId: roundId } }));
export const createPayoutRound = (periodKey: string, amounts: StarAmounts, postDays?: number) =>
  call(() => api.township.payouts.rounds.$post({ json: { periodKey, amounts, ...(postDays ? { postDays } : {}) } }));
export const fetchVillagePayouts = (villageId: string) => call(() => api.villages[':villageId'].payouts.$get({ param: { villageId } }));
export const fetchPayoutList = (listId: string) => call(() => lists.$get({ param: { listId } }));
export const postPayoutList = (listId: string, days?: number) => call(() => lists.post.$post({ param: { listId }, json: days ? { days } : {} }));
export const approvePayoutList = (listId: string, by: 'village' | 'township') =>
  call(() => (by === 'village' ? lists['village-approval'] : lists['township-approval']).$post({ param: { listId }, json: {} }));
export const payPayoutList = (listId: string, unpaidItemIds: string[], reason?: string) =>
  call(() => lists.payment.$post({ param: { listId }, json: { unpaidItemIds, ...(reason ? { reason } : {}) } }));
export const returnPayoutItem = (listId: string, itemId: string, reason: string) =>
  call(() => lists.items[':itemId'].return.$post({ param: { listId, itemId }, json: { reason } }));
export const payPayoutItemLater = (listId: string, itemId: string) =>
  call(() => lists.items[':itemId'].pay.$post({ param: { listId, itemId }, json: {} }));

export type PayoutSummary = Awaited<ReturnType<typeof fetchPayoutSummary>>;
export type PayoutListDetail = Awaited<ReturnType<typeof fetchPayoutList>>;
export type PayoutListRow = Awaited<ReturnType<typeof fetchVillagePayouts>>['lists'][number];
export type VillagePayoutRow = NonNullable<Awaited<ReturnType<typeof fetchVillagePayouts>>['summary']>;
export type PayoutRound = Awaited<ReturnType<typeof fetchPayoutRounds>>['rounds'][number];
