// The points shop (docs/api.md "Points shop and the ledger"): clerk screens and the resident's page.
import { api } from './client';
import { call } from './http';

const shop = () => api.villages[':villageId'].shop;

export const fetchShopItems = (villageId: string) => call(() => shop().items.$get({ param: { villageId } }));
export const createShopItem = (villageId: string, json: { name: string; pointsPrice: number; unitName?: string }) =>
  call(() => shop().items.$post({ param: { villageId }, json: { unitName: '件', ...json } }));
export const moveShopStock = (villageId: string, json: { idempotencyKey: string; itemId: string; direction: 'receive' | 'write_off'; quantity: number; reason?: string }) =>
  call(() => shop().stock.$post({ param: { villageId }, json: { reason: '', ...json } }));
export const fetchShopRedemptions = (villageId: string, day?: string) =>
  call(() => shop().redemptions.$get({ param: { villageId }, query: day ? { day } : {} }));
export const requestShopRedemption = (villageId: string, json: { id: string; householdId: string; itemId: string; quantity: number }) =>
  call(() => shop().redemptions.$post({ param: { villageId }, json }));
export const handOverRedemption = (villageId: string, redemptionId: string, json: { proofKind: 'photo' | 'signature'; proofSha256: string }) =>
  call(() => shop().redemptions[':redemptionId'].handover.$post({ param: { villageId, redemptionId }, json }));
export const cancelShopRedemption = (villageId: string, redemptionId: string, reason: string) =>
  call(() => shop().redemptions[':redemptionId'].cancel.$post({ param: { villageId, redemptionId }, json: { reason } }));
export const fetchShopReport = (villageId: string, day?: string) =>
  call(() => shop().report.$get({ param: { villageId }, query: day ? { day } : {} }));

const household = () => api.households[':householdId'];
export const fetchHouseholdPoints = (householdId: string) => call(() => household().points.$get({ param: { householdId } }));
export const requestMyRedemption = (householdId: string, json: { id: string; itemId: string; quantity: number }) =>
  call(() => household().redemptions.$post({ param: { householdId }, json }));
export const cancelMyRedemption = (householdId: string, redemptionId: string, reason: string) =>
  call(() => household().redemptions[':redemptionId'].cancel.$post({ param: { householdId, redemptionId }, json: { reason } }));

export type ShopItem = Awaited<ReturnType<typeof fetchShopItems>>['items'][number];
export type ShopRedemption = Awaited<ReturnType<typeof fetchShopRedemptions>>['redemptions'][number];
export type ShopReport = Awaited<ReturnType<typeof fetchShopReport>>;
export type HouseholdPoints = Awaited<ReturnType<typeof fetchHouseholdPoints>>;
