// The objection page of a notice's QR link (no login needed) and the objector's receipts. The
// receipt token is kept in this phone's localStorage so that an elderly filer on a relative's phone
// finds the result again without having saved the link; it is a random key to one objection's
// status, nothing personal.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import {
  fetchMyObjections, fetchObjectionReceipt, fetchPublicNotice, filePublicObjection, fileResidentObjection,
  type ObjectionItem, type PublicNoticeResponse, type ReceiptResponse,
} from '../api/notices';
import { useRequestState } from '../composables/useRequestState';

const RECEIPTS_KEY = 'cx-objection-receipts';

function storedReceipts(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECEIPTS_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export const useObjectionPublicStore = defineStore('objection-public', () => {
  const notice = shallowRef<PublicNoticeResponse | null>(null);
  const receipt = shallowRef<ReceiptResponse | null>(null);
  const mine = shallowRef<ObjectionItem[]>([]);
  const { loading, error, track } = useRequestState();

  const loadNotice = (token: string) => track(async () => { notice.value = await fetchPublicNotice(token); });
  const loadReceipt = (token: string) => track(async () => { receipt.value = await fetchObjectionReceipt(token); });
  const loadMine = () => track(async () => { mine.value = (await fetchMyObjections()).objections; });

  /** Files through the QR link; returns the receipt token (remembered on this phone). Throws ApiError. */
  async function fileByLink(token: string, body: { entryId: string; grounds: string; name?: string; phone?: string }): Promise<string> {
    const r = await filePublicObjection(token, body);
    try {
      localStorage.setItem(RECEIPTS_KEY, JSON.stringify([r.receipt, ...storedReceipts()].slice(0, 20)));
    } catch {
      // Private mode or full storage: the filer still sees the link on screen.
    }
    return r.receipt!;
  }

  /** A logged-in resident files in their household's name (followed in their household page). */
  const fileAsResident = async (noticeId: string, entryId: string, grounds: string) => (await fileResidentObjection(noticeId, entryId, grounds)).objection.id;

  return { notice, receipt, mine, loading, error, loadNotice, loadReceipt, loadMine, fileByLink, fileAsResident, storedReceipts };
});
