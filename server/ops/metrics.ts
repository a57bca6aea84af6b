// Prometheus metrics (GET /metrics, server/routes/ops/). One registry per process: request counts
// and latency per route pattern, sync items by result, job runs, database pool use, the heavy-
// request gate, and the default Node.js process metrics.
import client from 'prom-client';
import type { Deps } from '../context';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const requests = new client.Counter({
  name: 'cunxin_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const, registers: [registry],
});
const latency = new client.Histogram({
  name: 'cunxin_http_request_duration_seconds', help: 'Time to answer, by method and route pattern',
  labelNames: ['method', 'route'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
});
const syncItems = new client.Counter({
  name: 'cunxin_sync_items_total', help: 'Pushed sync mutations answered, by result status',
  labelNames: ['result'] as const, registers: [registry],
});
const jobRuns = new client.Counter({
  name: 'cunxin_job_runs_total', help: 'Background job runs, by job and outcome',
  labelNames: ['job', 'outcome'] as const, registers: [registry],
});
const refused = new client.Counter({
  name: 'cunxin_requests_refused_total', help: 'Requests refused by a rate limit or the heavy-request gate',
  labelNames: ['reason'] as const, registers: [registry],
});
export const heavyInFlight = new client.Gauge({ name: 'cunxin_heavy_requests_in_flight', help: 'Heavy requests being served', registers: [registry] });

/** The database pool, read at scrape time from whichever deps registered last (one per process). */
let poolSource: (() => { total: number; idle: number; waiting: number }) | null = null;
new client.Gauge({
  name: 'cunxin_db_pool_connections', help: 'Database connections by state (SQLite: one connection, always "total")',
  labelNames: ['state'] as const, registers: [registry],
  collect() {
    this.reset();
    if (!poolSource) return;
    const p = poolSource();
    this.set({ state: 'total' }, p.total);
    this.set({ state: 'idle' }, p.idle);
    this.set({ state: 'waiting' }, p.waiting);
  },
});

export function watchPool(deps: Pick<Deps, 'poolStats'>): void {
  poolSource = deps.poolStats ?? null;
}

export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  requests.inc({ method, route, status: String(status) });
  latency.observe({ method, route }, seconds);
}

export function countSyncResults(results: readonly { status: string }[]): void {
  const by = new Map<string, number>();
  for (const r of results) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  for (const [result, n] of by) syncItems.inc({ result }, n);
}

export function countJobRun(job: string, outcome: 'ok' | 'failed'): void {
  jobRuns.inc({ job, outcome });
}

export function countRefused(reason: string): void {
  refused.inc({ reason });
}
