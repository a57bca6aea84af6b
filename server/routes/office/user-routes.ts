// /api/township/users: the township office manages its users (issue 11 "Users"): creates
// collectors and committee members (the committee role is also the village admin), assigns
// villages, resets passwords and residents' PINs, revokes sessions, disables and re-enables.
// Every change is audited in the same transaction; no name or phone goes into the audit detail.
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import type { AppEnv, SessionUser } from '../../context';
import { allow, TOWNSHIP_STAFF } from '../../access/rules';
import { assertTownship, requireUser } from '../../access/guards';
import { assertOfficeUser, assertOwnVillages } from '../../access/office-guards';
import { AppError, conflict } from '../../http/errors';
import { jsonBody, queryParams } from '../../http/validate';
import { writeTransaction, type WriteTrx } from '../../db/transaction';
import { recordAudit } from '../../repositories/audit';
import type { AuditAction } from '../../../shared/domain/audit-actions';
import { insertUser } from '../../repositories/users';
import {
  countLiveSessions, listTownshipUsers, replaceUserVillages, revokeUserSessions, updateUserFields, usernameTaken, type OfficeUser,
} from '../../repositories/township-office';
import { hashSecret } from '../../auth/password';
import { maskPhone } from '../../../shared/validation/phone';
import { normalizeName } from '../../../shared/validation/name';

const password = z.string().min(8, '密码至少8位').max(64).regex(/[A-Za-z]/, '密码须含字母').regex(/\d/, '密码须含数字');
const villageIds = z.array(z.string().min(1).max(64)).max(50);
const displayName = z.string().trim().min(1).max(50).refine((v) => normalizeName(v).ok, '姓名无效');
const createBody = z.object({
  username: z.string().trim().min(3).max(32).regex(/^[A-Za-z0-9_.-]+$/, '用户名只能包含字母、数字和 _ . -'),
  displayName, role: z.enum(['collector', 'committee']), password, villageIds: villageIds.min(1, '请至少分配一个村'),
});
const patchBody = z.object({ displayName: displayName.optional(), villageIds: villageIds.optional(), active: z.boolean().optional() });
const passwordBody = z.object({ password });
const pinBody = z.object({ pin: z.string().regex(/^\d{6}$/, 'PIN 须为6位数字') });
const listQuery = z.object({ residents: z.enum(['0', '1']).default('0') });
const RULE = { roles: TOWNSHIP_STAFF, scope: 'township' } as const;

/** Another township's user is 404 before the body is even looked at. */
const officeUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  await assertOfficeUser(c.get('deps').db, requireUser(c.get('user')), c.req.param('userId') ?? '');
  return next();
};

/** What the screen shows of a user: a resident's phone masked, never a hash. */
const view = (u: OfficeUser, sessions: number) => ({
  id: u.id, username: u.username, displayName: u.displayName, role: u.role, active: u.active, villageIds: u.villageIds,
  phone: u.phone ? maskPhone(u.phone) : null, createdAt: u.createdAt, liveSessions: sessions,
});

async function audited(c: { get(k: 'deps'): AppEnv['Variables']['deps'] }, caller: SessionUser, action: AuditAction, subjectId: string, detail: Record<string, unknown>, fn: (trx: WriteTrx) => Promise<void>) {
  const deps = c.get('deps');
  await writeTransaction(deps, async (trx) => {
    await fn(trx);
    await recordAudit(trx, { townshipId: assertTownship(caller), actorId: caller.id, action, subjectKind: 'user', subjectId, detail, at: deps.now().toISOString() });
  });
}

async function answer(c: { get(k: 'deps'): AppEnv['Variables']['deps'] }, caller: SessionUser, userId: string) {
  const deps = c.get('deps');
  const u = await assertOfficeUser(deps.db, caller, userId);
  return { user: view(u, (await countLiveSessions(deps.db, [u.id], deps.now().toISOString())).get(u.id) ?? 0) };
}

export const userOfficeRoutes = new Hono<AppEnv>()
  .get('/users', allow(RULE), queryParams(listQuery), async (c) => {
    const caller = requireUser(c.get('user'));
    const deps = c.get('deps');
    const users = (await listTownshipUsers(deps.db, assertTownship(caller), caller.villageIds, { residents: c.req.valid('query').residents === '1' }))
      .filter((u) => u.id !== caller.id);
    const sessions = await countLiveSessions(deps.db, users.map((u) => u.id), deps.now().toISOString());
    return c.json({ users: users.map((u) => view(u, sessions.get(u.id) ?? 0)) }, 200);
  })
  .post('/users', allow(RULE), jsonBody(createBody), async (c) => {
    const caller = requireUser(c.get('user'));
    const body = c.req.valid('json');
    assertOwnVillages(caller, body.villageIds);
    const deps = c.get('deps');
    const id = uuidv7();
    const passwordHash = await hashSecret(body.password);
    await audited(c, caller, 'user.create', id, { role: body.role, villages: body.villageIds.length }, async (trx) => {
      if (await usernameTaken(trx, body.username)) throw conflict('username_taken', '该用户名已被使用');
      await insertUser(trx, {
        id, username: body.username, displayName: body.displayName, role: body.role,
        townshipId: null, householdId: null, phone: null, passwordHash, pinHash: null,
      }, deps.now().toISOString());
      await replaceUserVillages(trx, id, [...new Set(body.villageIds)]);
    });
    return c.json(await answer(c, caller, id), 201);
  })
  .patch('/users/:userId', allow(RULE), officeUser, jsonBody(patchBody), async (c) => {
    const caller = requireUser(c.get('user'));
    const target = await assertOfficeUser(c.get('deps').db, caller, c.req.param('userId'));
    const body = c.req.valid('json');
    if (body.villageIds) {
      if (target.role !== 'collector' && target.role !== 'committee') throw new AppError(422, 'no_villages', '只有采集员和村委成员分配村');
      assertOwnVillages(caller, body.villageIds);
      // Villages of another township the user also serves stay assigned.
      body.villageIds = [...new Set([...body.villageIds, ...target.villageIds.filter((v) => !caller.villageIds.includes(v))])];
    }
    const action = body.active === false ? 'user.disable' : body.active === true && !target.active ? 'user.enable' : 'user.update';
    await audited(c, caller, action, target.id, { fields: Object.keys(body), villages: body.villageIds?.length }, async (trx) => {
      await updateUserFields(trx, target.id, { displayName: body.displayName, active: body.active });
      if (body.villageIds) await replaceUserVillages(trx, target.id, body.villageIds);
      // A disabled user is logged out everywhere at once.
      if (body.active === false) await revokeUserSessions(trx, target.id, c.get('deps').now().toISOString());
    });
    return c.json(await answer(c, caller, target.id), 200);
  })
  .post('/users/:userId/password', allow(RULE), officeUser, jsonBody(passwordBody), async (c) => {
    const caller = requireUser(c.get('user'));
    const target = await assertOfficeUser(c.get('deps').db, caller, c.req.param('userId'));
    if (target.role === 'resident') throw new AppError(422, 'resident_pin', '村民用PIN登录，请重置PIN');
    const passwordHash = await hashSecret(c.req.valid('json').password);
    await audited(c, caller, 'user.password_reset', target.id, {}, async (trx) => {
      await updateUserFields(trx, target.id, { passwordHash });
      await revokeUserSessions(trx, target.id, c.get('deps').now().toISOString());
    });
    return c.json(await answer(c, caller, target.id), 200);
  })
  .post('/users/:userId/pin', allow(RULE), officeUser, jsonBody(pinBody), async (c) => {
    const caller = requireUser(c.get('user'));
    const target = await assertOfficeUser(c.get('deps').db, caller, c.req.param('userId'));
    if (target.role !== 'resident') throw new AppError(422, 'staff_password', '工作人员用密码登录，请重置密码');
    const pinHash = await hashSecret(c.req.valid('json').pin);
    await audited(c, caller, 'user.pin_reset', target.id, {}, async (trx) => {
      await updateUserFields(trx, target.id, { pinHash });
      await revokeUserSessions(trx, target.id, c.get('deps').now().toISOString());
    });
    return c.json(await answer(c, caller, target.id), 200);
  })
  .post('/users/:userId/revoke-sessions', allow(RULE), officeUser, async (c) => {
    const caller = requireUser(c.get('user'));
    const target = await assertOfficeUser(c.get('deps').db, caller, c.req.param('userId'));
    let revoked = 0;
    await audited(c, caller, 'user.sessions_revoked', target.id, {}, async (trx) => {
      revoked = await revokeUserSessions(trx, target.id, c.get('deps').now().toISOString());
    });
    return c.json({ ...(await answer(c, caller, target.id)), revoked }, 200);
  });
