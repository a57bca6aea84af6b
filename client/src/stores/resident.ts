// A resident's own household (GET /api/households/:id). The last answer is kept on the phone so
// that the page still shows something offline; logout removes it with everything else.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { fetchHousehold } from '../api/households';
import { ApiError } from '../api/http';
import type { HouseholdDetail } from '../api/types';
import { getMeta, META, setMeta } from '../db/meta';
import { useAuthStore } from './auth';

interface CachedDetail {
  at: string;
  detail: HouseholdDetail;
}

export const useResidentStore = defineStore('resident', () => {
  const auth = useAuthStore();
  const detail = shallowRef<HouseholdDetail | null>(null);
  /** Set when `detail` is the offline copy. */
  const cachedAt = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(): Promise<void> {
    const householdId = auth.user?.householdId;
    if (!householdId) return;
    loading.value = true;
    error.value = null;
    try {
      detail.value = await fetchHousehold(householdId);
      cachedAt.value = null;
      await setMeta(META.residentHousehold, { at: new Date().toISOString(), detail: detail.value } satisfies CachedDetail);
    } catch (e) {
      error.value = e;
      if (e instanceof ApiError && e.isNetwork) {
        const cached = await getMeta<CachedDetail>(META.residentHousehold);
        if (cached && cached.detail.household.id === householdId) {
          detail.value = cached.detail;
          cachedAt.value = cached.at;
        }
      }
    } finally {
      loading.value = false;
    }
  }

  return { detail, cachedAt, loading, error, load };
});
