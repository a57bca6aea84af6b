import { api } from './client';
import { call } from './http';

export const login = (username: string, password: string) =>
  call(() => api.auth.login.$post({ json: { username, password } }), { skipUnauthorizedHook: true });

export const residentLogin = (phone: string, pin: string) =>
  call(() => api.auth['resident-login'].$post({ json: { phone, pin } }), { skipUnauthorizedHook: true });

export const logout = () => call(() => api.auth.logout.$post());

export const fetchMe = () => call(() => api.auth.me.$get());
