// A resident's own household (GET /api/households/:id), its consent and its correction requests.
// The last answer is kept on the phone so that the page still shows something offline, marked with
// its date; logout removes it with everything else.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { fetchHousehold } from '../api/households';
import { fetchConsents, fetchCorrections } from '../api/residents';
import { ApiError } from '../api/http';
import type { CorrectionRow, HouseholdDetail, ResidentExtras } from '../api/types';
import { getMeta, META, setMeta } from '../db/meta';
import { useAuthStore } from './auth';

export type ResidentDetail = HouseholdDetail & { resident?: ResidentExtras };
export type ConsentAnswer = Awaited<ReturnType<typeof fetchConsents>>;

interface CachedDetail {
  at: string;
  detail: ResidentDetail;
  corrections?: CorrectionRow[];
}

export const useResidentStore = defineStore('resident', () => {
  const auth = useAuthStore();
  const detail = shallowRef<ResidentDetail | null>(null);
  const consent = shallowRef<ConsentAnswer | null>(null);
  const corrections = shallowRef<CorrectionRow[]>([]);
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
      const [d, c, k] = await Promise.all([fetchHousehold(householdId), fetchConsents(householdId), fetchCorrections(householdId)]);
      detail.value = d as ResidentDetail;
      consent.value = c;
      corrections.value = k.corrections;
      cachedAt.value = null;
      await setMeta(META.residentHousehold, { at: new Date().toISOString(), detail: detail.value, corrections: k.corrections } satisfies CachedDetail);
    } catch (e) {
      error.value = e;
      if (e instanceof ApiError && e.isNetwork) {
        const cached = await getMeta<CachedDetail>(META.residentHousehold);
        if (cached && cached.detail.household.id === householdId) {
          detail.value = cached.detail;
          corrections.value = cached.corrections ?? [];
          cachedAt.value = cached.at;
        }
      }
    } finally {
      loading.value = false;
    }
  }

  async function reloadCorrections(): Promise<void> {
    const householdId = auth.user?.householdId;
    if (householdId) corrections.value = (await fetchCorrections(householdId)).corrections;
  }

  function setConsent(answer: ConsentAnswer): void {
    consent.value = answer;
    void load();
  }

  function reset(): void {
    detail.value = null;
    consent.value = null;
    corrections.value = [];
    cachedAt.value = null;
  }

  return { detail, consent, corrections, cachedAt, loading, error, load, reloadCorrections, setConsent, reset };
});
