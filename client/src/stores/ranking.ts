// Township staff: the village ranking of a year (online).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { fetchRanking } from '../api/ranking';
import type { VillageRankingRow } from '../api/types';

export const useRankingStore = defineStore('ranking', () => {
  const year = ref(new Date().getFullYear());
  const rows = shallowRef<VillageRankingRow[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(y: number = year.value): Promise<void> {
    year.value = y;
    loading.value = true;
    error.value = null;
    try {
      rows.value = (await fetchRanking(y)).rows;
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  return { year, rows, loading, error, load };
});
