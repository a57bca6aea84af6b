// The indicator catalogue. Pulled with the township scope; fetched over REST when this phone has
// none yet (a new phone before its first pull completes).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { fetchCatalog } from '../api/catalog';
import { cacheCatalog, hasCatalog } from '../db/cache';

export const useCatalogStore = defineStore('catalog', () => {
  const loading = ref(false);
  const lastError = ref<string | null>(null);

  async function ensure(): Promise<void> {
    if (await hasCatalog()) return;
    loading.value = true;
    try {
      const { catalogVersion, indicators } = await fetchCatalog();
      await cacheCatalog(catalogVersion, indicators);
      lastError.value = null;
    } catch (e) {
      lastError.value = e instanceof Error ? e.message : String(e);
    } finally {
      loading.value = false;
    }
  }

  return { loading, lastError, ensure };
});
