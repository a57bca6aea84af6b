import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from './db';
import { storePulledEntries } from './entries';
import { CorrectionError, enqueueEntryResubmit, enqueueEntryWithdraw, findEntry } from './entry-resubmit';
import { toMutation } from './outbox';
import { mutationSchema } from '../../../shared/protocol/sync';
import type { EntryDto } from '../../../shared/protocol/tables';
import { CATALOG, HOUSEHOLD, OTHER_USER, resetDb, USER, VILLAGE } from '../test/fixtures';

beforeEach(resetDb);

const ENTRY = '0190a000-0001-7000-8000-0000000000e1';
const returned = (over: Partial<EntryDto> = {}): EntryDto => ({
  id: ENTRY, villageId: VILLAGE, householdId: HOUSEHOLD, personId: null, catalogVersionId: CATALOG, indicatorCode: 'B02',
  occurredOn: '2025-03-01', points: 5, note: '', recorderId: USER, state: 'returned', reverses: null,
  createdAt: '2025-03-01T08:00:00.000Z', stateReason: '请补充地点', revision: 1, ...over,
});
const fix = { personId: null, catalogVersionId: CATALOG, indicatorCode: 'B02', occurredOn: '2025-03-02', points: 8, note: '村口交还钱包' };

async function pulled(e: EntryDto) {
  await db.transaction('rw', [db.meta, db.entries, db.householdEntries], () => storePulledEntries([e]));
}

describe('enqueueEntryResubmit', () => {
  it('queues the corrected fields with the returned revision, as a valid protocol mutation', async () => {
    await pulled(returned({ revision: 2 }));
    expect(await findEntry(ENTRY)).toMatchObject({ state: 'returned', stateReason: '请补充地点' });
    const item = await enqueueEntryResubmit(ENTRY, fix, USER);
    expect(item).toMatchObject({ kind: 'entry.resubmit', status: 'pending', entityId: ENTRY, villageId: VILLAGE, userId: USER });
    expect(item.payload).toEqual({ entryId: ENTRY, revision: 2, ...fix });
    expect(mutationSchema.safeParse(toMutation(item)).success).toBe(true);
    // Once queued, a second answer is refused until it is sent.
    await expect(enqueueEntryResubmit(ENTRY, fix, USER)).rejects.toMatchObject({ code: 'already_queued' });
    await expect(enqueueEntryWithdraw(ENTRY, '', USER)).rejects.toMatchObject({ code: 'already_queued' });
  });

  it('refuses an entry not returned, of another recorder, or not on the phone', async () => {
    await expect(enqueueEntryResubmit(ENTRY, fix, USER)).rejects.toBeInstanceOf(CorrectionError);
    await pulled(returned({ state: 'approved' }));
    await expect(enqueueEntryResubmit(ENTRY, fix, USER)).rejects.toMatchObject({ code: 'not_returned' });
    await pulled(returned());
    await expect(enqueueEntryResubmit(ENTRY, fix, OTHER_USER)).rejects.toMatchObject({ code: 'not_recorder' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('queues the withdrawal of a returned entry', async () => {
    await pulled(returned());
    const item = await enqueueEntryWithdraw(ENTRY, '不再提交', USER);
    expect(toMutation(item)).toMatchObject({ kind: 'entry.withdraw', payload: { entryId: ENTRY, reason: '不再提交' } });
  });
});
