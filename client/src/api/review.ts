import { http } from './http';
import type { EntryDto } from '../../../shared/protocol/tables';
import type { NoticeDto, ReviewDecision, ReviewItem } from './types';

export const fetchReviewQueue = (villageId: string) =>
  http.get<{ entries: ReviewItem[] }>('/api/review/queue', { query: { villageId } });

export const decideEntry = (entryId: string, decision: ReviewDecision, reason: string) =>
  http.post<{ entry: EntryDto }>(`/api/review/entries/${encodeURIComponent(entryId)}/decisions`, { decision, reason });

export const fetchNotices = (villageId: string) =>
  http.get<{ notices: NoticeDto[] }>(`/api/villages/${encodeURIComponent(villageId)}/notices`);

export const publishNotice = (villageId: string, days?: number) =>
  http.post<{ notice: NoticeDto; entryCount: number }>(
    `/api/villages/${encodeURIComponent(villageId)}/notices`,
    days === undefined ? {} : { days },
  );
