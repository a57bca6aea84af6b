import { http } from './http';
import type { Me } from './types';

export const login = (username: string, password: string) =>
  http.post<{ user: Me }>('/api/auth/login', { username, password }, { skipUnauthorizedHook: true });

export const residentLogin = (phone: string, pin: string) =>
  http.post<{ user: Me }>('/api/auth/resident-login', { phone, pin }, { skipUnauthorizedHook: true });

export const logout = () => http.post<{ ok: true }>('/api/auth/logout');

export const fetchMe = () => http.get<{ user: Me }>('/api/auth/me');
