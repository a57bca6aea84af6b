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

export function useLiveQuery<T>(
  querier: () => T | Promise<T>,
  options: { initial: T; deps?: WatchSource[] },
): LiveQueryResult<T> {
  const data = shallowRef(options.initial) as ShallowRef<T>;
  const error = shallowRef<unknown>(null);
  const ready = ref(false);
  let sub: Subscription | null = null;

  const subscribe = () => {
    sub?.unsubscribe();
    sub = liveQuery(querier).subscribe({
      next: (v) => {
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
