// The committee's view of one notice (detail, sheet) and of the village's objections; online only:
// objections and their resolution are decided on the server.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import {
  fetchNoticeDetail, fetchNoticePreview, fetchNoticeSettings, fetchVillageObjections, resolveObjection, saveNoticeSettings,
  type NoticeDetailResponse, type ObjectionItem, type ObjectionResolution,
} from '../api/notices';
import { useRequestState } from '../composables/useRequestState';

export const useNoticesStore = defineStore('notices', () => {
  const detail = shallowRef<NoticeDetailResponse | null>(null);
  const objections = shallowRef<ObjectionItem[]>([]);
  const { loading, error, track } = useRequestState();

  async function loadDetail(noticeId: string): Promise<void> {
    if (detail.value?.notice.id !== noticeId) detail.value = null;
    await track(async () => { detail.value = await fetchNoticeDetail(noticeId); });
  }

  /** How many entries a publish would take; throws for the view to show. */
  const preview = (villageId: string, days: number) => fetchNoticePreview(villageId, days);

  const loadSettings = async (villageId: string) => (await fetchNoticeSettings(villageId)).namesOnDeductions;
  const saveSettings = async (villageId: string, value: boolean) => (await saveNoticeSettings(villageId, value)).namesOnDeductions;

  async function loadObjections(villageId: string, status?: 'pending' | ObjectionResolution): Promise<void> {
    await track(async () => { objections.value = (await fetchVillageObjections(villageId, status)).objections; });
  }

  /** Throws the ApiError for the view to show; the list is reloaded by the view. */
  async function resolve(objectionId: string, resolution: ObjectionResolution, reason: string, points?: number): Promise<string> {
    return (await resolveObjection(objectionId, resolution, reason, points)).entryState;
  }

  return { detail, objections, loading, error, loadDetail, preview, loadSettings, saveSettings, loadObjections, resolve };
});
