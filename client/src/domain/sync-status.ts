// What the sync status screen says, computed from plain data (no Dexie, no DOM): how much of the
// user's work waits and for how long, whose else is on the phone, how full the storage is, and
// how to explain a refused item.
import type { OutboxItem } from '../db/db';

export interface OutboxSummary {
  /** The user's items waiting to be sent. */
  pending: number;
  /** The user's items the server refused, not yet looked at (kept ones are not counted). */
  attention: number;
  /** Refused items the collector chose to keep. */
  kept: number;
  /** Device time of the user's oldest pending item (ISO), or null when nothing waits. */
  oldestPendingAt: string | null;
  /** The user's pending items not yet written to an export file. */
  unexported: number;
  /** Other users' items on this phone: never sent under this session. */
  others: { userId: string; pending: number; attention: number }[];
}

export const EMPTY_SUMMARY: OutboxSummary = {
  pending: 0, attention: 0, kept: 0, oldestPendingAt: null, unexported: 0, others: [],
};

export function summarizeOutbox(items: readonly OutboxItem[], userId: string | null): OutboxSummary {
  const out: OutboxSummary = { ...EMPTY_SUMMARY, others: [] };
  const others = new Map<string, { userId: string; pending: number; attention: number }>();
  let oldest = Infinity;
  for (const i of items) {
    if (i.userId !== userId) {
      const o = others.get(i.userId) ?? { userId: i.userId, pending: 0, attention: 0 };
      if (i.status === 'pending') o.pending++;
      else o.attention++;
      others.set(i.userId, o);
      continue;
    }
    if (i.status === 'pending') {
      out.pending++;
      if (!i.exportedAt) out.unexported++;
      // Compare instants, not strings: an imported item may carry another phone's time format.
      const t = Date.parse(i.at);
      if (!Number.isNaN(t) && t < oldest) {
        oldest = t;
        out.oldestPendingAt = i.at;
      }
    } else if (i.keptAt) out.kept++;
    else out.attention++;
  }
  out.others = [...others.values()];
  return out;
}

/** How long the oldest item has waited, never negative (a phone clock set back). */
export function waitedMs(oldestAt: string | null, nowMs: number): number {
  if (!oldestAt) return 0;
  const t = Date.parse(oldestAt);
  return Number.isNaN(t) ? 0 : Math.max(0, nowMs - t);
}

/** How urgent the wait is: over a day is a warning, over three days an alarm. */
export function waitLevel(ms: number): 'ok' | 'warn' | 'alarm' {
  if (ms >= 3 * 24 * 3_600_000) return 'alarm';
  if (ms >= 24 * 3_600_000) return 'warn';
  return 'ok';
}

/** '0 B', '950 KB', '12.3 MB', '1.2 GB' (decimal units, as phones show storage). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '–';
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export interface StorageState {
  usage: number | null;
  quota: number | null;
  /** navigator.storage.persisted(); null where the browser cannot tell. */
  persisted: boolean | null;
}

/** Share of the quota in use (0…1), or null when unknown. */
export function storageRatio(s: StorageState): number | null {
  if (s.usage === null || !s.quota) return null;
  return Math.min(1, Math.max(0, s.usage / s.quota));
}

/** Storage use that should worry the collector: above 80 % of what the browser allows. */
export const storageTight = (s: StorageState) => (storageRatio(s) ?? 0) >= 0.8;

/**
 * Reason codes with their own explanation and advice in i18n (`issue.<key>`); similar codes share
 * one text. Unknown codes (a newer server) fall back to the server's own message.
 */
const ISSUE_KEYS: Record<string, string> = {
  out_of_scope: 'out_of_scope',
  role_may_not_record: 'role_may_not_record',
  not_recorder: 'not_recorder',
  future_time: 'future_time',
  invalid_date: 'invalid_date',
  catalog_unknown: 'catalog_unknown',
  indicator_unknown: 'indicator_unknown',
  person_required: 'person_required',
  person_unknown: 'person_unknown',
  points_not_integer: 'points_range',
  points_sign: 'points_range',
  points_range: 'points_range',
  cap_exceeded: 'cap_exceeded',
  reverses_unknown: 'reverse',
  reverse_points: 'reverse',
  already_reversed: 'reverse',
  entry_unknown: 'entry_unknown',
  not_withdrawable: 'not_withdrawable',
  invalid_field: 'invalid_field',
  base_version_ahead: 'base_version_ahead',
  field_conflict: 'field_conflict',
  id_reused: 'id_reused',
  entry_id_reused: 'id_reused',
  invalid_mutation: 'invalid_mutation',
  data_constraint: 'data_constraint',
};

/** The server codes explained by name (docs/sync-protocol.md, "Codes"). */
export const EXPLAINED_CODES: readonly string[] = Object.keys(ISSUE_KEYS);

export function issueKey(code: string | null | undefined): string {
  return (code && ISSUE_KEYS[code]) || 'unknown';
}

/** Refused entries that a corrected new entry can replace (the collector may record it again). */
export const REDO_CODES: readonly string[] = [
  'future_time', 'invalid_date', 'catalog_unknown', 'indicator_unknown', 'person_required', 'person_unknown',
  'points_not_integer', 'points_sign', 'points_range',
  // field-entry: the note (shared/validation/note.ts); fixed by editing it and sending again.
  'note_id_number', 'note_control', 'note_bidi', 'note_chars', 'note_too_long',
];
