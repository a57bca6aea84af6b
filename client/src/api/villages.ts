import { api } from './client';
import { call } from './http';

export const fetchVillages = () => call(() => api.villages.$get());

export const fetchVillageHouseholds = (villageId: string) =>
  call(() => api.villages[':villageId'].households.$get({ param: { villageId }, query: {} }));
