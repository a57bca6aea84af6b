// Collector-side household data: the local rows come from the sync pull (read them through
// composables/useLocalData.ts); this store adds new entries and, when a village is still empty on
// this phone, fetches its roster over REST so that work can start before the first full pull.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { uuidv7 } from 'uuidv7';
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

  /**
   * Entries being written right now, by household: the household page shows them at once (marked
   * 待发送 like every unsent entry) while IndexedDB commits, ~50–200 ms on a slow phone. Each stays
   * until its write has settled and the page's own query has had time to read it back.
   */
  const writing = shallowRef(new Map<string, LocalEntry[]>());
  function setWriting(householdId: string, update: (list: LocalEntry[]) => LocalEntry[]) {
    const next = new Map(writing.value);
    const list = update(next.get(householdId) ?? []);
    if (list.length) next.set(householdId, list);
    else next.delete(householdId);
    writing.value = next;
  }

  /**
   * Saves the entry and its outbox item together; the sync runner sends it shortly after.
   * `shown`: the entry as screens may show it now; `stored`: settles once it is in IndexedDB
   * (on failure the form's draft, deleted only in the same transaction, is still there).
   */
  function addEntry(input: NewEntryInput, options: { draftId?: string } = {}): { shown: LocalEntry; stored: Promise<LocalEntry> } {
    if (!auth.user) throw new Error('not logged in');
    const entryId = uuidv7();
    const now = new Date();
    const shown: LocalEntry = {
      id: entryId, villageId: input.villageId, householdId: input.householdId, personId: input.personId,
      catalogVersionId: input.catalogVersionId, indicatorCode: input.indicatorCode, occurredOn: input.occurredOn,
      points: input.points, note: input.note, recorderId: auth.user.id, state: 'queued', reverses: input.reverses ?? null,
      createdAt: now.toISOString(), stateReason: '', revision: 1, syncIssue: null,
    };
    setWriting(input.householdId, (list) => [shown, ...list]);
    const forget = () => setWriting(input.householdId, (list) => list.filter((e) => e.id !== entryId));
    const stored = enqueueEntryCreate(input, auth.user.id, now, { ...options, entryId }).then(({ entry, item }) => {
      // A household page opened later shows it in its first paint (its query confirms it).
      updateRemembered<LocalEntry[]>(householdEntriesKey(entry.householdId), (old) => [entry, ...old.filter((e) => e.id !== entry.id)]);
      updateRemembered<Set<string>>('outboxEntityIds', (old) => new Set([...old, item.entityId]));
      sync.notifyLocalWrite();
      setTimeout(forget, 2000);
      return entry;
    }, (e: unknown) => {
      forget();
      throw e;
    });
    return { shown, stored };
  }

  /** A household's entries with those being written added (the household page). */
  function withWriting(householdId: string, entries: readonly LocalEntry[]): LocalEntry[] {
    const extra = writing.value.get(householdId);
    if (!extra) return entries as LocalEntry[];
    const have = new Set(entries.map((e) => e.id));
    return [...extra.filter((e) => !have.has(e.id)), ...entries];
  }

  /** Saves a household edit and its household.update together; false when nothing changed. */
  async function editHousehold(householdId: string, edit: HouseholdEdit): Promise<boolean> {
    if (!auth.user) throw new Error('not logged in');
    const made = await enqueueHouseholdUpdate(householdId, edit, auth.user.id);
    if (made) sync.notifyLocalWrite();
    return made !== null;
  }

  return { refreshing, lastError, writing, refreshVillages, ensureHouseholds, addEntry, withWriting, editHousehold };
});
