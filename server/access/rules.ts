// The route-rule registry. Every /api route carries exactly one access rule, attached with
// allow(rule) as its first handler. The rule is enforced by that middleware and is also readable
// from the app's route table, so that:
//   - createApp refuses to start when a route has no rule (assertEveryRouteHasRule),
//   - a request reaching a route without a rule fails closed (failClosedWithoutRule),
//   - the authorization test walks app.routes × roles × scopes from the same table.
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { RouterRoute } from 'hono/types';
import type { AppEnv } from '../context';
import type { Role } from '../../shared/domain/roles';
import { ROLES } from '../../shared/domain/roles';
import { badRequest } from '../http/errors';
import { assertOpsCaller } from './ops-caller';
import { assertConflict, assertEntry, assertEvidence, assertHousehold, assertTownship, assertVillage, requireRole } from './guards';
import { assertNotice, assertObjection } from './notice-guards';
import { assertPayoutList, assertPayoutRound } from './payout-guards';
import { assertCreditRecord, assertCreditRound } from './credit-guards';
import { assertAnomalyFlag } from './console-guards';

/**
 * What a route is about, hence which scope check applies after the role check:
 * - public: no session needed (login, logout);
 * - self: any logged-in user with an allowed role; the handler only returns the user's own scope;
 * - township: the user's own township;
 * - village: `:villageId` (or `?villageId=` with villageFrom 'query') must be in scope, else 404;
 * - household: `:householdId` must be the resident's own / in a staff member's villages, else 404;
 * - entry: `:entryId` must belong to a village in scope, else 404;
 * - conflict: `:conflictId` (an edit conflict, sync_conflicts) must belong to a village in scope, else 404;
 * - notice: `:noticeId` must be of a village in scope (a resident: their own household's village), else 404;
 * - objection: `:objectionId` must belong to a village in scope (staff only), else 404;
 * - evidence: `:sha256` (a photo) must be carried by an entry or a credit record of a village in scope, else 404;
 * - payout_round: `:payoutRoundId` (a township's payout round) must be of the user's own township, else 404;
 * - payout_list: `:listId` (a village's payout list) must belong to a village in scope, else 404;
 * - creditRecord: `:creditRecordId` (a credit record) must belong to a village in scope (staff only), else 404;
 * - creditRound: `:roundId` (a 信用户评定 round) must belong to a village in scope (staff only), else 404;
 * - anomaly: `:flagId` (an anomaly flag) must be of the user's township (and village in scope), else 404;
 * - ops: operations data (GET /metrics): no session; loopback without proxy headers, or the
 *   METRICS_TOKEN bearer (server/access/ops-caller.ts), else 403. `roles` is not consulted.
 */
export type ScopeKind = 'public' | 'self' | 'township' | 'village' | 'household' | 'entry' | 'conflict' | 'notice' | 'objection' | 'evidence' | 'payout_round' | 'payout_list' | 'creditRecord' | 'creditRound' | 'anomaly' | 'ops';

export interface AccessRule {
  roles: readonly Role[];
  scope: ScopeKind;
  villageFrom?: 'param' | 'query';
}

export const ANY_ROLE: readonly Role[] = ROLES;
export const STAFF: readonly Role[] = ['admin', 'township', 'committee', 'collector'];
export const WRITERS: readonly Role[] = ['admin', 'committee', 'collector'];
export const REVIEWERS: readonly Role[] = ['admin', 'committee'];
export const TOWNSHIP_STAFF: readonly Role[] = ['admin', 'township'];

const RULE = Symbol('accessRule');
type RuledHandler = MiddlewareHandler<AppEnv> & { [RULE]: AccessRule };

export function allow(rule: AccessRule): MiddlewareHandler<AppEnv> {
  const handler: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (rule.scope === 'public') return next();
    if (rule.scope === 'ops') {
      assertOpsCaller(c);
      return next();
    }
    const user = requireRole(c.get('user'), ...rule.roles);
    const db = c.get('deps').db;
    switch (rule.scope) {
      case 'self':
        break;
      case 'township':
        assertTownship(user);
        break;
      case 'village': {
        const villageId = rule.villageFrom === 'query' ? c.req.query('villageId') : c.req.param('villageId');
        if (!villageId) throw badRequest('village_required', '请指定村');
        assertVillage(user, villageId);
        break;
      }
      case 'household':
        await assertHousehold(db, user, c.req.param('householdId') ?? '');
        break;
      case 'entry':
        await assertEntry(db, user, c.req.param('entryId') ?? '');
        break;
      case 'conflict':
        await assertConflict(db, user, c.req.param('conflictId') ?? '');
        break;
      case 'notice':
        await assertNotice(db, user, c.req.param('noticeId') ?? '');
        break;
      case 'objection':
        await assertObjection(db, user, c.req.param('objectionId') ?? '');
        break;
      case 'evidence':
        await assertEvidence(db, user, c.req.param('sha256') ?? '');
        break;
      case 'payout_round':
        await assertPayoutRound(db, user, c.req.param('payoutRoundId') ?? '');
        break;
      case 'payout_list':
        await assertPayoutList(db, user, c.req.param('listId') ?? '');
        break;
      case 'creditRecord':
        await assertCreditRecord(db, user, c.req.param('creditRecordId') ?? '');
        break;
      case 'creditRound':
        await assertCreditRound(db, user, c.req.param('roundId') ?? '');
        break;
      case 'anomaly':
        await assertAnomalyFlag(db, user, c.req.param('flagId') ?? '');
        break;
    }
    return next();
  };
  return Object.assign(handler, { [RULE]: rule }) as RuledHandler;
}

export function ruleOf(handler: unknown): AccessRule | undefined {
  return typeof handler === 'function' ? (handler as Partial<RuledHandler>)[RULE] : undefined;
}

export interface RouteRule { method: string; path: string; rule: AccessRule | undefined }

/** Every /api endpoint of an app with its rule (undefined when the route has none). */
export function routeRules(app: { routes: RouterRoute[] }): RouteRule[] {
  const endpoints = new Map<string, RouteRule>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/')) continue;
    const key = `${r.method} ${r.path}`;
    if (endpoints.has(key)) continue;
    // A rule registered with app.use(path, allow(…)) for a router we do not own counts too.
    const ruled = app.routes.find((x) => x.path === r.path && (x.method === r.method || x.method === 'ALL') && ruleOf(x.handler));
    endpoints.set(key, { method: r.method, path: r.path, rule: ruled ? ruleOf(ruled.handler) : undefined });
  }
  return [...endpoints.values()];
}

export function routesWithoutRule(app: { routes: RouterRoute[] }): string[] {
  return routeRules(app).filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`);
}

export function assertEveryRouteHasRule(app: { routes: RouterRoute[] }): void {
  const missing = routesWithoutRule(app);
  if (missing.length) throw new Error(`routes without an access rule (server/access/rules.ts): ${missing.join(', ')}`);
}

/** Belt and braces at request time: a matched endpoint without a rule answers 500, never the data. */
export const failClosedWithoutRule: MiddlewareHandler<AppEnv> = async (c, next) => {
  const matched = matchedRoutes(c);
  // Only /api endpoints count: the client's SPA fallback (GET *) also matches /api paths, and
  // passes them on to the JSON 404.
  const endpoint = matched.some((r) => r.method !== 'ALL' && r.path.startsWith('/api/'));
  if (endpoint && !matched.some((r) => ruleOf(r.handler))) {
    throw new Error(`no access rule for ${c.req.method} ${c.req.path}`);
  }
  return next();
};
