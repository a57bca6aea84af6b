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
  pending.clear();
}

/**
 * Reads started before the screen that needs them exists (the household list starts the household
 * page's reads on the tap, so IndexedDB works while the route and the page are set up): a keyed
 * query that finds its key here shows that result if it comes before its own first one.
 */
const pending = new Map<string, Promise<unknown>>();

export function prefetch<T>(key: string, read: () => Promise<T>): void {
  if (pending.has(key)) return;
  const p: Promise<unknown> = read().then((v) => {
    if (pending.get(key) === p) pending.delete(key);
    remember(key, v);
    return v;
  }, () => {
    if (pending.get(key) === p) pending.delete(key);
    return undefined;
  });
  pending.set(key, p);
}

/** Structural equality of query results (plain data, arrays, Maps, Sets). */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !sameData(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

export function useLiveQuery<T>(
  querier: () => T | Promise<T>,
  options: { initial: T; deps?: WatchSource[]; cacheKey?: () => string },
): LiveQueryResult<T> {
  const data = shallowRef(options.initial) as ShallowRef<T>;
  const error = shallowRef<unknown>(null);
  const ready = ref(false);
  let sub: Subscription | null = null;
  let generation = 0;

  const subscribe = () => {
    sub?.unsubscribe();
    const mine = ++generation;
    const key = options.cacheKey?.();
    /** data holds a remembered or prefetched result, not yet one of this query's own. */
    let borrowed = false;
    let own = false;
    if (key !== undefined && lastResults.has(key)) {
      data.value = lastResults.get(key) as T;
      borrowed = true;
    } else if (key !== undefined && pending.has(key)) {
      void pending.get(key)!.then((v) => {
        if (v !== undefined && generation === mine && !own) {
          data.value = v as T;
          borrowed = true;
        }
      });
    }
    sub = liveQuery(querier).subscribe({
      next: (v) => {
        if (key !== undefined) remember(key, v);
        // The same rows as the borrowed result: no second render of the same screen.
        const same = borrowed && sameData(v, data.value);
        borrowed = false;
        own = true;
        if (!same) data.value = v;
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
