// Roster edits in the field (issue 13): households and members added, edited, removed and moved
// on the phone, offline or online, each through the outbox (db/roster.ts). ID numbers are checked
// with the shared rules, then sealed to the server's public key BEFORE anything is stored: the
// phone keeps the sealed text and the last 4 characters, never the number.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { fetchIdKey } from '../api/sync';
import { fetchHousehold } from '../api/households';
import * as roster from '../db/roster';
import { sealIdNumber } from '../platform/id-seal';
import { idNumberLast4, normalizeIdNumber } from '../../../shared/validation/id-number';
import { useAuthStore } from './auth';
import { useSyncStore } from './sync';

export class RosterError extends Error {}

export const useRosterStore = defineStore('roster', () => {
  const auth = useAuthStore();
  const sync = useSyncStore();
  const recent = ref<string[]>([]);

  function userId(): string {
    if (!auth.user) throw new RosterError('请先登录');
    return auth.user.id;
  }

  /** Fetches and keeps the sealing key while online; offline, the kept one is used. */
  async function ensureIdKey(): Promise<boolean> {
    try {
      const k = await fetchIdKey();
      await roster.setIdSealKey({ keyId: k.keyId, publicKey: k.publicKey });
      return true;
    } catch {
      return (await roster.getIdSealKey()) !== undefined;
    }
  }

  /** Seals a checked, normalised ID number; the clear number lives only in this call's memory. */
  async function seal(idNumber: string): Promise<{ sealed: string; last4: string; first6: string }> {
    let key = await roster.getIdSealKey();
    if (!key && (await ensureIdKey())) key = await roster.getIdSealKey();
    if (!key) throw new RosterError('手机还没有身份证号码加密密钥：请联网同步一次后再录入身份证号码（其他信息可以先保存）');
    return { sealed: await sealIdNumber(key, idNumber), last4: idNumberLast4(idNumber), first6: normalizeIdNumber(idNumber).slice(0, 6) };
  }

  async function addHousehold(input: roster.NewHouseholdInput, head: Omit<MemberInput, 'relation'>): Promise<string> {
    const uid = userId();
    const id = head.idNumber ? await seal(head.idNumber) : null;
    const h = await roster.enqueueHouseholdCreate(input, uid);
    const p = await roster.enqueuePersonCreate(h.id, { name: head.name, relation: '户主', birthYear: head.birthYear, phone: head.phone, id }, uid);
    if (p && id) await roster.rememberIdPrefix(p.id, id);
    sync.notifyLocalWrite();
    return h.id;
  }

  async function addMember(householdId: string, m: MemberInput): Promise<void> {
    const id = m.idNumber ? await seal(m.idNumber) : null;
    const p = await roster.enqueuePersonCreate(householdId, { name: m.name, relation: m.relation, birthYear: m.birthYear, phone: m.phone, id }, userId());
    if (p && id) await roster.rememberIdPrefix(p.id, id);
    sync.notifyLocalWrite();
  }

  /** `idNumber`: undefined keeps the stored one, '' removes it, a number replaces it. */
  async function editMember(personId: string, m: Partial<MemberInput>): Promise<boolean> {
    const id = m.idNumber === undefined ? undefined : m.idNumber === '' || m.idNumber === null ? null : await seal(m.idNumber);
    const { idNumber: _clear, ...rest } = m;
    const changed = await roster.enqueuePersonUpdate(personId, { ...rest, id }, userId());
    if (changed && id !== undefined) await roster.rememberIdPrefix(personId, id);
    if (changed) sync.notifyLocalWrite();
    return changed;
  }

  async function removeMember(personId: string, reason: string): Promise<void> {
    if (await roster.enqueuePersonRemove(personId, reason, userId())) sync.notifyLocalWrite();
  }

  async function moveMember(personId: string, toHouseholdId: string): Promise<boolean> {
    const moved = await roster.enqueuePersonMove(personId, toHouseholdId, userId());
    if (moved) sync.notifyLocalWrite();
    return moved;
  }

  async function setStatus(householdId: string, status: roster.HouseholdStatus): Promise<void> {
    if (await roster.enqueueHouseholdStatus(householdId, status, userId())) sync.notifyLocalWrite();
  }

  async function opened(householdId: string): Promise<void> {
    await roster.noteHouseholdOpened(householdId);
    recent.value = await roster.recentHouseholds();
  }

  async function loadRecent(): Promise<string[]> {
    recent.value = await roster.recentHouseholds();
    return recent.value;
  }

  /**
   * Why the committee rejected or returned each entry of a household (the latest such event), read
   * from the server while online; offline the page shows the state without the reason.
   */
  async function entryReasons(householdId: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    try {
      const detail = await fetchHousehold(householdId);
      const events = [...detail.history].sort((a, b) => (a.at < b.at ? -1 : 1));
      for (const e of events) {
        if ((e.toState === 'rejected' || e.toState === 'returned') && e.reason) out.set(e.entryId, e.reason);
        else out.delete(e.entryId);
      }
    } catch {
      // Offline or not reachable: no reasons this time.
    }
    return out;
  }

  return { recent, ensureIdKey, entryReasons, addHousehold, addMember, editMember, removeMember, moveMember, setStatus, opened, loadRecent, proposeHouseholdNo: roster.proposeHouseholdNo, visitedThisMonth: roster.visitedThisMonth };
});

/** A member as the form hands it over: checked and normalised; `idNumber` clear, sealed here. */
export interface MemberInput {
  name: string; relation: string; birthYear: number | null; phone: string | null; idNumber: string | null;
}
