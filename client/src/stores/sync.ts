// The sync runner's state for the UI: online, what of the user's work waits and for how long,
// when the last sync succeeded, why the last run failed, refused items, storage, and export /
// import of unsent work. Counts come from Dexie (live, across tabs); the runner lives here.
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, watch } from 'vue';
import { postSync } from '../api/sync';
import { META, setMeta } from '../db/meta';
import { knownUserNames, metaValue, outboxSummary } from '../db/queries';
import { discardAttentionItem, keepAttentionItem } from '../db/outbox';
// The export/import file code (with its zod schemas) loads when used, not with the first screen.
import type { ImportResult } from '../db/transfer';
import { SyncRunner, type RunOutcome } from '../sync/runner';
import { uploadEvidenceOf } from '../sync/evidence-upload';
import { putChunk, uploadState } from '../api/evidence';
import { getPhoto, markUploaded } from '../db/evidence';
import { useLiveQuery } from '../composables/useLiveQuery';
import { downloadJson } from '../platform/download';
import { readStorageState, requestPersistentStorage } from '../platform/storage';
import { EMPTY_SUMMARY, waitedMs, type OutboxSummary, type StorageState } from '../domain/sync-status';
import { useAuthStore } from './auth';

/** What was asked of navigator.storage.persist() and what it answered. */
export interface PersistAnswer {
  askedAt: string;
  granted: boolean | null;
}

export const useSyncStore = defineStore('sync', () => {
  const auth = useAuthStore();

  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const running = ref(false);
  const lastOutcome = ref<RunOutcome | null>(null);
  const lastError = ref<{ code: string; message: string } | null>(null);
  /** The server said 426: this app is too old; the outbox is kept until it is updated. */
  const needsUpdate = ref(false);
  const now = ref(Date.now());
  const storage = ref<StorageState>({ usage: null, quota: null, persisted: null });

  const userId = () => auth.user?.id ?? null;
  const { data: summary, ready: summaryReady } = useLiveQuery<OutboxSummary>(() => outboxSummary(userId()), {
    initial: EMPTY_SUMMARY, deps: [userId],
  });
  const { data: lastSyncAt } = useLiveQuery(() => metaValue<string>(META.lastSyncAt), { initial: undefined });
  const { data: lastExportAt } = useLiveQuery(() => metaValue<string>(META.lastExportAt), { initial: undefined });
  const { data: persistAnswer } = useLiveQuery(() => metaValue<PersistAnswer>(META.persist), { initial: undefined });
  const { data: revokedScopes } = useLiveQuery(async () => (await metaValue<string[]>(META.revokedScopes)) ?? [], { initial: [] });
  const { data: userNames } = useLiveQuery(knownUserNames, { initial: {} });

  const pendingCount = computed(() => summary.value.pending);
  const attentionCount = computed(() => summary.value.attention);
  const keptCount = computed(() => summary.value.kept);
  const unexportedCount = computed(() => summary.value.unexported);
  const oldestPendingAt = computed(() => summary.value.oldestPendingAt);
  /** Milliseconds the oldest unsent item has waited (0 when none). */
  const oldestPendingAgeMs = computed(() => waitedMs(oldestPendingAt.value, now.value));
  /** Other users' work left on this phone, with their names. */
  const otherUsers = computed(() => summary.value.others.map((o) => ({
    ...o, name: userNames.value[o.userId] ?? '',
  })));

  const runner = new SyncRunner({
    sync: (req) => postSync(req),
    uploadEvidence: (items) => uploadEvidenceOf({ uploadState, putChunk, getPhoto, markUploaded }, items),
    getUserId: () => (auth.syncs && !auth.sessionExpired ? auth.user?.id ?? null : null),
    onEvent: (e) => {
      if (e.type === 'start') {
        running.value = true;
        return;
      }
      running.value = false;
      lastOutcome.value = e.outcome;
      now.value = Date.now();
      if (e.outcome === 'busy') return; // another tab is syncing: nothing to report
      lastError.value = e.outcome === 'ok' ? null : e.error;
      if (e.outcome === 'ok') needsUpdate.value = false;
      if (e.outcome === 'upgrade') needsUpdate.value = true;
      if (e.outcome === 'unauthorized') auth.sessionExpired = true;
    },
  });

  const setOnline = () => { online.value = true; };
  const setOffline = () => { online.value = false; };
  let clock: ReturnType<typeof setInterval> | null = null;
  if (typeof window !== 'undefined') {
    window.addEventListener('online', setOnline);
    window.addEventListener('offline', setOffline);
    clock = setInterval(() => { now.value = Date.now(); }, 30_000);
  }
  onScopeDispose(() => {
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', setOnline);
      window.removeEventListener('offline', setOffline);
    }
    if (clock) clearInterval(clock);
    runner.stop();
  });

  // A new login by the user whose session had expired: send what waited.
  watch(() => auth.sessionExpired, (expired, was) => {
    if (was && !expired) runner.resume();
  });

  /** Starts the automatic sync for roles that keep village data on the phone. */
  function start(): void {
    if (!auth.syncs) return;
    runner.start();
    runner.resume();
  }

  function stop(): void {
    runner.stop();
  }

  /** "Sync now" from the UI: skips any backoff wait. */
  const syncNow = (): Promise<RunOutcome> => runner.runNow(true);

  /** Called after every local write: the runner sends it about 2 s later. */
  function notifyLocalWrite(): void {
    runner.notifyLocalWrite();
  }

  const discard = (itemId: string) => discardAttentionItem(itemId);
  const keep = (itemId: string) => keepAttentionItem(itemId);

  async function refreshStorage(): Promise<void> {
    storage.value = await readStorageState();
    now.value = Date.now();
  }

  /**
   * Asks the browser to keep the app's data under storage pressure: once after the first login of
   * a syncing user on this phone (`force` asks again, from the status screen). The answer is kept.
   */
  async function requestPersistence(force = false): Promise<boolean | null> {
    if (!auth.syncs) return null;
    if (!force && (await metaValue<PersistAnswer>(META.persist))) return persistAnswer.value?.granted ?? null;
    const granted = await requestPersistentStorage();
    await setMeta(META.persist, { askedAt: new Date().toISOString(), granted } satisfies PersistAnswer);
    await refreshStorage();
    return granted;
  }

  /**
   * Saves the unsent work of `ofUserId` (default: the logged-in user) to a file and marks it
   * exported. Returns the number of items written.
   */
  async function exportToFile(ofUserId?: string): Promise<number> {
    const id = ofUserId ?? auth.user?.id;
    if (!id) throw new Error('not logged in');
    const name = id === auth.user?.id ? auth.user.displayName : userNames.value[id] ?? '';
    const { exportUnsent, unsentFileName } = await import('../db/transfer');
    const file = await exportUnsent(id, name);
    downloadJson(unsentFileName(), file);
    return file.items.length;
  }

  /** Reads an export file back into the outbox of the logged-in user; throws TransferError. */
  async function importFromText(text: string): Promise<ImportResult> {
    const id = auth.user?.id;
    if (!id) throw new Error('not logged in');
    const { importUnsent, parseUnsentFile } = await import('../db/transfer');
    const result = await importUnsent(parseUnsentFile(text), id);
    if (result.added > 0) runner.notifyLocalWrite();
    return result;
  }

  return {
    summaryReady, online, running, lastOutcome, lastError, needsUpdate, lastSyncAt, lastExportAt, storage, persistAnswer,
    revokedScopes, pendingCount, attentionCount, keptCount, unexportedCount, oldestPendingAt, oldestPendingAgeMs,
    otherUsers, now,
    start, stop, syncNow, notifyLocalWrite, discard, keep, refreshStorage, requestPersistence, exportToFile,
    importFromText,
  };
});
