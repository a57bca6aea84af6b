// The export thread: the township's exports (ranking, tallies, entries, credit records, payouts)
// are read and written as CSV or XLSX on a worker thread with its own database connection, and
// only their bytes cross to the main thread, which passes them on to the client. Reading 400,000
// rows and zipping them as XLSX is then no longer main-thread work that a sync push waits behind
// (bench/export.bench.ts, docs/performance.md). Backpressure: the thread has at most
// MAX_IN_FLIGHT chunks unacknowledged; the main thread acknowledges a chunk once its response
// stream has taken it. A client that goes away cancels the export (audited as incomplete). The
// thread runs at a lower CPU priority (nice 10) than the server's other threads, and can give way
// to sync pushes in flight between two pages or slices (give-way.ts; off by default, measured).
import { Worker } from 'node:worker_threads';
import type { PassThrough } from 'node:stream';
import type { Config } from '../config';
import { log } from '../ops/log';
import type { ExportKey } from '../../shared/domain/audit-actions';
import type { ExportContext, ExportFormat } from './types';
import { giveWayMs, syncInFlight, type InFlightGauge } from './give-way';

const ENTRY = new URL('./thread-entry.mjs', import.meta.url);

/** What the thread is told: the context without its database handle and keys (it has its own). */
export type ThreadContext = Omit<ExportContext, 'db' | 'pii'>;

export type ToThread =
  | { type: 'job'; id: number; key: ExportKey; format: ExportFormat; ctx: ThreadContext }
  | { type: 'ack'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'close' };

export type FromThread =
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'done'; id: number; rows: number; complete: boolean; gaveWayMs: number }
  | { type: 'error'; id: number; message: string };

export const MAX_IN_FLIGHT = 8;

/** The export thread's CPU priority (nice): below sync, which must not wait for a report. */
export const DEFAULT_NICE = 10;

export interface ExportRunner {
  /** Streams the export into `out` (ended when done); resolves with the rows written. */
  run(key: ExportKey, format: ExportFormat, ctx: ExportContext, out: PassThrough): Promise<{ rows: number; complete: boolean }>;
  close(): Promise<void>;
}

interface Job { out: PassThrough; resolve(r: { rows: number; complete: boolean }): void; reject(e: Error): void }

export class ExportThread implements ExportRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly jobs = new Map<number, Job>();

  /**
   * `nice`: the thread's CPU priority, 0 (the server's) … 19 (lowest); EXPORT_THREAD_NICE, default 10.
   * `gauge`: the sync requests in flight the thread gives way to (give-way.ts), at most `giveWayMs`
   * between two pages or slices (EXPORT_GIVE_WAY_MS; default 0: never waits, see give-way.ts).
   */
  constructor(private readonly db: { databaseUrl: string | null; sqlitePath: string; nice?: number; gauge?: InFlightGauge; giveWayMs?: number }) {}

  run(key: ExportKey, format: ExportFormat, ctx: ExportContext, out: PassThrough): Promise<{ rows: number; complete: boolean }> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const { db: _db, pii: _pii, ...plain } = ctx;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { out, resolve, reject });
      out.once('close', () => { if (this.jobs.has(id)) worker.postMessage({ type: 'cancel', id } satisfies ToThread); });
      worker.postMessage({ type: 'job', id, key, format, ctx: structuredClone(plain) } satisfies ToThread);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToThread);
    await exited;
  }

  private start(): Worker {
    const nice = this.db.nice ?? (Number(process.env.EXPORT_THREAD_NICE ?? DEFAULT_NICE) || 0);
    const worker = new Worker(ENTRY, {
      workerData: {
        databaseUrl: this.db.databaseUrl, sqlitePath: this.db.sqlitePath, nice,
        syncInFlight: (this.db.gauge ?? syncInFlight).buffer, giveWayMs: this.db.giveWayMs ?? giveWayMs(),
      },
    });
    this.worker = worker;
    worker.on('message', (msg: FromThread) => {
      const job = this.jobs.get(msg.id);
      if (!job) return;
      if (msg.type === 'chunk') {
        const ack = () => worker.postMessage({ type: 'ack', id: msg.id } satisfies ToThread);
        if (job.out.destroyed) return;
        if (job.out.write(msg.bytes)) ack();
        else job.out.once('drain', ack);
      } else if (msg.type === 'done') {
        this.jobs.delete(msg.id);
        const complete = msg.complete && !job.out.destroyed;
        if (complete) job.out.end();
        log().debug({ rows: msg.rows, gaveWayMs: Math.round(msg.gaveWayMs) }, 'export thread: export written');
        job.resolve({ rows: msg.rows, complete });
      } else {
        this.jobs.delete(msg.id);
        job.reject(new Error(`export thread: ${msg.message}`));
      }
    });
    worker.on('error', (err) => log().error({ err }, 'export thread failed'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      for (const job of this.jobs.values()) job.reject(new Error(`export thread exited (code ${code})`));
      this.jobs.clear();
    });
    return worker;
  }
}

/** The server's export thread (server/boot.ts); EXPORT_THREAD=0 keeps exports on the main thread. */
export function exportThreadFor(config: Pick<Config, 'databaseUrl' | 'sqlitePath'>): ExportThread | null {
  if (process.env.EXPORT_THREAD === '0' || (!config.databaseUrl && config.sqlitePath === ':memory:')) return null;
  return new ExportThread({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
}
