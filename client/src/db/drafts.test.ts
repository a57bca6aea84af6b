import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from './db';
import { deleteDraft, draftsOfUser, getDraft, recentIndicatorCodes, saveDraft, setRecentIndicatorCodes } from './drafts';
import { enqueueEntryCreate } from './outbox';
import { entryInput, resetDb, USER, OTHER_USER } from '../test/fixtures';
import { makeSyntheticIdNumber } from '../../../shared/validation/id-number';

beforeEach(resetDb);

const draft = (over: Partial<Parameters<typeof saveDraft>[0]> = {}) => ({
  kind: 'entry' as const, userId: USER, householdId: 'h1', villageId: 'v1', fields: { indicatorCode: 'B01', note: '志愿' }, ...over,
});

describe('drafts', () => {
  it('keeps one draft per form, household and user, the newest write winning', async () => {
    await saveDraft(draft(), new Date('2026-12-02T01:00:00Z'));
    await saveDraft(draft({ fields: { indicatorCode: 'B01', note: '志愿服务半天' } }), new Date('2026-12-02T01:00:05Z'));
    await saveDraft(draft({ householdId: 'h2' }), new Date('2026-12-02T01:00:03Z'));
    await saveDraft(draft({ kind: 'credit' }), new Date('2026-12-02T01:00:01Z'));
    await saveDraft(draft({ userId: OTHER_USER }));
    expect((await getDraft('entry', USER, 'h1'))?.fields).toEqual({ indicatorCode: 'B01', note: '志愿服务半天' });
    expect((await draftsOfUser(USER)).map((d) => `${d.kind}:${d.householdId}`)).toEqual(['entry:h1', 'entry:h2', 'credit:h1']);
    await deleteDraft((await getDraft('entry', USER, 'h2'))!.id);
    expect(await draftsOfUser(USER)).toHaveLength(2);
  });

  it('guardrail 6: a draft never holds an ID number in clear (masked in text, idNumber fields dropped)', async () => {
    const id = makeSyntheticIdNumber('370283', '19751201', 88);
    await saveDraft(draft({ kind: 'credit', fields: { note: `身份证 ${id}`, idNumber: id, documentNo: '平信〔2026〕1号' } }));
    const stored = await db.drafts.toArray();
    expect(JSON.stringify(stored)).not.toContain(id);
    expect(stored[0].fields).toEqual({ note: `身份证 ${id.slice(0, 6)}********${id.slice(-4)}`, documentNo: '平信〔2026〕1号' });
  });

  it('is deleted in the same transaction that queues the entry (saved once, never twice after a crash)', async () => {
    const d = await saveDraft(draft());
    await enqueueEntryCreate(entryInput(), USER, new Date(), { draftId: d.id });
    expect(await db.drafts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(1);
  });

  it('remembers recently used indicators per user', async () => {
    await setRecentIndicatorCodes(USER, ['B02', 'B01']);
    expect(await recentIndicatorCodes(USER)).toEqual(['B02', 'B01']);
    expect(await recentIndicatorCodes(OTHER_USER)).toEqual([]);
  });
});
