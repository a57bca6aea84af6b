import { api } from './client';
import { call } from './http';

export const fetchRanking = (year?: number) =>
  call(() => api.township.ranking.$get({ query: { year: year === undefined ? undefined : String(year) } }));
