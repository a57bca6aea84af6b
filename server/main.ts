// `npm start`: the whole app in one process. Configuration → database → migrations → PII keys →
// client build (first run only) → demo data (empty database only) → HTTP server, plus a timer that
// settles ended public-notice windows. SIGTERM / SIGINT stop it cleanly.
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
import { settleNotices } from './routes/notices/settle';
import { startTallyJobs } from './tallies/jobs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist', 'client');
const SETTLE_EVERY_MS = 60_000;
const SHUTDOWN_GRACE_MS = 10_000;

/** The first `npm start` on a fresh checkout builds the client, so that nothing else is needed. */
function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(DIST, 'index.html'))) return;
  console.log('未找到前端构建，正在构建… / Client build not found, building it now (npx vite build)…');
  const r = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) console.error('前端构建失败，只提供接口 / Client build failed: serving the API only.');
}

function addresses(port: number, host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host}:${port}`];
  const lan = Object.values(os.networkInterfaces()).flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => `http://${a!.address}:${port}`);
  return [`http://localhost:${port}`, ...lan];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const opened = await openServerDeps(config);
  const { deps, migrationsApplied } = opened;
  if (migrationsApplied.length) console.log(`数据库迁移 / migrations applied: ${migrationsApplied.join(', ')}`);

  ensureClientBuilt();
  const seed = await seedDemoIfEmpty(deps);

  const app = createApp(deps);
  serveClient(app, DIST);

  const settle = () => settleNotices(deps, new Date()).catch((err) => console.error('公示结算失败 / settling notices failed', err));
  await settle();
  const timer = setInterval(settle, SETTLE_EVERY_MS);

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    // Tally catch-up, frozen periods and anomaly flags: in the background, after listening.
    tallyJobs = startTallyJobs(deps);
    const db = deps.dialect === 'postgres' ? 'PostgreSQL' : `SQLite ${config.sqlitePath}`;
    console.log(`\n村信 Cunxin 已启动 / is running (${db})`);
    for (const url of addresses(info.port, config.host)) console.log(`  ${url}`);
    if (seed.created || seed.logins.length) {
      console.log(seed.created ? '\n已创建演示数据，可用以下账号登录 / Demo data created. Log in with:' : '\n演示账号 / Demo logins:');
      for (const l of seed.logins) {
        const who = l.username ? `用户名 username ${l.username}` : `手机 phone ${l.phone ?? ''}`;
        const secret = l.password ? `密码 password ${l.password}` : l.pin ? `PIN ${l.pin}` : '';
        console.log(`  [${l.role}] ${who}  ${secret}  ${l.note}`);
      }
    }
    console.log('');
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `端口 ${config.port} 已被占用 / port ${config.port} is in use (set PORT=…)` : err);
    process.exit(1);
  });

  let tallyJobs: { stop(): void } | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: 正在停止 / shutting down…`);
    clearInterval(timer);
    tallyJobs?.stop();
    // Stop accepting, let requests in flight finish (each commits or rolls back), then close the DB.
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      opened.close().then(() => process.exit(0), () => process.exit(1));
    });
    if ('closeIdleConnections' in server) (server as { closeIdleConnections(): void }).closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('启动失败 / failed to start:', err);
  process.exit(1);
});
