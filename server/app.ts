// The HTTP application: middleware and routers, nothing else. createApp(deps) is used by main.ts
// and by every test (app.request()); serveClient() adds the built PWA for production.
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { compress } from 'hono/compress';
import type { AppEnv, Deps } from './context';
import { onError, onNotFound } from './http/errors';
import { securityHeaders } from './http/security-headers';
import { jsonOnly, limitBody, noNulInUrl, noStore } from './http/api-guards';
import { sessionMiddleware } from './auth/session-middleware';
import { assertEveryRouteHasRule, failClosedWithoutRule } from './access/rules';
import { authRoutes } from './auth/routes';
import { villageRoutes } from './routes/villages/routes';
import { noticeRoutes } from './routes/notices/routes';
import { householdRoutes } from './routes/households/routes';
import { catalogRoutes } from './routes/catalog/routes';
import { catalogVersionRoutes } from './routes/catalog/versions';
import { reviewRoutes } from './routes/review/routes';
import { rankingRoutes } from './routes/ranking/routes';
import { consoleRoutes } from './routes/console/routes';
import { townshipTallyRoutes, villageBoardRoutes } from './routes/tallies/routes';
import { conflictRoutes, villageConflictRoutes } from './routes/conflicts/routes';
import { syncRoutes } from './sync/routes';
import { noticeDetailRoutes } from './routes/notices/notice-routes';
import { objectionRoutes } from './routes/objections/routes';
import { publicObjectionRoutes } from './routes/objections/public-routes';
import { evidenceRoutes } from './routes/evidence/routes';
import { householdPointsRoutes, villageShopRoutes } from './routes/shop/routes';
import { healthRoutes, metricsRoutes } from './routes/ops/routes';
import { payoutListRoutes, townshipPayoutRoutes, villagePayoutRoutes } from './routes/payouts/routes';
import { creditRecordRoutes } from './routes/credit/record-routes';
import { creditRoundRoutes } from './routes/credit/round-routes';
import { creditHouseholdRoutes } from './routes/credit/household-routes';
import { creditTownshipRoutes } from './routes/credit/township-routes';
import { householdResidentRoutes, villageResidentRoutes } from './routes/residents/routes';
import { rosterOfficeRoutes } from './routes/office/roster-routes';
import { userOfficeRoutes } from './routes/office/user-routes';
import { requestLog } from './ops/request-log';
import { closeAfterRefusal } from './http/refusals';

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(onNotFound);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('user', null);
    return next();
  });
  app.use('*', requestLog, closeAfterRefusal);
  app.use('*', securityHeaders);
  // API answers gzipped when large enough (the sync's own jsonAnswer already is; compress() skips it).
  app.use('/api/*', compress());
  app.use('/api/*', noStore, noNulInUrl, limitBody, jsonOnly, sessionMiddleware, failClosedWithoutRule);

  // Chained, so that AppType carries every route's types to the client's hc<AppType>.
  const routes = app
    .route('/api/auth', authRoutes)
    .route('/api/villages', villageRoutes)
    .route('/api/villages', noticeRoutes)
    .route('/api/villages', villageConflictRoutes)
    .route('/api/conflicts', conflictRoutes)
    .route('/api/households', householdRoutes)
    .route('/api/catalog', catalogRoutes)
    .route('/api/catalog', catalogVersionRoutes)
    .route('/api/sync', syncRoutes)
    .route('/api/review', reviewRoutes)
    .route('/api/township', rankingRoutes)
    .route('/api/notices', noticeDetailRoutes)
    .route('/api/objections', objectionRoutes)
    .route('/api/public', publicObjectionRoutes)
    .route('/api/evidence', evidenceRoutes)
    .route('/api', healthRoutes)
    .route('/metrics', metricsRoutes)
    .route('/api/township', townshipTallyRoutes)
    .route('/api/villages', villageBoardRoutes)
    .route('/api/villages', villageShopRoutes)
    .route('/api/households', householdPointsRoutes)
    .route('/api/township/payouts', townshipPayoutRoutes)
    .route('/api/villages', villagePayoutRoutes)
    .route('/api/payouts', payoutListRoutes)
    .route('/api/credit', creditRecordRoutes)
    .route('/api/credit', creditRoundRoutes)
    .route('/api/credit', creditHouseholdRoutes)
    .route('/api/credit/township', creditTownshipRoutes)
    .route('/api/households', householdResidentRoutes)
    .route('/api/villages', villageResidentRoutes)
    .route('/api/township', rosterOfficeRoutes)
    .route('/api/township', userOfficeRoutes)
    .route('/api/township', consoleRoutes)
    .route('/api/villages', villageBoardRoutes);

  assertEveryRouteHasRule(app);
  return routes;
}

export type AppType = ReturnType<typeof createApp>;

const isApiPath = (p: string) => p === '/api' || p.startsWith('/api/');
/** The app shell and service worker must be revalidated, or a phone keeps an old version forever. */
const COMPRESSIBLE_STATIC = /(\.(js|mjs|css|html|svg|json|webmanifest)|\/[^.]*)$/;
const MUST_REVALIDATE = /^\/(sw\.js|registerSW\.js|manifest\.webmanifest|workbox-[\w.-]+\.js)$/;

/** Static files of the built client, with SPA fallback to index.html for non-/api GETs. */
export function serveClient(app: Hono<AppEnv>, distDir: string): void {
  const root = path.relative(process.cwd(), distDir) || '.';
  // precompressed: the build writes x.br / x.gz beside each text asset (client/build/precompress.ts);
  // serveStatic sends the one Accept-Encoding allows, with Content-Encoding and Vary.
  const files = serveStatic<AppEnv>({ root, precompressed: true });
  const shell = serveStatic<AppEnv>({ root, path: 'index.html', precompressed: true });
  app.use('*', async (c, next) => {
    if (isApiPath(c.req.path)) return next();
    const found = await files(c, next);
    if (found instanceof Response) c.res = found; // a served file; otherwise a later handler has set c.res
    // Set after the file was chosen: serveStatic builds its Response before any onFound hook runs.
    const type = c.res.headers.get('content-type') ?? '';
    if (MUST_REVALIDATE.test(c.req.path) || type.startsWith('text/html')) c.res.headers.set('Cache-Control', 'no-cache');
    else if (c.req.path.startsWith('/assets/') && c.res.ok) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    // A cache must not hand a brotli copy to a browser that asked for none.
    if (COMPRESSIBLE_STATIC.test(c.req.path) && !/accept-encoding/i.test(c.res.headers.get('vary') ?? '')) c.res.headers.append('Vary', 'Accept-Encoding');
  });
  app.get('*', async (c, next) => {
    // Unknown /api paths fall through to the JSON 404, never to the app shell.
    if (isApiPath(c.req.path) || !fs.existsSync(path.join(distDir, 'index.html'))) return next();
    return shell(c, next);
  });
}
