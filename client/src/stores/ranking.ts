// Township staff: the village ranking of a year by a metric (online), with the villages left
// unranked because they have no entries in that year.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { fetchRankingBy } from '../api/console';
import { DEFAULT_RANKING_METRIC, type RankedVillage, type RankingMetric, type VillageRates } from '../../../shared/domain/ranking';

export const useRankingStore = defineStore('ranking', () => {
  const year = ref(new Date().getFullYear());
  const metric = ref<RankingMetric>(DEFAULT_RANKING_METRIC);
  const rows = shallowRef<RankedVillage[]>([]);
  const unranked = shallowRef<VillageRates[]>([]);
  const catchUpPending = ref(0);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(y: number = year.value, m: RankingMetric = metric.value): Promise<void> {
    year.value = y;
    metric.value = m;
    loading.value = true;
    error.value = null;
    try {
      const body = await fetchRankingBy(y, m);
      rows.value = body.rows;
      unranked.value = body.unranked;
      catchUpPending.value = body.catchUpPending;
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  return { year, metric, rows, unranked, catchUpPending, loading, error, load };
});
