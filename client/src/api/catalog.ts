import { http } from './http';
import type { CatalogAnswer } from './types';

export const fetchCatalog = () => http.get<CatalogAnswer>('/api/catalog');
