// The collector's drafts (db/drafts.ts) for the forms and the sync screen's list.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as drafts from '../db/drafts';
import type { DraftRow } from '../db/db';
import { localDate, pushRecent } from '../domain/local-date';
import type { OutboxItem } from '../db/db';
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

  /**
   * "Edit and resend" a refused entry: its payload becomes the form's draft (the refused item is
   * discarded when the form is saved). Returns the form's path, or null if the collector kept an
   * existing draft of that household.
   */
  async function fromRefused(item: Extract<OutboxItem, { kind: 'entry.create' }>, confirmReplace: () => Promise<boolean>): Promise<string | null> {
    if (!auth.user) return null;
    const p = item.payload;
    const existing = await drafts.getDraft('entry', auth.user.id, p.householdId);
    if (existing && existing.fields.replacesItemId !== item.id && !(await confirmReplace())) return null;
    await drafts.saveDraft({
      kind: 'entry', userId: auth.user.id, householdId: p.householdId, villageId: item.villageId ?? '',
      fields: {
        indicatorCode: p.indicatorCode, magnitude: Math.abs(p.points), personId: p.personId ?? '',
        occurredOn: p.occurredOn > localDate() ? localDate() : p.occurredOn, note: p.note, replacesItemId: item.id,
      },
    });
    return `/households/${p.householdId}/new-entry?resend=1`;
  }

  return { list, formDirty, refresh, load, save, discard, idOf, recentCodes, noteUsed, fromRefused };
});
