import { http } from './http';
import type { VillageRankingRow } from './types';

export const fetchRanking = (year?: number) =>
  http.get<{ rows: VillageRankingRow[] }>('/api/township/ranking', { query: { year } });
