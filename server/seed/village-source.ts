// Where the scale seed gets its villages from: a worker thread that generates a few villages
// ahead of the writer, or — when a worker cannot start (e.g. under a test runner that compiles
// TypeScript itself) — the same builder in this thread. The data is identical either way.
import { Worker } from 'node:worker_threads';
import type { RowBlock } from './encode';
import { scaleVillageBuilder, type ScaleContext, type ScaleVillage } from './scale-village';

export interface VillageSource {
  readonly mode: 'worker' | 'inline';
  /** Village g; call with g = 0, 1, 2, … in order. */
  get(g: number): Promise<ScaleVillage>;
  close(): Promise<void>;
}

/** Villages generated ahead of the writer: enough to keep it busy, few enough to bound memory. */
const PREFETCH = 3;
const START_TIMEOUT_MS = 30_000;

export async function openVillageSource(ctx: ScaleContext, useWorker = true): Promise<VillageSource> {
  if (useWorker) {
    const worker = await startWorker(ctx).catch(() => null);
    if (worker) return workerSource(worker, ctx.villages);
  }
  const build = scaleVillageBuilder(ctx);
  return { mode: 'inline', get: async (g) => build(g), close: async () => {} };
}

/** The worker module is TypeScript: the worker registers tsx first when it is available. */
function startWorker(ctx: ScaleContext): Promise<Worker> {
  const target = JSON.stringify(new URL('./village-worker.ts', import.meta.url).href);
  let tsx: string | null;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch {
    tsx = null; // no tsx: the worker module must then be plain JavaScript
  }
  const code = tsx
    ? `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${target}); })`
    : `import(${target})`;
  const worker = new Worker(code, { eval: true, workerData: { ctx } });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => fail(err);
    const onExit = () => fail(new Error('seed worker exited'));
    const onMessage = (m: unknown) => {
      detach();
      if (m === 'ready') resolve(worker);
      else fail(new Error('unexpected first message from the seed worker'));
    };
    const detach = () => {
      clearTimeout(timer);
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    };
    const fail = (err: Error) => {
      detach();
      void worker.terminate();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('seed worker did not start')), START_TIMEOUT_MS);
    worker.on('error', onError).on('exit', onExit).on('message', onMessage);
  });
}

function workerSource(worker: Worker, villages: number): VillageSource {
  const waiting: { resolve(v: ScaleVillage): void; reject(e: Error): void }[] = [];
  const results = new Map<number, Promise<ScaleVillage>>();
  let requested = 0;
  let failure: Error | null = null;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const w of waiting.splice(0)) w.reject(err);
  };
  worker.on('message', (v: ScaleVillage) => {
    for (const p of v.parts) if (p.block) reviveBlock(p.block);
    waiting.shift()?.resolve(v);
  });
  const onExit = () => failAll(new Error('seed worker exited'));
  worker.on('error', failAll);
  worker.on('exit', onExit);
  const request = (g: number) => {
    const p = new Promise<ScaleVillage>((resolve, reject) => {
      if (failure) reject(failure);
      else waiting.push({ resolve, reject });
    });
    p.catch(() => {}); // prefetched villages may never be awaited if the writer fails first
    results.set(g, p);
    worker.postMessage(g);
  };
  return {
    mode: 'worker',
    async get(g) {
      while (requested < Math.min(villages, g + 1 + PREFETCH)) request(requested++);
      const p = results.get(g);
      if (!p) throw new Error(`village ${g} requested out of order`);
      results.delete(g);
      return p;
    },
    async close() {
      worker.off('exit', onExit);
      await worker.terminate();
    },
  };
}

/** Structured clone turns a Buffer into a plain Uint8Array; make it a Buffer again (no copy). */
function reviveBlock(b: RowBlock): void {
  if (!Buffer.isBuffer(b.data)) {
    const u = b.data as Uint8Array;
    b.data = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  }
}
