// Dexie liveQuery as a Vue ref: re-runs when the tables it read change (in this tab or another)
// and when `deps` change; unsubscribes when the calling scope ends.
import { liveQuery, type Subscription } from 'dexie';
import { onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue';

export interface LiveQueryResult<T> {
  data: ShallowRef<T>;
  error: ShallowRef<unknown>;
  /** False until the first result arrived. */
  ready: Ref<boolean>;
}

/**
 * The last result of keyed queries, in memory: a screen opened again (or the household page after
 * the entry form, which read the same household) renders at once from it while its own query runs,
 * instead of painting empty and then again. Small: the most recent keys only.
 */
const lastResults = new Map<string, unknown>();
const MAX_REMEMBERED = 40;

function remember(key: string, value: unknown): void {
  lastResults.delete(key);
  lastResults.set(key, value);
  if (lastResults.size > MAX_REMEMBERED) lastResults.delete(lastResults.keys().next().value as string);
}

/** Changes a remembered result (a write the screen about to open should show at once). */
export function updateRemembered<T>(key: string, update: (old: T) => T): void {
  if (lastResults.has(key)) remember(key, update(lastResults.get(key) as T));
}

/** Forgets every remembered result (logout). */
export function forgetRemembered(): void {
  lastResults.clear();
}

export function useLiveQuery<T>(
  querier: () => T | Promise<T>,
  options: { initial: T; deps?: WatchSource[]; cacheKey?: () => string },
): LiveQueryResult<T> {
  const data = shallowRef(options.initial) as ShallowRef<T>;
  const error = shallowRef<unknown>(null);
  const ready = ref(false);
  let sub: Subscription | null = null;

  const subscribe = () => {
    sub?.unsubscribe();
    const key = options.cacheKey?.();
    if (key !== undefined && lastResults.has(key)) data.value = lastResults.get(key) as T;
    sub = liveQuery(querier).subscribe({
      next: (v) => {
        if (key !== undefined) remember(key, v);
        data.value = v;
        error.value = null;
        ready.value = true;
      },
      error: (e) => {
        error.value = e;
        ready.value = true;
      },
    });
  };

  if (options.deps?.length) watch(options.deps, subscribe, { immediate: true });
  else subscribe();

  onScopeDispose(() => sub?.unsubscribe());
  return { data, error, ready };
}
