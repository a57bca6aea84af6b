import { api } from './client';
import { call } from './http';

export const fetchConflicts = (villageId: string) =>
  call(() => api.villages[':villageId'].conflicts.$get({ param: { villageId } }));

export const resolveConflict = (conflictId: string, keep: 'server' | 'client') =>
  call(() => api.conflicts[':conflictId'].resolve.$post({ param: { conflictId }, json: { keep } }));
