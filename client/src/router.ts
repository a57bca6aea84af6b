// Routes per role. The guard only needs the cached user, so it works offline after a reload.
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw, type Router } from 'vue-router';
import type { Pinia } from 'pinia';
import type { Role } from '../../shared/domain/roles';
import { useAuthStore } from './stores/auth';
import { loadLaterMessages } from './i18n';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without login. */
    public?: boolean;
    /** Roles that may open the page; others are sent to their home page. */
    roles?: readonly Role[];
  }
}

const VILLAGE_WORK: readonly Role[] = ['collector', 'committee', 'admin'];
const REVIEW: readonly Role[] = ['committee', 'admin'];
const REVIEW_AND_TOWNSHIP: readonly Role[] = ['committee', 'admin', 'township'];
const TOWNSHIP: readonly Role[] = ['township', 'admin'];

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  { path: '/villages', name: 'villages', component: () => import('./views/collector/VillageListView.vue'), meta: { roles: VILLAGE_WORK } },
  {
    path: '/villages/:villageId',
    name: 'village',
    component: () => import('./views/collector/HouseholdListView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  {
    path: '/villages/:villageId/new-household',
    name: 'new-household',
    component: () => import('./views/collector/HouseholdNewView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  {
    path: '/households/:householdId',
    name: 'household',
    component: () => import('./views/collector/HouseholdView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  {
    path: '/households/:householdId/new-entry',
    name: 'new-entry',
    component: () => import('./views/collector/EntryFormView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  {
    path: '/households/:householdId/new-credit',
    name: 'new-credit',
    component: () => import('./views/collector/CreditRecordFormView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  { path: '/sync', name: 'sync', component: () => import('./views/collector/SyncView.vue'), meta: { roles: VILLAGE_WORK } },
  // The outbox list became part of the sync status screen.
  { path: '/outbox', redirect: '/sync' },
  { path: '/review', name: 'review', component: () => import('./views/committee/ReviewQueueView.vue'), meta: { roles: REVIEW } },
  {
    path: '/review/entries/:entryId',
    name: 'entry-history',
    component: () => import('./views/committee/EntryHistoryView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  {
    path: '/entries/:entryId/correct',
    name: 'entry-correct',
    component: () => import('./views/collector/EntryCorrectionView.vue'),
    props: true,
    meta: { roles: VILLAGE_WORK },
  },
  { path: '/notices', name: 'notices', component: () => import('./views/committee/NoticeView.vue'), meta: { roles: REVIEW } },
  {
    path: '/notices/:noticeId',
    name: 'notice',
    component: () => import('./views/committee/NoticeDetailView.vue'),
    props: true,
    meta: { roles: REVIEW_AND_TOWNSHIP },
  },
  {
    path: '/notices/:noticeId/sheet',
    name: 'notice-sheet',
    component: () => import('./views/committee/NoticeSheetView.vue'),
    props: true,
    meta: { roles: REVIEW_AND_TOWNSHIP },
  },
  { path: '/objections', name: 'objections', component: () => import('./views/committee/ObjectionListView.vue'), meta: { roles: REVIEW_AND_TOWNSHIP } },
  // What a notice's QR code opens, and the receipt link of an objection: no login needed.
  { path: '/o/receipt/:receipt', name: 'objection-receipt', component: () => import('./views/public/ObjectionReceiptView.vue'), props: true, meta: { public: true } },
  { path: '/o/:token', name: 'objection', component: () => import('./views/public/ObjectionView.vue'), props: true, meta: { public: true } },
  { path: '/office', name: 'village-office', component: () => import('./views/committee/VillageOfficeView.vue'), meta: { roles: REVIEW } },
  { path: '/conflicts', name: 'conflicts', component: () => import('./views/committee/ConflictView.vue'), meta: { roles: REVIEW } },
  // The credit ledger (issue 7): committee review and evaluation rounds, township settings, the resident's credit.
  { path: '/credit/review', name: 'credit-review', component: () => import('./views/committee/CreditReviewView.vue'), meta: { roles: REVIEW } },
  { path: '/credit/rounds/:roundId', name: 'credit-round', component: () => import('./views/committee/CreditRoundView.vue'), props: true, meta: { roles: REVIEW_AND_TOWNSHIP } },
  { path: '/credit/township', name: 'credit-township', component: () => import('./views/township/CreditSettingsView.vue'), meta: { roles: ['township', 'admin'] } },
  { path: '/my/credit', name: 'my-credit', component: () => import('./views/resident/ResidentCreditView.vue'), meta: { roles: ['resident'] } },
  { path: '/me', name: 'me', component: () => import('./views/resident/MyHouseholdView.vue'), meta: { roles: ['resident'] } },
  // The points shop (issue 8): the resident's points page, the clerk's shop and hand-over.
  { path: '/my/points', name: 'my-points', component: () => import('./views/resident/ResidentPointsView.vue'), meta: { roles: ['resident'] } },
  { path: '/shop', name: 'shop', component: () => import('./views/committee/ShopView.vue'), meta: { roles: REVIEW } },
  {
    path: '/shop/handover/:redemptionId',
    name: 'shop-handover',
    component: () => import('./views/committee/ShopHandoverView.vue'),
    props: true,
    meta: { roles: REVIEW },
  },
  { path: '/my/consent', name: 'my-consent', component: () => import('./views/resident/ResidentConsentView.vue'), meta: { roles: ['resident'] } },
  // What a household's QR slip opens (the token in the fragment): no login needed.
  { path: '/q', name: 'qr-login', component: () => import('./views/public/QrLoginView.vue'), meta: { public: true } },
  { path: '/villages/:villageId/resident-access', name: 'resident-access', component: () => import('./views/committee/ResidentAccessView.vue'), props: true, meta: { roles: REVIEW } },
  { path: '/corrections', name: 'corrections', component: () => import('./views/committee/CorrectionQueueView.vue'), meta: { roles: REVIEW } },
  // Cash incentives: the township's desktop screen; the committee lands on its village's lists.
  { path: '/payouts', name: 'payouts', component: () => import('./views/township/PayoutView.vue'), meta: { roles: ['township', 'admin', 'committee'] } },
  { path: '/payouts/village', name: 'payouts-village', component: () => import('./views/committee/PayoutVillageView.vue'), meta: { roles: REVIEW } },
  {
    path: '/payouts/lists/:listId',
    name: 'payout-list',
    component: () => import('./views/township/PayoutListView.vue'),
    props: true,
    meta: { roles: REVIEW_AND_TOWNSHIP },
  },
  {
    path: '/payouts/lists/:listId/sheet',
    name: 'payout-sheet',
    component: () => import('./views/committee/PayoutSheetView.vue'),
    props: true,
    meta: { roles: REVIEW_AND_TOWNSHIP },
  },
  // The township office (issue 11): desktop screens, never loaded on a collector's phone.
  { path: '/township/roster', name: 'office-roster', component: () => import('./views/township/RosterImportView.vue'), meta: { roles: ['township', 'admin'] } },
  { path: '/township/catalog', name: 'office-catalog', component: () => import('./views/township/CatalogView.vue'), meta: { roles: ['township', 'admin'] } },
  { path: '/township/users', name: 'office-users', component: () => import('./views/township/UsersView.vue'), meta: { roles: ['township', 'admin'] } },
  { path: '/township/honour-board', name: 'office-board', component: () => import('./views/township/HonourBoardView.vue'), meta: { roles: ['township', 'admin'] } },
  { path: '/ranking', name: 'ranking', component: () => import('./views/township/RankingView.vue'), meta: { roles: TOWNSHIP } },
  // The township console (issue 11): lazy chunks of their own; echarts comes only with the charts.
  { path: '/township/villages/:villageId', name: 'township-village', component: () => import('./views/township/VillageHouseholdsView.vue'), props: true, meta: { roles: TOWNSHIP } },
  { path: '/township/households/:householdId', name: 'township-household', component: () => import('./views/township/HouseholdEntriesView.vue'), props: true, meta: { roles: TOWNSHIP } },
  { path: '/township/charts', name: 'township-charts', component: () => import('./views/township/ChartsView.vue'), meta: { roles: TOWNSHIP } },
  { path: '/township/anomalies', name: 'township-anomalies', component: () => import('./views/township/AnomaliesView.vue'), meta: { roles: TOWNSHIP } },
  { path: '/township/exports', name: 'township-exports', component: () => import('./views/township/ExportsView.vue'), meta: { roles: TOWNSHIP } },
  { path: '/township/audit', name: 'township-audit', component: () => import('./views/township/AuditView.vue'), meta: { roles: TOWNSHIP } },
  { path: '/', name: 'home', component: { render: () => null } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/**
 * The screens whose texts are all in the entry script (i18n/features.ts CORE_FEATURES): the
 * collector's first screens. Every other screen waits for the other features' messages
 * (features-later.ts, one chunk, loaded once) before it opens, so it never shows a raw key.
 */
const CORE_MESSAGE_ROUTES = new Set(['login', 'villages', 'village', 'new-household', 'home']);
export const needsLaterMessages = (name: unknown) => !CORE_MESSAGE_ROUTES.has(String(name));

export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    // Timing mark (bench/client.bench.ts BENCH_MARKS=1): a navigation starts.
    performance.mark('cx:route');
    const allowed = guard(to);
    // Offline with the chunk not cached is not expected (the service worker precaches it); the
    // screen then opens in the fallback texts rather than not at all.
    if (allowed === true && needsLaterMessages(to.name)) await loadLaterMessages().catch(() => undefined);
    return allowed;
  });
  function guard(to: RouteLocationNormalized) {
    const auth = useAuthStore(pinia);
    if (to.meta.public) {
      // A signed-in user lands on their home page, unless the session expired and needs a login.
      if (to.name === 'login' && auth.user && !auth.sessionExpired) return auth.homePath;
      return true;
    }
    if (!auth.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    if (to.name === 'home') return auth.homePath;
    if (to.meta.roles && !to.meta.roles.includes(auth.user.role)) return auth.homePath;
    // One tab "兑现" for both: the committee's is its village's lists.
    if (to.name === 'payouts' && auth.user.role === 'committee') return { name: 'payouts-village', query: to.query };
    return true;
  }
  return router;
}
