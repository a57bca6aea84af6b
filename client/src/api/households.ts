import { api } from './client';
import { call } from './http';

export const fetchHousehold = (householdId: string) =>
  call(() => api.households[':householdId'].$get({ param: { householdId } }));
