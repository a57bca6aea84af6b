// The clerk's shop data for one village: items, the day's redemptions, the report; the last answer
// is kept in localStorage so that the hand-over screen works offline (the hand-over itself goes
// through the outbox: db/outbox.ts enqueueShopHandover).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { fetchShopItems, fetchShopRedemptions, fetchShopReport, type ShopItem, type ShopRedemption, type ShopReport } from '../api/shop';
import { shopHandoversByRedemption } from '../db/outbox';
import type { OutboxItem } from '../db/db';

const cacheKey = (villageId: string) => `cx.shop.${villageId}`;

interface Cached { items: ShopItem[]; redemptions: ShopRedemption[]; day: string }

export const useShopStore = defineStore('shop', () => {
  const items = ref<ShopItem[]>([]);
  const redemptions = ref<ShopRedemption[]>([]);
  const report = ref<ShopReport | null>(null);
  const day = ref('');
  const offline = ref(false);
  const error = ref<unknown>(null);
  const loading = ref(false);
  const queued = ref<Map<string, OutboxItem>>(new Map());

  async function refreshQueued() {
    queued.value = await shopHandoversByRedemption();
  }

  async function load(villageId: string) {
    loading.value = true;
    error.value = null;
    try {
      const [i, r] = await Promise.all([fetchShopItems(villageId), fetchShopRedemptions(villageId)]);
      items.value = i.items;
      redemptions.value = r.redemptions;
      day.value = r.day;
      offline.value = false;
      localStorage.setItem(cacheKey(villageId), JSON.stringify({ items: i.items, redemptions: r.redemptions, day: r.day } satisfies Cached));
    } catch (e) {
      const cached = localStorage.getItem(cacheKey(villageId));
      if (cached) {
        const c = JSON.parse(cached) as Cached;
        items.value = c.items; redemptions.value = c.redemptions; day.value = c.day;
        offline.value = true;
      } else error.value = e;
    } finally {
      loading.value = false;
      await refreshQueued();
    }
  }

  async function loadReport(villageId: string) {
    try {
      report.value = await fetchShopReport(villageId);
    } catch (e) {
      error.value = e;
    }
  }

  return { items, redemptions, report, day, offline, error, loading, queued, load, loadReport, refreshQueued };
});
