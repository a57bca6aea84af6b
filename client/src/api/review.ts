import { api } from './client';
import { call } from './http';
import type { ReviewDecision } from './types';

export const fetchReviewQueue = (villageId: string) =>
  call(() => api.review.queue.$get({ query: { villageId } }));

export const decideEntry = (entryId: string, decision: ReviewDecision, reason: string) =>
  call(() => api.review.entries[':entryId'].decisions.$post({ param: { entryId }, json: { decision, reason } }));

export const fetchNotices = (villageId: string) =>
  call(() => api.villages[':villageId'].notices.$get({ param: { villageId } }));

export const publishNotice = (villageId: string, days?: number) =>
  call(() => api.villages[':villageId'].notices.$post({ param: { villageId }, json: days === undefined ? {} : { days } }));
