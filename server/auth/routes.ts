// /api/auth: staff and resident login, logout, and the current user.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context';
import { allow, ANY_ROLE } from '../access/rules';
import { requireUser } from '../access/guards';
import { jsonBody } from '../http/validate';
import { badRequest } from '../http/errors';
import { findResidentByPhone, findStaffByUsername } from '../repositories/users';
import { revokeSession } from '../repositories/sessions';
import { normalizePhone } from '../../shared/validation/phone';
import { logIn } from './login';
import { logInWithQr } from './qr-login';
import { clearSessionCookie } from './session-token';
import { toMe } from './me';

const staffLogin = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) });
const qrLogin = z.object({ token: z.string().min(1).max(128) });
const residentLogin = z.object({ phone: z.string().min(1).max(32), pin: z.string().regex(/^\d{6}$/, 'PIN码为6位数字') });

export const authRoutes = new Hono<AppEnv>()
  .post('/login', allow({ roles: ANY_ROLE, scope: 'public' }), jsonBody(staffLogin), async (c) => {
    const { username, password } = c.req.valid('json');
    const db = c.get('deps').db;
    const user = await logIn(c, `user:${username.toLowerCase()}`, () => findStaffByUsername(db, username), (u) => u.passwordHash, password, false);
    return c.json({ user }, 200);
  })
  .post('/resident-login', allow({ roles: ANY_ROLE, scope: 'public' }), jsonBody(residentLogin), async (c) => {
    const { phone, pin } = c.req.valid('json');
    const normal = normalizePhone(phone);
    if (!normal.ok) throw badRequest('invalid_phone', normal.message);
    const db = c.get('deps').db;
    const user = await logIn(c, `phone:${normal.value}`, () => findResidentByPhone(db, normal.value), (u) => u.pinHash, pin, true);
    return c.json({ user }, 200);
  })
  // A household's QR slip: the token comes in the body (from the link's fragment), never in a URL.
  .post('/resident-qr-login', allow({ roles: ANY_ROLE, scope: 'public' }), jsonBody(qrLogin), async (c) => {
    const user = await logInWithQr(c, c.req.valid('json').token);
    return c.json({ user }, 200);
  })
  // Public so that a client with an expired session can still clear its cookie.
  .post('/logout', allow({ roles: ANY_ROLE, scope: 'public' }), async (c) => {
    const { db, config, now } = c.get('deps');
    const user = c.get('user');
    if (user) await revokeSession(db, user.sessionId, now().toISOString());
    clearSessionCookie(c, config);
    return c.json({ ok: true as const }, 200);
  })
  .get('/me', allow({ roles: ANY_ROLE, scope: 'self' }), (c) => c.json({ user: toMe(requireUser(c.get('user'))) }, 200));
