import { http } from './http';
import type { HouseholdDetail } from './types';

export const fetchHousehold = (householdId: string) =>
  http.get<HouseholdDetail>(`/api/households/${encodeURIComponent(householdId)}`);
