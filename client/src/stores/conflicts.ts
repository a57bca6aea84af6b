// The village admin's edit conflicts (online: resolutions are made on the server, and phones
// receive an applied value through the pull).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { fetchConflicts, resolveConflict } from '../api/conflicts';
import type { ConflictDto } from '../api/types';

export const useConflictsStore = defineStore('conflicts', () => {
  const conflicts = shallowRef<ConflictDto[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(villageId: string): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      conflicts.value = (await fetchConflicts(villageId)).conflicts;
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  /** Throws the ApiError for the view to show; reloads the list after. */
  async function resolve(villageId: string, conflictId: string, keep: 'server' | 'client'): Promise<void> {
    try {
      await resolveConflict(conflictId, keep);
    } finally {
      await load(villageId);
    }
  }

  return { conflicts, loading, error, load, resolve };
});
