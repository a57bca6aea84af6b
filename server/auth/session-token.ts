// Session tokens: 256 random bits in an HttpOnly, SameSite=Lax cookie. Only sha256(token) is stored,
// so a leaked database cannot be replayed as cookies.
import crypto from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config';

export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function sessionIdOf(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

/** `__Host-` needs Secure (https); plain-http localhost (dev, tests) gets an unprefixed name. */
export function sessionCookieName(config: Pick<Config, 'cookieSecure'>): string {
  return config.cookieSecure ? '__Host-cx_session' : 'cx_session';
}

export function readSessionToken(c: Context, config: Config): string | null {
  const v = getCookie(c, sessionCookieName(config));
  return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
}

export function setSessionCookie(c: Context, config: Config, token: string): void {
  setCookie(c, sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.cookieSecure,
    path: '/',
    maxAge: config.sessionDays * 24 * 3600,
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, sessionCookieName(config), { path: '/', secure: config.cookieSecure, httpOnly: true, sameSite: 'Lax' });
}
