import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useAuthStore } from './auth';
import { useSyncStore } from './sync';
import { db } from '../db/db';
import { enqueueEntryCreate } from '../db/outbox';
import { getCachedUser, knownUsers, setCachedUser } from '../db/meta';
import { SyncRunner } from '../sync/runner';
import { postSync } from '../api/sync';
import type { Me } from '../api/types';
import type { SyncRequest } from '../../../shared/protocol/sync';
import { entryInput, HOUSEHOLD, OTHER_USER, resetDb, USER, VILLAGE } from '../test/fixtures';

const A: Me = { id: USER, displayName: '孙志强', role: 'collector', townshipId: null, householdId: null, villageIds: [VILLAGE] };
const B: Me = { id: OTHER_USER, displayName: '于海燕', role: 'collector', townshipId: null, householdId: null, villageIds: [] };

/** The server as the phone sees it through fetch: who logs in, and what /api/sync answers. */
function fakeServer() {
  const state = { loginAs: A, syncStatus: 200, requests: [] as SyncRequest[] };
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const body = init?.body ?? (input instanceof Request ? await input.text() : undefined);
    if (url.includes('/api/auth/login')) return json({ user: state.loginAs });
    if (url.includes('/api/auth/logout')) return json({ ok: true });
    if (url.includes('/api/sync')) {
      if (state.syncStatus !== 200) return json({ error: { code: 'unauthorized', message: '请先登录' } }, state.syncStatus);
      const req = JSON.parse(String(body)) as SyncRequest;
      state.requests.push(req);
      return json({
        protocol: 1, serverTime: new Date().toISOString(), scopes: [`village:${VILLAGE}`], changes: [], hasMore: false,
        results: (req.mutations as { id: string }[]).map((m) => ({ id: m.id, status: 'applied' })),
      });
    }
    return json({ error: { code: 'not_found', message: 'not found' } }, 404);
  }));
  return state;
}

const sentIds = (requests: SyncRequest[]) => requests.flatMap((r) => (r.mutations as { id: string }[]).map((m) => m.id));

beforeEach(async () => {
  await resetDb();
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('another user on the same phone', () => {
  it("keeps the previous user's unsent items, never sends them under the new session, and sends them after their owner logs in again", async () => {
    const server = fakeServer();
    await setCachedUser(A);
    const auth = useAuthStore();
    await auth.restore();
    const mine = [await enqueueEntryCreate(entryInput(), A.id), await enqueueEntryCreate(entryInput(), A.id)];
    await db.households.put({
      id: HOUSEHOLD, villageId: VILLAGE, householdNo: '001', groupNo: 1, headName: '王', phone: null, status: 'active', consentPublic: false, version: 1,
    });

    server.loginAs = B;
    await auth.loginStaff('collector2', 'pw');
    expect(auth.user?.id).toBe(B.id);
    expect((await getCachedUser())?.id).toBe(B.id);
    // A's village data left with A; A's unsent work did not.
    expect(await db.households.count()).toBe(0);
    expect((await db.outbox.toArray()).map((i) => i.id).sort()).toEqual(mine.map((m) => m.item.id).sort());
    for (const m of mine) expect((await db.entries.get(m.entry.id))?.state).toBe('queued');
    expect((await knownUsers())[A.id]).toBe('孙志强');

    // The runner of B's session sends only B's work.
    const runner = new SyncRunner({ sync: postSync, getUserId: () => auth.user?.id ?? null, locks: null, isOnline: () => true });
    const bs = await enqueueEntryCreate(entryInput(), B.id);
    expect(await runner.runOnce()).toBe('ok');
    expect(sentIds(server.requests)).toEqual([bs.item.id]);
    expect(await db.outbox.count()).toBe(2);

    // The status shows whose work is waiting.
    const sync = useSyncStore();
    await vi.waitFor(() => expect(sync.otherUsers).toEqual([{ userId: A.id, name: '孙志强', pending: 2, attention: 0 }]));
    expect(sync.pendingCount).toBe(0);

    // A is back: their items go out, exactly once each.
    server.loginAs = A;
    await auth.loginStaff('collector1', 'pw');
    expect(await db.outbox.count()).toBe(2);
    expect(await runner.runOnce()).toBe('ok');
    expect(sentIds(server.requests)).toEqual([bs.item.id, ...mine.map((m) => m.item.id)]);
    expect(await db.outbox.count()).toBe(0);
    sync.stop();
  });
});

describe('session expiry', () => {
  it('keeps the outbox on 401 and drains it after the same user logs in again', async () => {
    const server = fakeServer();
    await setCachedUser(A);
    const auth = useAuthStore();
    await auth.restore();
    const sync = useSyncStore();
    const items = [await enqueueEntryCreate(entryInput(), A.id), await enqueueEntryCreate(entryInput(), A.id)];

    server.syncStatus = 401;
    sync.start();
    await vi.waitFor(() => expect(auth.sessionExpired).toBe(true));
    expect(sync.lastOutcome).toBe('unauthorized');
    expect(await db.outbox.count()).toBe(2);

    server.syncStatus = 200;
    await auth.loginStaff('collector1', 'pw');
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(0));
    expect(sentIds(server.requests)).toEqual(items.map((i) => i.item.id));
    expect(auth.sessionExpired).toBe(false);
    sync.stop();
  });
});
