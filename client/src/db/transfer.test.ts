import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from './db';
import { enqueueEntryCreate, unsentWork } from './outbox';
import { getDeviceId, META } from './meta';
import {
  exportUnsent, importUnsent, parseUnsentFile, TransferError, unsentFileName, UNSENT_FORMAT_VERSION, type UnsentFile,
} from './transfer';
import { SyncRunner } from '../sync/runner';
import type { MutationResult, SyncRequest, SyncResponse } from '../../../shared/protocol/sync';
import { entryInput, HOUSEHOLD, OTHER_USER, resetDb, USER, VILLAGE } from '../test/fixtures';

beforeEach(resetDb);

/** A server as far as idempotency goes: one row per mutation id and per entry id, ever. */
class FakeServer {
  readonly mutations = new Map<string, string>(); // mutation id -> entry id
  readonly entries = new Map<string, number>(); // entry id -> rows stored (must stay 1)
  readonly sent: string[] = [];

  async sync(req: SyncRequest): Promise<SyncResponse> {
    const results: MutationResult[] = [];
    for (const raw of req.mutations) {
      const m = raw as { id: string; payload: { entryId: string } };
      this.sent.push(m.id);
      if (this.mutations.has(m.id) || this.entries.has(m.payload.entryId)) {
        results.push({ id: m.id, status: 'duplicate' });
        continue;
      }
      this.mutations.set(m.id, m.payload.entryId);
      this.entries.set(m.payload.entryId, (this.entries.get(m.payload.entryId) ?? 0) + 1);
      results.push({ id: m.id, status: 'applied' });
    }
    return { protocol: 1, serverTime: new Date().toISOString(), results, scopes: [`village:${VILLAGE}`], changes: [], hasMore: false };
  }
}

const runnerFor = (server: FakeServer, userId = USER) =>
  new SyncRunner({ sync: (r) => server.sync(r), getUserId: () => userId, locks: null, isOnline: () => true });

/** What the file holds, as it would be read back from disk. */
const roundTrip = (file: UnsentFile) => parseUnsentFile(JSON.stringify(file));

/** Another phone: an empty database (with its own device id and sequence). */
async function anotherPhone(): Promise<void> {
  await resetDb();
  await getDeviceId();
  await db.meta.put({ key: META.deviceSeq, value: 500 });
}

describe('export of unsent work', () => {
  it("writes the user's outbox items and their entries with ids, device and user, and marks them exported", async () => {
    const a = await enqueueEntryCreate(entryInput({ note: '帮邻居修屋顶' }), USER);
    const b = await enqueueEntryCreate(entryInput({ points: 3 }), USER);
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    // A person with the last digits of an ID number is on the phone; it must not reach the file.
    await db.persons.put({
      id: '0190a000-0000-7000-8000-0000000000p1', householdId: HOUSEHOLD, villageId: VILLAGE, name: '王大山',
      relation: '户主', birthYear: 1949, isMinor: false, idLast4: '002X', version: 1, phone: null,
    });
    expect((await unsentWork()).unexported).toBe(3);

    const file = await exportUnsent(USER, '李信息员', new Date('2026-11-28T02:00:00Z'));
    expect(file).toMatchObject({
      format: 'cunxin-unsent', version: UNSENT_FORMAT_VERSION, userId: USER, userName: '李信息员',
      deviceId: await getDeviceId(), exportedAt: '2026-11-28T02:00:00.000Z',
    });
    expect(file.items.map((i) => i.mutation.id)).toEqual([a.item.id, b.item.id]);
    expect(file.entries.map((e) => e.id)).toEqual([a.entry.id, b.entry.id]);
    expect(file.entries[0]).toMatchObject({ note: '帮邻居修屋顶', state: 'queued', villageId: VILLAGE });
    const text = JSON.stringify(file);
    expect(text).not.toMatch(/idLast4|idNumber|002X|王大山/);

    // Marked exported (only this user's); nothing left the outbox.
    expect(await db.outbox.count()).toBe(3);
    expect((await unsentWork()).unexported).toBe(1);
    expect(await db.meta.get(META.lastExportAt)).toMatchObject({ value: '2026-11-28T02:00:00.000Z' });
  });

  it('names the file by the local date', () => {
    expect(unsentFileName(new Date(2026, 10, 28, 9, 30))).toBe('村信-未发送-2026-11-28.json');
  });
});

describe('import of unsent work', () => {
  it('round trip to another phone: same mutation and entry ids, queued again, then sent once', async () => {
    const made = [
      await enqueueEntryCreate(entryInput({ note: '一' }), USER),
      await enqueueEntryCreate(entryInput({ note: '二' }), USER),
    ];
    const file = roundTrip(await exportUnsent(USER, '李信息员'));

    await anotherPhone();
    expect(await importUnsent(file, USER)).toEqual({ added: 2, skipped: 0 });
    const items = await db.outbox.orderBy('deviceSeq').toArray();
    expect(items.map((i) => i.id)).toEqual(made.map((m) => m.item.id));
    expect(items.map((i) => i.entityId)).toEqual(made.map((m) => m.entry.id));
    // The sequence is this phone's, in the file's order.
    expect(items.map((i) => i.deviceSeq)).toEqual([501, 502]);
    expect((await db.meta.get(META.deviceSeq))?.value).toBe(502);
    expect((await db.entries.get(made[1].entry.id))).toMatchObject({ state: 'queued', note: '二', recorderId: USER });

    const server = new FakeServer();
    expect(await runnerFor(server).runOnce()).toBe('ok');
    expect([...server.entries.keys()].sort()).toEqual(made.map((m) => m.entry.id).sort());
    expect(await db.outbox.count()).toBe(0);
  });

  it('importing what is already in the outbox is a no-op (same phone, or twice)', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    await enqueueEntryCreate(entryInput(), USER);
    const file = roundTrip(await exportUnsent(USER, '李信息员'));
    expect(await importUnsent(file, USER)).toEqual({ added: 0, skipped: 2 });
    expect(await db.outbox.count()).toBe(2);
    expect(await db.entries.count()).toBe(2);

    await anotherPhone();
    expect(await importUnsent(file, USER)).toEqual({ added: 2, skipped: 0 });
    expect(await importUnsent(file, USER)).toEqual({ added: 0, skipped: 2 });
    expect(await db.outbox.count()).toBe(2);
  });

  it('importing what the server already acknowledged adds nothing here, and is a duplicate there', async () => {
    const server = new FakeServer();
    const made = await enqueueEntryCreate(entryInput(), USER);
    const file = roundTrip(await exportUnsent(USER, '李信息员'));
    expect(await runnerFor(server).runOnce()).toBe('ok');
    expect((await db.entries.get(made.entry.id))?.state).toBe('submitted');

    // Same phone: the entry is held in a server state, so the item is skipped.
    expect(await importUnsent(file, USER)).toEqual({ added: 0, skipped: 1 });
    expect(await db.outbox.count()).toBe(0);

    // Another phone that never saw it: it is queued, sent, answered `duplicate`, and leaves.
    await anotherPhone();
    expect(await importUnsent(file, USER)).toEqual({ added: 1, skipped: 0 });
    expect(await runnerFor(server).runOnce()).toBe('ok');
    expect(server.sent).toEqual([made.item.id, made.item.id]);
    expect(server.entries.get(made.entry.id)).toBe(1);
    expect(await db.outbox.count()).toBe(0);
  });

  it("refuses a file of another user, with the owner's name, and changes nothing", async () => {
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    const file = roundTrip(await exportUnsent(OTHER_USER, '王五'));
    await anotherPhone();
    const err = await importUnsent(file, USER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransferError);
    expect(err).toMatchObject({ code: 'other_user', userName: '王五' });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entries.count()).toBe(0);
  });

  it('keeps refused items refused (with their reason), never sending them', async () => {
    const made = await enqueueEntryCreate(entryInput(), USER);
    await db.outbox.update(made.item.id, { status: 'attention', lastError: { code: 'cap_exceeded', message: '已达上限' } });
    const file = roundTrip(await exportUnsent(USER, '李信息员'));
    await anotherPhone();
    await importUnsent(file, USER);
    expect(await db.outbox.get(made.item.id)).toMatchObject({ status: 'attention', lastError: { code: 'cap_exceeded' } });
    const server = new FakeServer();
    await runnerFor(server).runOnce();
    expect(server.sent).toEqual([]);
  });

  it('rejects files that are not ours, damaged, or from a newer app', () => {
    const code = (text: string) => {
      try {
        parseUnsentFile(text);
        return 'ok';
      } catch (e) {
        return e instanceof TransferError ? e.code : String(e);
      }
    };
    expect(code('not json')).toBe('not_a_file');
    expect(code('{"hello":1}')).toBe('not_a_file');
    expect(code(JSON.stringify({ format: 'cunxin-unsent', version: 99 }))).toBe('newer_version');
    expect(code(JSON.stringify({ format: 'cunxin-unsent', version: 1, items: [{ mutation: { id: 'x' } }] }))).toBe('damaged');
  });
});
