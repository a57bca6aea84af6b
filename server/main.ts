// `npm start`: the whole app in one process. Configuration → database → migrations → PII keys →
// client build (first run only) → demo data (empty database only) → HTTP server, plus the job
// runner (server/jobs/) that settles ended public-notice windows, once across all processes. SIGTERM / SIGINT stop it cleanly: no new connections, the
// requests in flight (pushed batches) answered, the writer thread and the database closed.
// Everything it says goes to stdout as JSON lines (server/ops/log.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadConfig } from './config';
import { openServerDeps } from './boot';
import { createApp, serveClient } from './app';
import { seedDemoIfEmpty } from './seed/demo';
import { settleAllDue } from './routes/notices/settle';
import { startJobRunner } from './jobs/runner';
import { pointsJobs } from './jobs/points-jobs';
import { purgeExpiredNegativeCredit } from './routes/credit/retention';
import { createLogger, log, setLogger } from './ops/log';
import { countJobRun } from './ops/metrics';
import { PRIVATE_UMASK } from './security/file-modes';
import { parseTrustProxy } from './http/client-address';
import { HTTP_TIMEOUTS, serverOptions } from './http/timeouts';
import { maskPhone } from '../shared/validation/phone';
import { TALLY_ROUND_EVERY_MS, runTallyRound, startTallyBackground } from './tallies/jobs';
import { RETENTION_EVERY_MS, RETENTION_JOB, anonymiseOldDeductions } from './jobs/retention';

const CREDIT_RETENTION_EVERY_MS = 6 * 3600_000;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist', 'client');
/** Notices settled per transaction batch; a run goes on batch after batch until none is due. */
const SETTLE_BATCH = 20;
const SHUTDOWN_GRACE_MS = 10_000;

/** The first `npm start` on a fresh checkout builds the client, so that nothing else is needed. */
function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(DIST, 'index.html'))) return;
  log().info('未找到前端构建，正在构建… / Client build not found, building it now (npx vite build)…');
  // The build's own output goes to stderr, so that stdout stays JSON lines.
  const r = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (r.status !== 0) log().error('前端构建失败，只提供接口 / Client build failed: serving the API only.');
}

function addresses(port: number, host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host}:${port}`];
  const lan = Object.values(os.networkInterfaces()).flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => `http://${a!.address}:${port}`);
  return [`http://localhost:${port}`, ...lan];
}

async function main(): Promise<void> {
  // Database, WAL and evidence files: readable by the service user only (server/security/file-modes.ts).
  process.umask(PRIVATE_UMASK);
  const config = loadConfig();
  setLogger(createLogger(config.logLevel));
  parseTrustProxy(config.trustProxy); // a malformed TRUST_PROXY stops the start, not a request
  const opened = await openServerDeps(config);
  const { deps, migrationsApplied } = opened;
  if (migrationsApplied.length) log().info({ migrations: migrationsApplied }, `数据库迁移 / migrations applied: ${migrationsApplied.join(', ')}`);

  ensureClientBuilt();
  const seed = await seedDemoIfEmpty(deps);

  const app = createApp(deps);
  serveClient(app, DIST);

  // Background work: each due run happens in one process however many share the database; a
  // run settles in small steps (one notice per transaction) until nothing is due, and start-up
  // never waits for it.
  const jobs = startJobRunner(deps, [{
    name: 'settle-notices', everyMs: config.settleEveryMs,
    run: async (now) => {
      try {
        const settled = await settleAllDue(deps, now, SETTLE_BATCH);
        countJobRun('settle_notices', 'ok');
        return settled; // recorded with the run (job_runs.items)
      } catch (err) {
        countJobRun('settle_notices', 'failed');
        throw err; // the runner logs it and records the failed run
      }
    },
  }, {
    // Frozen periods and anomaly flags (server/tallies/): once across processes.
    name: 'tally-round', everyMs: TALLY_ROUND_EVERY_MS, run: (now) => runTallyRound(deps, now),
  }, {
    // Guardrail 8: negative credit records are kept at most five years (server/routes/credit/retention.ts).
    name: 'credit-retention', everyMs: CREDIT_RETENTION_EVERY_MS, run: (now) => purgeExpiredNegativeCredit(deps, now),
  }, {
    // Guardrail 8: negative moral entries three years old anonymised, in small indexed batches.
    name: RETENTION_JOB, everyMs: RETENTION_EVERY_MS, run: (now) => anonymiseOldDeductions(deps, now),
  },
  // The ledger: year-end expiry of redeemable points, lapsed shop reservations (issue 8).
  ...pointsJobs(deps)]);
  // Tally catch-up (villages never rebuilt) in small steps, in the background.
  const tallies = startTallyBackground(deps);

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: serverOptions() }, (info) => {
    const db = deps.dialect === 'postgres' ? 'PostgreSQL' : `SQLite ${config.sqlitePath}`;
    if (seed.created || seed.logins.length) {
      // Demo accounts only (README lists them); the resident's phone is masked like any phone in the log.
      const logins = seed.logins.map((l) => ({ role: l.role, username: l.username, phone: l.phone ? maskPhone(l.phone) : undefined, password: l.password, pin: l.pin, note: l.note }));
      log().info({ logins, demoCreated: seed.created }, '演示账号 / Demo logins (the resident\'s full phone number is in README.md)');
    }
    log().info({ database: db, urls: addresses(info.port, config.host) }, `村信 Cunxin 已启动 / is running (${db})`);
  });
  Object.assign(server, HTTP_TIMEOUTS);
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') log().fatal(`端口 ${config.port} 已被占用 / port ${config.port} is in use (set PORT=…)`);
    else log().fatal({ err }, 'server error');
    process.exit(1);
  });

  let stopping = false;
  // Once stopping, every answer closes its connection: keep-alive phones reconnect to a live server.
  server.on('request', (_req, res) => {
    if (stopping && !res.headersSent) res.setHeader('Connection', 'close');
  });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, `${signal}: 正在停止 / shutting down…`);
    tallies.stop();
    // Stop accepting, let requests in flight and job runs finish (each commits or rolls back), then close the DB.
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      jobs.stop().then(() => opened.close()).then(
        () => {
          log().info('已停止 / stopped');
          process.exit(0);
        },
        (err) => {
          log().error({ err }, 'closing the database failed');
          process.exit(1);
        },
      );
    });
    if ('closeIdleConnections' in server) (server as { closeIdleConnections(): void }).closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  log().fatal({ err }, '启动失败 / failed to start');
  process.exit(1);
});
