// Collector-side household data: the local rows come from the sync pull (read them through
// composables/useLocalData.ts); this store adds new entries and, when a village is still empty on
// this phone, fetches its roster over REST so that work can start before the first full pull.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { fetchVillageHouseholds, fetchVillages } from '../api/villages';
import { cacheHouseholds, cacheVillages, householdCountOf } from '../db/cache';
import { enqueueEntryCreate, enqueueHouseholdUpdate, type HouseholdEdit, type NewEntryInput } from '../db/outbox';
import type { LocalEntry } from '../db/db';
import { updateRemembered } from '../composables/useLiveQuery';
import { householdEntriesKey } from '../composables/useLocalData';
import { useAuthStore } from './auth';
import { useSyncStore } from './sync';

export const useHouseholdsStore = defineStore('households', () => {
  const auth = useAuthStore();
  const sync = useSyncStore();
  const refreshing = ref(false);
  const lastError = ref<string | null>(null);

  /** Best effort: failures (offline) leave the local data as it is. */
  async function refreshVillages(): Promise<void> {
    try {
      const { villages } = await fetchVillages();
      await cacheVillages(villages);
      lastError.value = null;
    } catch (e) {
      lastError.value = e instanceof Error ? e.message : String(e);
    }
  }

  async function ensureHouseholds(villageId: string): Promise<void> {
    if ((await householdCountOf(villageId)) > 0) return;
    refreshing.value = true;
    try {
      const { households } = await fetchVillageHouseholds(villageId);
      await cacheHouseholds(households);
      lastError.value = null;
    } catch (e) {
      lastError.value = e instanceof Error ? e.message : String(e);
    } finally {
      refreshing.value = false;
    }
  }

  /** Saves the entry and its outbox item together; the sync runner sends it shortly after. */
  async function addEntry(input: NewEntryInput, options: { draftId?: string } = {}): Promise<LocalEntry> {
    if (!auth.user) throw new Error('not logged in');
    const { entry, item } = await enqueueEntryCreate(input, auth.user.id, new Date(), options);
    // The household page opened next shows the new entry in its first paint (newest first; its
    // own query confirms it a moment later).
    updateRemembered<LocalEntry[]>(householdEntriesKey(entry.householdId), (old) => [entry, ...old]);
    updateRemembered<Set<string>>('outboxEntityIds', (old) => new Set([...old, item.entityId]));
    sync.notifyLocalWrite();
    return entry;
  }

  /** Saves a household edit and its household.update together; false when nothing changed. */
  async function editHousehold(householdId: string, edit: HouseholdEdit): Promise<boolean> {
    if (!auth.user) throw new Error('not logged in');
    const made = await enqueueHouseholdUpdate(householdId, edit, auth.user.id);
    if (made) sync.notifyLocalWrite();
    return made !== null;
  }

  return { refreshing, lastError, refreshVillages, ensureHouseholds, addEntry, editHousehold };
});
