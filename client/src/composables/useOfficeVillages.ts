// The township's villages for the office screens, with the chosen one kept in the query (?v=).
import { computed, onMounted, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { fetchVillages } from '../api/villages';

export function useOfficeVillages() {
  const route = useRoute();
  const router = useRouter();
  const villages = ref<{ id: string; name: string; code: string }[]>([]);
  const villageId = computed<string>({
    get: () => (typeof route.query.v === 'string' ? route.query.v : villages.value[0]?.id ?? ''),
    set: (v) => { void router.replace({ query: { ...route.query, v } }); },
  });
  const villageName = computed(() => villages.value.find((v) => v.id === villageId.value)?.name ?? '');
  const loaded = ref(false);
  onMounted(async () => {
    villages.value = (await fetchVillages()).villages;
    loaded.value = true;
  });
  return { villages, villageId, villageName, loaded };
}
