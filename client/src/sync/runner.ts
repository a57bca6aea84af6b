// The sync runner: pushes the outbox and pulls changes through POST /api/sync
// (docs/sync-protocol.md). One runner at a time across tabs: Web Locks, or an IndexedDB lease
// (sync/lease.ts) where the browser has none. It never drops an item: only the server's
// applied/duplicate answer removes one from the outbox. Triggers: app open (start), `online`,
// the page becoming visible, a local write (debounced) and a timer; failures back off
// (nextBackoffMs: capped, jittered, never giving up).
import { uuidv7 } from 'uuidv7';
import { ApiError } from '../api/http';
import { applyResults, pendingItems, toMutation } from '../db/outbox';
import type { OutboxItem } from '../db/db';
import { applyScopeChanges, dropScopesExcept, resetPulledDataIfSchemaChanged } from '../db/apply-pull';
import { getDeviceId, META, readCursors, setMeta } from '../db/meta';
import { withLease } from './lease';
import type { SyncRequest, SyncResponse } from '../../../shared/protocol/sync';
// Not from sync.ts: that would bring zod's schemas into the first screen's bundle.
import { MAX_PULL_LIMIT, PROTOCOL_VERSION, SCHEMA_VERSION } from '../../../shared/protocol/constants';
import { batchFailureAction, nextBackoffMs } from '../../../shared/sync/result-rules';

export const SYNC_LOCK = 'cunxin-sync';
export const MAX_PUSH_ITEMS = 200;
/** A safety net against a server that keeps saying hasMore; the next run continues. */
const MAX_ROUNDS_PER_RUN = 100;
export const LOCAL_WRITE_DEBOUNCE_MS = 2_000;
export const PERIODIC_MS = 3 * 60_000;
const BUSY_RETRY_MS = 5_000;
/** A Retry-After longer than this is not believed (a misconfigured proxy must not park phones for days). */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

export type RunOutcome =
  | 'ok' // everything sent that could be, and pulled to the end
  | 'offline' // no answer from the server
  | 'unauthorized' // 401: keep the outbox, wait for the next login
  | 'upgrade' // 426: this app is too old for the server
  | 'error' // any other failure: retried with backoff
  | 'busy' // another tab holds the lock
  | 'no-user'; // nobody logged in

export type RunnerEvent =
  | { type: 'start' }
  | { type: 'end'; outcome: RunOutcome; error: { code: string; message: string } | null; at: number };

export interface RunnerDeps {
  sync: (req: SyncRequest) => Promise<SyncResponse>;
  /** The logged-in user whose outbox items may be sent; null stops the runner. */
  getUserId: () => string | null;
  onEvent?: (e: RunnerEvent) => void;
  /**
   * Undefined: navigator.locks, or the IndexedDB lease where the browser has no Web Locks.
   * null: no cross-tab guard at all (in-tab guard only; tests and simulations).
   */
  locks?: LockManager | null;
  isOnline?: () => boolean;
  /** Uploads the photos of items about to be sent (sync/evidence-upload.ts); entries go after their photos. */
  uploadEvidence?: (items: OutboxItem[]) => Promise<OutboxItem[]>;
  now?: () => number;
  random?: () => number;
}

export class SyncRunner {
  private readonly deps: RunnerDeps;
  private running: Promise<RunOutcome> | null = null;
  private rerun = false;
  private failures = 0;
  private batchSize = MAX_PUSH_ITEMS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private debounceTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private readonly cleanups: (() => void)[] = [];
  /** This runner's (tab's) name as a holder of the IndexedDB lease. */
  private readonly leaseHolder = uuidv7();
  /** The server's Retry-After (429/503) of the last failed run, honoured by the next schedule. */
  private retryAfterMs: number | null = null;
  /** Set by 401 / 426: no automatic runs until resume(). */
  blocked: 'unauthorized' | 'upgrade' | null = null;

  constructor(deps: RunnerDeps) {
    this.deps = deps;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private isOnline(): boolean {
    if (this.deps.isOnline) return this.deps.isOnline();
    return typeof navigator === 'undefined' || navigator.onLine !== false;
  }

  private lockManager(): LockManager | null {
    if (this.deps.locks !== undefined) return this.deps.locks;
    return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
  }

  /** One sync run now (coalesced with a run already in progress in this tab). */
  async runOnce(): Promise<RunOutcome> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.runGuarded();
    try {
      let outcome = await this.running;
      // A write or trigger arrived during the run: its item may have missed the last batch.
      while (this.rerun && outcome === 'ok') {
        this.rerun = false;
        this.running = this.runGuarded();
        outcome = await this.running;
      }
      return outcome;
    } finally {
      this.running = null;
      this.rerun = false;
    }
  }

  private async runGuarded(): Promise<RunOutcome> {
    if (this.blocked) return this.blocked;
    const userId = this.deps.getUserId();
    if (!userId) return 'no-user';
    if (!this.isOnline()) return this.finish('offline', null);
    const locks = this.lockManager();
    if (locks) {
      return locks.request(SYNC_LOCK, { ifAvailable: true }, async (lock) =>
        lock ? this.pass(userId) : ('busy' as const));
    }
    if (this.deps.locks === null) return this.pass(userId);
    return withLease(this.leaseHolder, () => this.pass(userId), 'busy' as const, () => this.now());
  }

  private finish(outcome: RunOutcome, error: { code: string; message: string } | null): RunOutcome {
    this.deps.onEvent?.({ type: 'end', outcome, error, at: this.now() });
    return outcome;
  }

  private async pass(userId: string): Promise<RunOutcome> {
    this.deps.onEvent?.({ type: 'start' });
    try {
      const deviceId = await getDeviceId();
      await resetPulledDataIfSchemaChanged();
      let prefetched: Promise<SyncResponse> | null = null;
      for (let round = 0; round < MAX_ROUNDS_PER_RUN; round++) {
        // A prefetched answer was asked for with no mutations (see below).
        let items = prefetched ? [] : await pendingItems(userId, this.batchSize);
        if (items.length > 0 && this.deps.uploadEvidence) items = await this.deps.uploadEvidence(items);
        const res = await (prefetched ?? this.request(deviceId, items, await readCursors()));
        prefetched = null;
        await applyResults(items, res.results ?? []);
        // Pulling page after page with nothing to push (a bootstrap): ask for the next page now,
        // from the cursors this page carries, so that the network and the server work overlap
        // with storing this page. Its rows are stored only after this page's (the loop order), and
        // if storing this page fails the early answer is dropped: no cursor ever passes unstored rows.
        if (res.hasMore && items.length === 0) {
          prefetched = this.request(deviceId, [], { ...(await readCursors()), ...cursorsOf(res) });
          prefetched.catch(() => undefined); // awaited next round; not an unhandled rejection if this round fails
        }
        await applyScopeChanges(...(res.changes ?? []));
        // Villages taken away are purged only once no outbox item names them (apply-pull.ts).
        if (Array.isArray(res.scopes) && !res.hasMore) await dropScopesExcept(res.scopes);
        // The server stops a batch at an unexpected error and leaves the rest unanswered: those
        // items stay in the outbox, and this run counts as failed so they are retried with backoff.
        if ((res.results ?? []).length < items.length) {
          return this.finish('error', { code: 'partial_batch', message: '部分记录服务器暂未处理，稍后自动重试' });
        }
        if (prefetched) continue;
        const morePending = (await pendingItems(userId, 1)).length > 0;
        // Continue while the server has more pages, or items are left and the server answered
        // some (an answer without results must not spin the loop).
        if (!res.hasMore && !(morePending && (res.results ?? []).length > 0)) break;
      }
      this.failures = 0;
      this.batchSize = MAX_PUSH_ITEMS;
      await setMeta(META.lastSyncAt, new Date(this.now()).toISOString());
      return this.finish('ok', null);
    } catch (e) {
      return this.finish(this.classify(e), errorInfo(e));
    }
  }

  private request(deviceId: string, items: OutboxItem[], cursors: Record<string, number>): Promise<SyncResponse> {
    return this.deps.sync({
      protocol: PROTOCOL_VERSION,
      schema: SCHEMA_VERSION,
      deviceId,
      mutations: items.map(toMutation),
      cursors,
      // Large pages: a bootstrap is applied in few, large transactions (one per page, with its
      // cursor, so an interrupted bootstrap resumes at the last stored page).
      pullLimit: MAX_PULL_LIMIT,
    });
  }

  private classify(e: unknown): RunOutcome {
    const status = e instanceof ApiError && !e.isNetwork ? e.status : null;
    this.retryAfterMs = e instanceof ApiError ? e.retryAfterMs : null;
    switch (batchFailureAction(status)) {
      case 'wait_for_login':
        this.blocked = 'unauthorized';
        return 'unauthorized';
      case 'update_app':
        this.blocked = 'upgrade';
        return 'upgrade';
      case 'retry_smaller':
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
        return 'error';
      case 'retry':
        return e instanceof ApiError && e.isNetwork ? 'offline' : 'error';
    }
  }

  // ---- scheduling ---------------------------------------------------------------------------

  /** Installs the triggers: app open (now), online, visible again, and a periodic timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (typeof window !== 'undefined') {
      const onOnline = () => this.trigger(true);
      const onVisible = () => {
        if (document.visibilityState === 'visible') this.trigger(false);
      };
      window.addEventListener('online', onOnline);
      document.addEventListener('visibilitychange', onVisible);
      this.cleanups.push(() => window.removeEventListener('online', onOnline));
      this.cleanups.push(() => document.removeEventListener('visibilitychange', onVisible));
    }
    this.trigger(false);
  }

  stop(): void {
    this.started = false;
    this.cleanups.splice(0).forEach((f) => f());
    this.clearTimer();
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
  }

  /** After a new login: lift a 401 block and sync now. */
  resume(): void {
    this.blocked = null;
    this.failures = 0;
    if (this.started) this.trigger(true);
  }

  /** A local write happened: sync about 2 s later, once for a burst of writes. */
  notifyLocalWrite(): void {
    if (!this.started) return;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.trigger(false);
    }, LOCAL_WRITE_DEBOUNCE_MS);
  }

  /** Runs now; `resetBackoff` when the network just came back (no reason to keep waiting). */
  trigger(resetBackoff: boolean): void {
    if (!this.started || this.blocked) return;
    void this.runNow(resetBackoff);
  }

  /** A run now, outside the schedule ("sync now" button); the schedule continues after it. */
  async runNow(resetBackoff = true): Promise<RunOutcome> {
    if (resetBackoff) this.failures = 0;
    this.clearTimer();
    const outcome = await this.runOnce();
    this.afterRun(outcome);
    return outcome;
  }

  private afterRun(outcome: RunOutcome): void {
    if (!this.started) return;
    switch (outcome) {
      case 'ok':
        this.schedule(PERIODIC_MS);
        break;
      case 'busy':
        this.schedule(BUSY_RETRY_MS);
        break;
      case 'offline':
      case 'error': {
        this.failures++;
        // A 429/503 with Retry-After: not before the server said, and not much later either.
        const asked = this.retryAfterMs === null ? null : Math.min(this.retryAfterMs, MAX_RETRY_AFTER_MS);
        this.retryAfterMs = null;
        this.schedule(asked === null ? nextBackoffMs(this.failures, {}, this.deps.random) : asked + Math.round((this.deps.random ?? Math.random)() * 1000));
        break;
      }
      case 'unauthorized':
      case 'upgrade':
      case 'no-user':
        this.clearTimer();
        break;
    }
  }

  private schedule(delayMs: number): void {
    const at = this.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.trigger(false);
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }
}

/** The cursors an answer moves to, by scope. */
function cursorsOf(res: SyncResponse): Record<string, number> {
  return Object.fromEntries((res.changes ?? []).map((page) => [page.scope, page.cursor]));
}

function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: e.name || 'error', message: e.message };
  return { code: 'error', message: String(e) };
}
