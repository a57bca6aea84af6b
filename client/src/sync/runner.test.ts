import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../db/db';
import { enqueueEntryCreate } from '../db/outbox';
import { getMeta, META, readCursors, setMeta } from '../db/meta';
import { ApiError } from '../api/http';
import { PERIODIC_MS, SyncRunner, type RunnerDeps } from './runner';
import { encodeRows } from '../../../shared/protocol/tables';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type SyncRequest, type SyncResponse } from '../../../shared/protocol/sync';
import { entryInput, HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

beforeEach(resetDb);

const scope = `village:${VILLAGE}`;
function answer(over: Partial<SyncResponse> = {}): SyncResponse {
  return { protocol: 1, serverTime: new Date().toISOString(), results: [], scopes: [scope], changes: [], hasMore: false, ...over };
}

function makeRunner(sync: RunnerDeps['sync'], over: Partial<RunnerDeps> = {}) {
  return new SyncRunner({ sync, getUserId: () => USER, locks: null, isOnline: () => true, ...over });
}

describe('SyncRunner.runOnce', () => {
  it('sends pending items with cursors, removes applied ones, applies pulled pages', async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    const requests: SyncRequest[] = [];
    const runner = makeRunner(async (req) => {
      requests.push(req);
      return answer({
        results: [{ id: a.item.id, status: 'applied' }],
        changes: [{
          scope, cursor: 10, hasMore: false, deleted: [],
          tables: { household: encodeRows('household', [{
            id: HOUSEHOLD, villageId: VILLAGE, householdNo: '001', groupNo: 1, headName: '王', phone: null,
            status: 'active', consentPublic: false, version: 1,
          }]) },
        }],
      });
    });
    expect(await runner.runOnce()).toBe('ok');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, cursors: {} });
    expect(requests[0].mutations).toHaveLength(1);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.entries.get(a.entry.id))?.state).toBe('submitted');
    expect(await readCursors()).toEqual({ [scope]: 10 });
    expect(await getMeta(META.lastSyncAt)).toBeTypeOf('string');
  });

  it('a rejected item goes to attention and does not block the items after it', async () => {
    const bad = await enqueueEntryCreate(entryInput(), USER);
    const good = await enqueueEntryCreate(entryInput(), USER);
    let calls = 0;
    const runner = makeRunner(async (req) => {
      calls++;
      return answer({
        results: (req.mutations as { id: string }[]).map((m) =>
          m.id === bad.item.id
            ? { id: m.id, status: 'rejected' as const, code: 'indicator_unknown', message: '指标不存在' }
            : { id: m.id, status: 'applied' as const }),
      });
    });
    expect(await runner.runOnce()).toBe('ok');
    expect(await db.outbox.get(good.item.id)).toBeUndefined();
    expect(await db.outbox.get(bad.item.id)).toMatchObject({ status: 'attention', lastError: { code: 'indicator_unknown' } });
    // The attention item is not sent again on the next run.
    await runner.runOnce();
    expect(calls).toBe(2);
    const second = await db.outbox.toArray();
    expect(second).toHaveLength(1);
  });

  it('an answer that leaves items unanswered is a failed run: they stay and are retried', async () => {
    const first = await enqueueEntryCreate(entryInput(), USER);
    const second = await enqueueEntryCreate(entryInput(), USER);
    // The server stopped the batch at an unexpected error after the first item.
    const runner = makeRunner(async () => answer({ results: [{ id: first.item.id, status: 'applied' }] }));
    expect(await runner.runOnce()).toBe('error');
    expect(await db.outbox.get(first.item.id)).toBeUndefined();
    expect(await db.outbox.get(second.item.id)).toMatchObject({ status: 'pending' });
    expect(await getMeta(META.lastSyncAt)).toBeUndefined();
  });

  it('keeps the outbox on 401 and stops until resume()', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    const sync = vi.fn(async (): Promise<SyncResponse> => {
      throw new ApiError(401, 'unauthenticated', '请先登录');
    });
    const runner = makeRunner(sync);
    expect(await runner.runOnce()).toBe('unauthorized');
    expect(await db.outbox.count()).toBe(1);
    expect(await runner.runOnce()).toBe('unauthorized');
    expect(sync).toHaveBeenCalledTimes(1);
    runner.resume();
    expect(runner.blocked).toBeNull();
  });

  it('keeps the outbox on 426 (update the app) and on network failure', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    const upgrade = makeRunner(async () => { throw new ApiError(426, 'client_too_old', '请更新应用'); });
    expect(await upgrade.runOnce()).toBe('upgrade');
    const offline = makeRunner(async () => { throw new ApiError(0, 'network_error', 'Failed to fetch'); });
    expect(await offline.runOnce()).toBe('offline');
    expect(await db.outbox.count()).toBe(1);
    const events: string[] = [];
    const noNet = makeRunner(async () => answer(), { isOnline: () => false, onEvent: (e) => events.push(e.type) });
    expect(await noNet.runOnce()).toBe('offline');
    expect(events).toEqual(['end']);
  });

  it("never sends another user's items", async () => {
    await enqueueEntryCreate(entryInput(), 'someone-else');
    const requests: SyncRequest[] = [];
    const runner = makeRunner(async (req) => { requests.push(req); return answer(); });
    await runner.runOnce();
    expect(requests[0].mutations).toHaveLength(0);
    expect(await db.outbox.count()).toBe(1);
  });

  it('pulls page after page while the server says hasMore, sending the new cursor each time', async () => {
    const seen: Record<string, number>[] = [];
    const runner = makeRunner(async (req) => {
      seen.push(req.cursors);
      const c = req.cursors[scope] ?? 0;
      return answer({ changes: [{ scope, tables: {}, deleted: [], cursor: c + 100, hasMore: c < 200 }], hasMore: c < 200 });
    });
    expect(await runner.runOnce()).toBe('ok');
    expect(seen).toEqual([{}, { [scope]: 100 }, { [scope]: 200 }]);
    expect(await readCursors()).toEqual({ [scope]: 300 });
  });

  it('asks for the next page while it stores the current one, never storing a page before its predecessor', async () => {
    const log: string[] = [];
    const pageOf = (c: number) => [{ id: `00000000-0000-7000-8000-${String(c).padStart(12, '0')}`, name: `村${c}`, townshipId: VILLAGE, code: String(c) }];
    const runner = makeRunner(async (req) => {
      const c = req.cursors[scope] ?? 0;
      log.push(`request ${c}`);
      return answer({ changes: [{ scope, tables: { village: encodeRows('village', pageOf(c) as never) }, deleted: [], cursor: c + 100, hasMore: c < 200 }], hasMore: c < 200 });
    });
    const onStore = (_key: unknown, v: { name: string }) => { log.push(`store ${v.name}`); };
    db.villages.hook('creating', onStore);
    expect(await runner.runOnce()).toBe('ok');
    db.villages.hook('creating').unsubscribe(onStore);
    // The request for page 100 leaves before page 0 is stored; stores stay in order.
    expect(log).toEqual(['request 0', 'request 100', 'store 村0', 'request 200', 'store 村100', 'store 村200']);
    expect(await readCursors()).toEqual({ [scope]: 300 });
  });

  it('a page that fails to store drops the answer asked for early: the cursor stays at the last stored page', async () => {
    let calls = 0;
    const runner = makeRunner(async (req) => {
      calls++;
      const c = req.cursors[scope] ?? 0;
      // The second page carries a row that cannot be stored (no id: IndexedDB refuses the key).
      const tables = c === 100 ? { village: { n: 1, cols: { id: ['v', [null]] } } } : {};
      return answer({ changes: [{ scope, tables: tables as never, deleted: [], cursor: c + 100, hasMore: c < 200 }], hasMore: c < 200 });
    });
    expect(await runner.runOnce()).toBe('error');
    expect(calls).toBe(3);
    expect(await readCursors()).toEqual({ [scope]: 100 });
  });

  it('pushes a large outbox in batches of at most 200', async () => {
    for (let i = 0; i < 230; i++) await enqueueEntryCreate(entryInput(), USER);
    const sizes: number[] = [];
    const runner = makeRunner(async (req) => {
      sizes.push(req.mutations.length);
      return answer({ results: (req.mutations as { id: string }[]).map((m) => ({ id: m.id, status: 'applied' as const })) });
    });
    expect(await runner.runOnce()).toBe('ok');
    expect(sizes).toEqual([200, 30]);
    expect(await db.outbox.count()).toBe(0);
  });

  it('runs once at a time across tabs: a held lock means busy', async () => {
    const locks = {
      request: async (_name: string, _opts: unknown, cb: (lock: Lock | null) => Promise<unknown>) => cb(null),
    } as unknown as LockManager;
    const sync = vi.fn(async () => answer());
    expect(await makeRunner(sync, { locks }).runOnce()).toBe('busy');
    expect(sync).not.toHaveBeenCalled();
  });
});

describe('SyncRunner scheduling', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Offline runs end without touching IndexedDB, so the schedule alone is measured.
  function offlineRunner(over: Partial<RunnerDeps> = {}) {
    const ends: number[] = [];
    const runner = makeRunner(async () => answer(), {
      isOnline: () => false,
      random: () => 1,
      onEvent: (e) => { if (e.type === 'end') ends.push(Date.now()); },
      ...over,
    });
    return { runner, ends };
  }

  it('runs on start, then retries with capped exponential backoff and never gives up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { runner, ends } = offlineRunner();
    const t0 = Date.now();
    runner.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(ends).toEqual([t0]);
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    const gaps = ends.slice(1).map((t, i) => t - ends[i]);
    expect(gaps.slice(0, 8)).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000]);
    // At the cap (5 min) it keeps going, for as long as it takes.
    expect(new Set(gaps.slice(8))).toEqual(new Set([300000]));
    expect(ends.length).toBeGreaterThan(40);
    runner.stop();
  });

  it('honours Retry-After on 429 and 503: the next run waits as long as the server asked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const failures = [
      new ApiError(429, 'rate_limited', '请求过于频繁', 120_000),
      new ApiError(503, 'busy', '服务器繁忙', 30_000),
      new ApiError(503, 'busy', '服务器繁忙', 10 * 24 * 3_600_000), // absurd: capped at an hour
      new ApiError(500, 'internal', '服务器错误'), // no Retry-After: the usual backoff
    ];
    const sync = vi.fn(async () => {
      const f = failures.shift();
      if (f) throw f;
      return answer();
    });
    const starts: number[] = [];
    const runner = makeRunner(sync, { random: () => 0, onEvent: (e) => { if (e.type === 'start') starts.push(Date.now()); } });
    runner.start();
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(119_000);
    expect(sync).toHaveBeenCalledTimes(1); // not after the 2 s backoff: the server said 120 s
    await vi.advanceTimersByTimeAsync(1_500);
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(2));
    await vi.advanceTimersByTimeAsync(30_500);
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(3));
    await vi.advanceTimersByTimeAsync(3_600_500);
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(4));
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(5));
    // From the end of a failed run (start + its own IndexedDB work, < 1 s) to the next start.
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(120_000);
    expect(gaps[0]).toBeLessThan(121_500);
    expect(gaps[1]).toBeGreaterThanOrEqual(30_000);
    expect(gaps[1]).toBeLessThan(31_500);
    expect(gaps[2]).toBeGreaterThanOrEqual(3_600_000);
    expect(gaps[2]).toBeLessThan(3_601_500);
    expect(gaps[3]).toBeLessThan(9_000); // the plain backoff again (4th failure: 8 s at this jitter)
    runner.stop();
  });

  it('runs at once when the network comes back or the page becomes visible again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { runner, ends } = offlineRunner();
    runner.start();
    await vi.advanceTimersByTimeAsync(60_000);
    const before = ends.length;
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(ends.length).toBe(before + 1);
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(ends.length).toBe(before + 2);
    runner.stop();
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(ends.length).toBe(before + 2);
  });

  it('runs once, 2 s after a burst of local writes, and every few minutes when all is well', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    let online = true;
    const sync = vi.fn(async () => answer());
    const runner = makeRunner(sync, { isOnline: () => online });
    runner.start();
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(1));
    runner.notifyLocalWrite();
    await vi.advanceTimersByTimeAsync(1000);
    runner.notifyLocalWrite();
    await vi.advanceTimersByTimeAsync(1500);
    expect(sync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(600);
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(2));
    await vi.advanceTimersByTimeAsync(PERIODIC_MS + 100);
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(3));
    online = false;
    runner.stop();
  });
});

describe('SyncRunner without Web Locks', () => {
  it('takes an IndexedDB lease: a second tab is busy while the first syncs, and runs after it', async () => {
    const saved = Object.getOwnPropertyDescriptor(navigator, 'locks');
    Object.defineProperty(navigator, 'locks', { configurable: true, value: undefined });
    try {
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => { release = r; });
      const first = makeRunner(async () => { await gate; return answer(); }, { locks: undefined });
      const second = makeRunner(async () => answer(), { locks: undefined });
      const running = first.runOnce();
      await vi.waitFor(async () => expect(await getMeta(META.syncLease)).toBeTruthy());
      expect(await second.runOnce()).toBe('busy');
      release();
      expect(await running).toBe('ok');
      expect(await getMeta(META.syncLease)).toBeUndefined();
      expect(await second.runOnce()).toBe('ok');
    } finally {
      if (saved) Object.defineProperty(navigator, 'locks', saved);
    }
  });

  it('a lease left by a crashed tab expires', async () => {
    await setMeta(META.syncLease, { holder: 'a tab that crashed', until: Date.now() - 1 });
    expect(await makeRunner(async () => answer(), { locks: undefined, }).runOnce()).not.toBe('busy');
    await setMeta(META.syncLease, { holder: 'a live tab', until: Date.now() + 10_000 });
    const saved = Object.getOwnPropertyDescriptor(navigator, 'locks');
    Object.defineProperty(navigator, 'locks', { configurable: true, value: undefined });
    try {
      expect(await makeRunner(async () => answer(), { locks: undefined }).runOnce()).toBe('busy');
    } finally {
      if (saved) Object.defineProperty(navigator, 'locks', saved);
    }
  });
});
