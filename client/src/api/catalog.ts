import { api } from './client';
import { call } from './http';

export const fetchCatalog = () => call(() => api.catalog.$get());
