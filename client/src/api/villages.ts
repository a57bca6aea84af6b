import { http } from './http';
import type { HouseholdSummary, VillageDto } from './types';

export const fetchVillages = () => http.get<{ villages: VillageDto[] }>('/api/villages');

export const fetchVillageHouseholds = (villageId: string) =>
  http.get<{ households: HouseholdSummary[] }>(`/api/villages/${encodeURIComponent(villageId)}/households`);
