// The committee's review queue and public notices (online: decisions are made on the server).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { batchApprove, decideEntry, fetchEntryHistory, fetchNotices, fetchReviewQueue, publishNotice, type QueueQuery } from '../api/review';
import { fetchVillages } from '../api/villages';
import { fetchCatalog } from '../api/catalog';
import type { Basis, BatchResult, EntryHistory, NoticeDto, ReviewDecision, ReviewItem, VillageDto } from '../api/types';
import { villages as localVillages } from '../db/queries';
import { useAuthStore } from './auth';
import { useRequestState } from '../composables/useRequestState';

export const useReviewStore = defineStore('review', () => {
  const auth = useAuthStore();
  const villages = shallowRef<VillageDto[]>([]);
  const queue = shallowRef<ReviewItem[]>([]);
  /** The page cursor after the last loaded page (null: no more pages). */
  const nextCursor = ref<string | null>(null);
  const total = ref(0);
  const filter = ref<QueueQuery>({});
  const loadingMore = ref(false);
  const history = shallowRef<EntryHistory | null>(null);
  /** Indicators of the township's catalogue in force, for the queue's indicator filter. */
  const indicators = shallowRef<{ code: string; nameZh: string; nameEn: string }[]>([]);
  const notices = shallowRef<NoticeDto[]>([]);
  const { loading, error, track } = useRequestState();

  async function loadVillages(): Promise<void> {
    try {
      villages.value = (await fetchVillages()).villages;
    } catch {
      // Offline: the villages this phone already knows.
      villages.value = await localVillages(auth.user?.villageIds);
    }
  }

  /** The first page of the queue with the current filter (a page, never the whole backlog). */
  // The newest queue read: an answer to an older one (the first load still under way when a
  // filter is applied, a village switched) arrives later on a slow line and must not replace it.
  let queueRead = 0;

  async function loadQueue(villageId: string): Promise<void> {
    const read = ++queueRead;
    await track(async () => {
      const page = await fetchReviewQueue(villageId, filter.value);
      if (read !== queueRead) return;
      queue.value = page.entries;
      nextCursor.value = page.nextCursor;
      total.value = page.total;
    });
  }

  /** The next page, appended (the "more" button / scrolling to the end). */
  async function loadMore(villageId: string): Promise<void> {
    if (!nextCursor.value || loadingMore.value) return;
    loadingMore.value = true;
    const read = queueRead;
    try {
      const page = await fetchReviewQueue(villageId, filter.value, nextCursor.value);
      if (read !== queueRead) return;
      const seen = new Set(queue.value.map((e) => e.id));
      queue.value = [...queue.value, ...page.entries.filter((e) => !seen.has(e.id))];
      nextCursor.value = page.nextCursor;
      total.value = page.total;
    } catch (e) {
      error.value = e;
    } finally {
      loadingMore.value = false;
    }
  }

  async function setFilter(villageId: string, f: QueueQuery): Promise<void> {
    filter.value = { ...f };
    await loadQueue(villageId);
  }

  /** Throws the ApiError (e.g. own_entry) for the view to show; reloads the queue after. */
  async function decide(item: ReviewItem, decision: ReviewDecision, reason: string, basis: Basis | null = null): Promise<void> {
    try {
      await decideEntry(item.id, decision, reason, basis);
    } finally {
      await loadQueue(item.villageId);
    }
  }

  /** Approves plain positive entries at once; answers per id; reloads the queue after. */
  async function approveMany(villageId: string, entryIds: string[]): Promise<BatchResult[]> {
    try {
      return (await batchApprove(villageId, entryIds)).results;
    } finally {
      await loadQueue(villageId);
    }
  }

  async function loadIndicators(): Promise<void> {
    if (indicators.value.length) return;
    try {
      indicators.value = (await fetchCatalog()).indicators.map((i) => ({ code: i.code, nameZh: i.nameZh, nameEn: i.nameEn }));
    } catch {
      // Without the catalogue the filter lists the indicators of the loaded entries only.
    }
  }

  async function loadHistory(entryId: string): Promise<void> {
    history.value = null;
    await track(async () => {
      history.value = await fetchEntryHistory(entryId);
    });
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

  return {
    villages, queue, nextCursor, total, filter, loadingMore, history, indicators, notices, loading, error,
    loadVillages, loadIndicators, loadQueue, loadMore, setFilter, decide, approveMany, loadHistory, loadNotices, publish,
  };
});
