import { api } from './client';
import { call } from './http';
import type { Basis, ReviewDecision } from './types';

/** Filters of the committee's queue (docs/api.md GET /api/review/queue). */
export interface QueueQuery {
  indicator?: string;
  recorderId?: string;
  householdId?: string;
  from?: string;
  to?: string;
  sign?: 'deduction' | 'positive';
  /** 'yes': only entries with photos; 'no': only those without. */
  evidence?: 'yes' | 'no';
}

export const fetchReviewQueue = (villageId: string, filter: QueueQuery = {}, cursor?: string | null, limit?: number) => {
  const query: Record<string, string> = { villageId };
  for (const [k, v] of Object.entries(filter)) if (v) query[k] = String(v);
  if (cursor) query.cursor = cursor;
  if (limit) query.limit = String(limit);
  return call(() => api.review.queue.$get({ query: query as { villageId: string } }));
};

export const decideEntry = (entryId: string, decision: ReviewDecision, reason: string, basis: Basis | null = null) =>
  call(() => api.review.entries[':entryId'].decisions.$post({ param: { entryId }, json: { decision, reason, basis } }));

export const batchApprove = (villageId: string, entryIds: string[]) =>
  call(() => api.review['batch-approve'].$post({ query: { villageId }, json: { entryIds } }));

export const fetchEntryHistory = (entryId: string) =>
  call(() => api.review.entries[':entryId'].history.$get({ param: { entryId } }));

export const fetchNotices = (villageId: string) =>
  call(() => api.villages[':villageId'].notices.$get({ param: { villageId } }));

export const publishNotice = (villageId: string, days?: number) =>
  call(() => api.villages[':villageId'].notices.$post({ param: { villageId }, json: days === undefined ? {} : { days } }));
