// The SQLite writer thread: pushed batches' write transactions run on a thread of their own, with
// their own connection to the same database file, so that the main thread meanwhile serves the
// HTTP side of other requests (body, session, validation, hashing, pull, gzip). On a server with
// two cores this is what lets a village's phones push at about half the speed of a raw batched
// insert (docs/performance.md, "Ingest").
//
// SQLite only: on PostgreSQL, transactions of the pool's connections already run side by side.
// Every other writer (review, notices, logins) keeps the main thread's connection; the two
// connections take turns on SQLite's write lock (BEGIN IMMEDIATE, busy_timeout).
//
// If the thread dies, the jobs it held are answered as failed (their batches were not committed:
// the phones send them again) and the next job starts a new thread.
import { log } from '../../ops/log';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchOutcome, BatchRunner } from '../batch-job';
import type { WriterReply, WriterRequest } from './messages';
import type { Config } from '../../config';
import type { Dialect } from '../../db/connect';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

interface Waiting { resolve(o: BatchOutcome): void; reject(e: Error): void }

export class WriterThread implements BatchRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closing = false;

  constructor(private readonly sqlitePath: string) {}

  run(job: BatchJob): Promise<BatchOutcome> {
    if (this.closing) return Promise.reject(new Error('writer thread closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<BatchOutcome>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ type: 'job', id, job } satisfies WriterRequest);
    });
  }

  /** Lets the jobs already sent finish, then ends the thread. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies WriterRequest);
    await exited;
  }

  /** Stops the thread at once: the batches it holds are not committed and are answered as failed. */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(ENTRY, { workerData: { sqlitePath: this.sqlitePath } });
    this.worker = worker;
    worker.on('message', (reply: WriterReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.type === 'done') w.resolve(reply.outcome);
      else w.reject(new Error(`writer thread: ${reply.message}`));
    });
    worker.on('error', (err) => log().error({ err }, 'sync: writer thread failed'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failWaiting(new Error(`writer thread exited (code ${code}) before answering`));
    });
    return worker;
  }

  private failWaiting(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** The server's writer thread: on SQLite unless SYNC_WRITER_THREAD=0; none on PostgreSQL. */
export function writerThreadFor(config: Pick<Config, 'sqlitePath' | 'syncWriterThread'>, dialect: Dialect): WriterThread | null {
  return dialect === 'sqlite' && config.syncWriterThread ? new WriterThread(config.sqlitePath) : null;
}
