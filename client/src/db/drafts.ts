// Drafts of the collector's forms: written on every change so that a reload, a tab crash or a dead
// battery loses nothing; deleted when the form is saved (then the outbox has the real item) or
// discarded. A draft is never sent.
import { db, type DraftRow } from './db';
import { maskIdNumbersInText } from '../../../shared/validation/note';

export type DraftKind = DraftRow['kind'];

export const draftId = (kind: DraftKind, userId: string, householdId: string) => `${kind}:${userId}:${householdId}`;

/**
 * Guardrail 6: the phone's storage never holds an ID number in clear. A note typed with one is
 * refused by the form, but the draft is written as the user types, so it is masked first; fields
 * named `idNumber` are never written at all.
 */
export function safeDraftFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'idNumber') continue;
    out[k] = typeof v === 'string' ? maskIdNumbersInText(v) : v;
  }
  return out;
}

export async function saveDraft(row: Omit<DraftRow, 'id' | 'updatedAt'>, now = new Date()): Promise<DraftRow> {
  const full: DraftRow = {
    ...row, id: draftId(row.kind, row.userId, row.householdId), fields: safeDraftFields(row.fields), updatedAt: now.toISOString(),
  };
  await db.drafts.put(full);
  return full;
}

export function getDraft(kind: DraftKind, userId: string, householdId: string): Promise<DraftRow | undefined> {
  return db.drafts.get(draftId(kind, userId, householdId));
}

export async function draftsOfUser(userId: string): Promise<DraftRow[]> {
  const rows = await db.drafts.where('userId').equals(userId).toArray();
  return rows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export async function deleteDraft(id: string): Promise<void> {
  await db.drafts.delete(id);
}

const RECENT_PREFIX = 'recentIndicators:';

/** Indicator codes this user recorded lately, most recent first (the picker's "最近使用"). */
export async function recentIndicatorCodes(userId: string): Promise<string[]> {
  const row = await db.meta.get(RECENT_PREFIX + userId);
  return Array.isArray(row?.value) ? (row.value as string[]) : [];
}

export async function setRecentIndicatorCodes(userId: string, codes: string[]): Promise<void> {
  await db.meta.put({ key: RECENT_PREFIX + userId, value: codes });
}
