// The access module: the one place that decides who may read or write what. Routes declare their
// rule with allow(); sync and handlers use the scope predicates for per-item decisions.
export { loadScope, canReadVillage, canWriteVillage, canReviewVillage, type Scope } from './scope';
export { requireUser, requireRole, assertVillage, assertHousehold, assertEntry, assertConflict, assertTownship } from './guards';
export {
  allow, ruleOf, routeRules, routesWithoutRule, assertEveryRouteHasRule, failClosedWithoutRule,
  ANY_ROLE, STAFF, WRITERS, REVIEWERS, TOWNSHIP_STAFF, type AccessRule, type ScopeKind, type RouteRule,
} from './rules';
