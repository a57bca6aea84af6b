// The collector's drafts (db/drafts.ts) for the forms and the sync screen's list.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as drafts from '../db/drafts';
import type { DraftRow } from '../db/db';
import { pushRecent } from '../domain/entry-form';
import { useAuthStore } from './auth';

export const useDraftsStore = defineStore('drafts', () => {
  const auth = useAuthStore();
  /** Drafts of the signed-in user, newest first (refresh() reads them). */
  const list = ref<DraftRow[]>([]);
  /** Whether a form with unsaved typing is open: an app update waits for it (pwa.ts). */
  const formDirty = ref(false);

  async function refresh(): Promise<void> {
    list.value = auth.user ? await drafts.draftsOfUser(auth.user.id) : [];
  }

  function load(kind: drafts.DraftKind, householdId: string): Promise<DraftRow | undefined> {
    if (!auth.user) return Promise.resolve(undefined);
    return drafts.getDraft(kind, auth.user.id, householdId);
  }

  async function save(kind: drafts.DraftKind, householdId: string, villageId: string, fields: Record<string, unknown>): Promise<void> {
    if (!auth.user) return;
    await drafts.saveDraft({ kind, userId: auth.user.id, householdId, villageId, fields });
  }

  async function discard(id: string): Promise<void> {
    await drafts.deleteDraft(id);
    await refresh();
  }

  function idOf(kind: drafts.DraftKind, householdId: string): string | null {
    return auth.user ? drafts.draftId(kind, auth.user.id, householdId) : null;
  }

  async function recentCodes(): Promise<string[]> {
    return auth.user ? drafts.recentIndicatorCodes(auth.user.id) : [];
  }

  async function noteUsed(code: string): Promise<void> {
    if (!auth.user) return;
    await drafts.setRecentIndicatorCodes(auth.user.id, pushRecent(await drafts.recentIndicatorCodes(auth.user.id), code));
  }

  return { list, formDirty, refresh, load, save, discard, idOf, recentCodes, noteUsed };
});
