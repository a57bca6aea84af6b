// The server process of the benchmark: the real application (createApp with every /api guard,
// real sessions, the built client) on the SQLite file the benchmark seeded, like server/main.ts
// but without the demo seed, plus a wrapper that measures every POST /api/sync: the server's time
// (request in → answer ready, gzip included) and the answer body's bytes as sent. The benchmark
// reads and clears them at GET/DELETE /__bench/exchanges (served by the wrapper, not the app).
//
// Run by bench/support/server.ts: DATA_DIR=… PII_KEY=… PORT=0 node --import tsx bench/support/server-main.ts <distDir>
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/config';
import { openServerDeps } from '../../server/boot';
import { createApp, serveClient } from '../../server/app';

export interface SyncExchange { ms: number; bytes: number; status: number; gzip: boolean }

async function main(): Promise<void> {
  // As in production (server/main.ts, server/boot.ts), the writer thread included; always the
  // SQLite file the benchmark seeded.
  const config = { ...loadConfig(), cookieSecure: false, databaseUrl: null };
  const opened = await openServerDeps(config);
  const { deps } = opened;
  const app = createApp(deps);
  serveClient(app, process.argv[2]);
  const exchanges: SyncExchange[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === '/__bench/exchanges') {
      const body = JSON.stringify(exchanges);
      if (req.method === 'DELETE') exchanges.length = 0;
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    if (path === '/__bench/cpu') {
      const u = process.cpuUsage();
      return new Response(JSON.stringify({ ms: (u.user + u.system) / 1000 }), { headers: { 'content-type': 'application/json' } });
    }
    if (path === '/__bench/memory') {
      const m = process.memoryUsage();
      return new Response(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }), { headers: { 'content-type': 'application/json' } });
    }
    if (req.method !== 'POST' || path !== '/api/sync') return app.fetch(req);
    const t0 = performance.now();
    const res = await app.fetch(req);
    const body = new Uint8Array(await res.arrayBuffer());
    exchanges.push({ ms: performance.now() - t0, bytes: body.byteLength, status: res.status, gzip: res.headers.get('content-encoding') === 'gzip' });
    return new Response(body, { status: res.status, headers: res.headers });
  };
  const server = serve({ fetch, port: config.port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
    console.log(`bench server listening on ${info.port}`);
  });
  const stop = () => {
    server.close(() => { void opened.close().then(() => process.exit(0)); });
    setTimeout(() => process.exit(0), 5000).unref();
    if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error('bench server failed to start:', err);
  process.exit(1);
});
