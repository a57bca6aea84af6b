// The loading flag and last error of a store's requests: `track(work)` sets `loading` while the
// work runs, keeps its error for the view to show (the store never throws at it), and returns the
// work's result (undefined when it failed).
import { ref } from 'vue';

export function useRequestState() {
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function track<T>(work: () => Promise<T>): Promise<T | undefined> {
    loading.value = true;
    error.value = null;
    try {
      return await work();
    } catch (e) {
      error.value = e;
      return undefined;
    } finally {
      loading.value = false;
    }
  }

  return { loading, error, track };
}
