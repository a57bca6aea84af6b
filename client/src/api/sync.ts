import { http } from './http';
import type { SyncRequest, SyncResponse } from '../../../shared/protocol/sync';

export const postSync = (req: SyncRequest, signal?: AbortSignal) =>
  http.post<SyncResponse>('/api/sync', req, { signal });
