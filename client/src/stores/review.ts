// The committee's review queue and public notices (online: decisions are made on the server).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { decideEntry, fetchNotices, fetchReviewQueue, publishNotice } from '../api/review';
import { fetchVillages } from '../api/villages';
import type { NoticeDto, ReviewDecision, ReviewItem, VillageDto } from '../api/types';
import { villages as localVillages } from '../db/queries';
import { useAuthStore } from './auth';

export const useReviewStore = defineStore('review', () => {
  const auth = useAuthStore();
  const villages = shallowRef<VillageDto[]>([]);
  const queue = shallowRef<ReviewItem[]>([]);
  const notices = shallowRef<NoticeDto[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function loadVillages(): Promise<void> {
    try {
      villages.value = (await fetchVillages()).villages;
    } catch {
      // Offline: the villages this phone already knows.
      villages.value = await localVillages(auth.user?.villageIds);
    }
  }

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

  async function loadQueue(villageId: string): Promise<void> {
    await track(async () => {
      queue.value = (await fetchReviewQueue(villageId)).entries;
    });
  }

  /** Throws the ApiError (e.g. own_entry) for the view to show; reloads the queue after. */
  async function decide(item: ReviewItem, decision: ReviewDecision, reason: string): Promise<void> {
    try {
      await decideEntry(item.id, decision, reason);
    } finally {
      await loadQueue(item.villageId);
    }
  }

  async function loadNotices(villageId: string): Promise<void> {
    await track(async () => {
      notices.value = (await fetchNotices(villageId)).notices;
    });
  }

  async function publish(villageId: string, days?: number): Promise<number> {
    const { entryCount } = await publishNotice(villageId, days);
    await loadNotices(villageId);
    return entryCount;
  }

  return { villages, queue, notices, loading, error, loadVillages, loadQueue, decide, loadNotices, publish };
});
