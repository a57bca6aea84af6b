import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from './db';
import { applyResults, discardAttentionItem, enqueueEntryCreate, pendingItems, toMutation } from './outbox';
import { mutationSchema } from '../../../shared/protocol/sync';
import { entryInput, resetDb, USER, OTHER_USER } from '../test/fixtures';
import { entriesOf, storePulledEntries } from './entries';
import type { EntryDto } from '../../../shared/protocol/tables';

beforeEach(resetDb);

describe('enqueueEntryCreate', () => {
  it('writes the entry and its outbox item together, with increasing deviceSeq', async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    const b = await enqueueEntryCreate(entryInput({ points: 10 }), USER);

    expect(await db.entries.get(a.entry.id)).toMatchObject({ state: 'queued', points: 5, recorderId: USER });
    expect(await db.outbox.get(a.item.id)).toMatchObject({ status: 'pending', entityId: a.entry.id, attempts: 0 });
    expect(b.item.deviceSeq).toBeGreaterThan(a.item.deviceSeq);
    expect(a.item.id).not.toBe(a.entry.id);
    // The wire form is a valid protocol mutation.
    expect(mutationSchema.safeParse(toMutation(a.item)).success).toBe(true);
    expect(Object.keys(toMutation(a.item)).sort()).toEqual(['at', 'deviceSeq', 'id', 'kind', 'payload']);
  });

  it('writes nothing when the transaction fails half way', async () => {
    const before = await db.meta.get('deviceSeq');
    const spy = vi.spyOn(db.outbox, 'add').mockRejectedValueOnce(new Error('disk full'));
    await expect(enqueueEntryCreate(entryInput(), USER)).rejects.toThrow('disk full');
    spy.mockRestore();
    expect(await db.entries.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.meta.get('deviceSeq')).toEqual(before);
  });

  it('allocates unique, increasing sequence numbers under concurrent writes', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => enqueueEntryCreate(entryInput({ points: i + 1 }), USER)));
    const seqs = made.map((m) => m.item.deviceSeq).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(20);
    expect(await db.entries.count()).toBe(20);
    expect(await db.outbox.count()).toBe(20);
  });
});

describe('pendingItems', () => {
  it("returns only the user's pending items, oldest first", async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    const c = await enqueueEntryCreate(entryInput(), USER);
    await db.outbox.update(c.item.id, { status: 'attention' });
    expect((await pendingItems(USER, 10)).map((i) => i.id)).toEqual([a.item.id]);
  });
});

describe('applyResults', () => {
  it('removes applied and duplicate items; refused ones go to attention and keep their reason', async () => {
    const ok = await enqueueEntryCreate(entryInput(), USER);
    const dup = await enqueueEntryCreate(entryInput(), USER);
    const bad = await enqueueEntryCreate(entryInput(), USER);
    const silent = await enqueueEntryCreate(entryInput(), USER);
    const sent = await pendingItems(USER, 10);
    await applyResults(sent, [
      { id: ok.item.id, status: 'applied' },
      { id: dup.item.id, status: 'duplicate' },
      { id: bad.item.id, status: 'rejected', code: 'points_range', message: '分值超出该指标允许的范围' },
    ]);
    expect(await db.outbox.get(ok.item.id)).toBeUndefined();
    expect(await db.outbox.get(dup.item.id)).toBeUndefined();
    expect((await db.entries.get(ok.entry.id))?.state).toBe('submitted');
    expect(await db.outbox.get(bad.item.id)).toMatchObject({
      status: 'attention', attempts: 1, lastError: { code: 'points_range', message: '分值超出该指标允许的范围' },
    });
    expect((await db.entries.get(bad.entry.id))?.syncIssue).toMatchObject({ status: 'rejected', code: 'points_range' });
    // No answer for an item: it stays pending and is retried.
    expect(await db.outbox.get(silent.item.id)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('does not move an entry backwards when the pull already brought a later state', async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    // The first answer was lost, but a pull brought the server's row meanwhile.
    await db.transaction('rw', [db.meta, db.entries, db.householdEntries], () =>
      storePulledEntries([{ ...a.entry, state: 'approved' } as EntryDto]));
    await applyResults([a.item], [{ id: a.item.id, status: 'duplicate' }]);
    expect(await entriesOf(a.entry.householdId)).toMatchObject([{ id: a.entry.id, state: 'approved' }]);
    expect(await db.entries.get(a.entry.id)).toBeUndefined();
  });

  it('discarding a refused item removes it and its never-accepted entry', async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    await applyResults([a.item], [{ id: a.item.id, status: 'forbidden', code: 'out_of_scope' }]);
    await discardAttentionItem(a.item.id);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entries.count()).toBe(0);
  });
});
