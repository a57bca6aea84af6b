// The export thread's body (see thread.ts): its own database connection; each job's rows written
// by the same code as on the main thread (respond.ts produce), its bytes posted back in chunks.
import os from 'node:os';
import { PassThrough } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/connect';
import { ROW_SOURCES } from './sources';
import { produce, yieldToLoop } from './respond';
import { MAX_IN_FLIGHT, type FromThread, type ToThread } from './thread';
import type { PiiKeys } from '../security/pii';
import { InFlightGauge } from './give-way';

const { databaseUrl, sqlitePath, nice, syncInFlight, giveWayMs } = workerData as {
  databaseUrl: string | null; sqlitePath: string; nice: number; syncInFlight: SharedArrayBuffer; giveWayMs: number;
};
// The main thread's count of sync requests in flight: between two pages or slices the thread
// sleeps while one is served, at most giveWayMs (give-way.ts), so that the export's CPU is spent
// between pushes; the wait costs the export's time only.
const sync = new InFlightGauge(syncInFlight);
// A lower CPU priority for this thread only (on Linux the nice value is per thread): when the
// cores are busy, sync pushes on the main and writer threads go first and the export waits.
try {
  os.setPriority(nice);
} catch {
  // not permitted here: the export runs at the server's priority
}
const database = openDatabase({ databaseUrl, sqlitePath, poolSize: 2 });
const port = parentPort!;

interface Running { out: PassThrough; inFlight: number; acked: () => void; cancelled: boolean }
const running = new Map<number, Running>();
let active = 0;
let closing = false;

const post = (msg: FromThread, transfer?: ArrayBuffer[]) => port.postMessage(msg, transfer);

async function run(msg: Extract<ToThread, { type: 'job' }>): Promise<void> {
  const source = ROW_SOURCES.find((s) => s.key === msg.key);
  if (!source) { post({ type: 'error', id: msg.id, message: `no export ${msg.key}` }); return; }
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const job: Running = { out, inFlight: 0, acked: () => {}, cancelled: false };
  running.set(msg.id, job);
  active++;
  // The bytes go to the main thread as they come, at most MAX_IN_FLIGHT chunks ahead of its answer.
  const pump = (async () => {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      const bytes = new Uint8Array(chunk.byteLength);
      bytes.set(chunk);
      job.inFlight++;
      post({ type: 'chunk', id: msg.id, bytes }, [bytes.buffer]);
      while (job.inFlight >= MAX_IN_FLIGHT && !job.cancelled) await new Promise<void>((resolve) => { job.acked = resolve; });
    }
  })();
  try {
    // The thread's own connection; no keys (the roster, which masks ID numbers, stays on the main thread).
    const ctx = { ...msg.ctx, db: database.db, pii: null as unknown as PiiKeys };
    let gaveWayMs = 0;
    const pause = () => {
      if (giveWayMs > 0) gaveWayMs += sync.waitIdle(giveWayMs);
      return yieldToLoop();
    };
    const { rows, complete } = await produce(source, ctx, msg.format, out, pause);
    await pump.catch(() => undefined); // a cancelled export ends its pump with a premature close
    post({ type: 'done', id: msg.id, rows, complete: complete && !job.cancelled, gaveWayMs });
  } catch (err) {
    out.destroy();
    void pump.catch(() => undefined);
    post({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    running.delete(msg.id);
    active--;
    if (closing && active === 0) await shutdown();
  }
}

async function shutdown(): Promise<void> {
  await database.close();
  port.close();
}

port.on('message', (msg: ToThread) => {
  if (msg.type === 'job') void run(msg);
  else if (msg.type === 'ack') {
    const job = running.get(msg.id);
    if (job) { job.inFlight--; job.acked(); }
  } else if (msg.type === 'cancel') {
    const job = running.get(msg.id);
    if (job) { job.cancelled = true; job.out.destroy(); job.acked(); }
  } else {
    closing = true;
    if (active === 0) void shutdown();
  }
});
