// The sync runner's state for the UI: online, what waits in the outbox, when the last sync was,
// and why the last run failed. Counts come from Dexie (live, across tabs); the runner lives here.
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, watch } from 'vue';
import { postSync } from '../api/sync';
import { META } from '../db/meta';
import { metaValue, outboxSummary, type OutboxSummary } from '../db/queries';
import { discardAttentionItem } from '../db/outbox';
import { SyncRunner, type RunOutcome } from '../sync/runner';
import { useLiveQuery } from '../composables/useLiveQuery';
import { useAuthStore } from './auth';

export const useSyncStore = defineStore('sync', () => {
  const auth = useAuthStore();

  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const running = ref(false);
  const lastOutcome = ref<RunOutcome | null>(null);
  const lastError = ref<{ code: string; message: string } | null>(null);
  /** The server said 426: this app is too old; the outbox is kept until it is updated. */
  const needsUpdate = ref(false);
  const now = ref(Date.now());

  const { data: summary } = useLiveQuery<OutboxSummary>(outboxSummary, {
    initial: { pending: 0, attention: 0, oldestPendingAt: null },
  });
  const { data: lastSyncAt } = useLiveQuery(() => metaValue<string>(META.lastSyncAt), { initial: undefined });

  const pendingCount = computed(() => summary.value.pending);
  const attentionCount = computed(() => summary.value.attention);
  const oldestPendingAt = computed(() => summary.value.oldestPendingAt);
  /** Milliseconds the oldest unsent item has waited (0 when none). */
  const oldestPendingAgeMs = computed(() =>
    oldestPendingAt.value ? Math.max(0, now.value - Date.parse(oldestPendingAt.value)) : 0);

  const runner = new SyncRunner({
    sync: (req) => postSync(req),
    getUserId: () => (auth.syncs && !auth.sessionExpired ? auth.user?.id ?? null : null),
    onEvent: (e) => {
      if (e.type === 'start') {
        running.value = true;
        return;
      }
      running.value = false;
      lastOutcome.value = e.outcome;
      lastError.value = e.outcome === 'ok' ? null : e.error;
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
    window.removeEventListener('online', setOnline);
    window.removeEventListener('offline', setOffline);
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
    // Ask the browser not to evict the outbox under storage pressure (sync.md).
    void navigator.storage?.persist?.().catch(() => false);
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

  return {
    online, running, lastOutcome, lastError, needsUpdate, lastSyncAt,
    pendingCount, attentionCount, oldestPendingAt, oldestPendingAgeMs,
    start, stop, syncNow, notifyLocalWrite, discard,
  };
});
