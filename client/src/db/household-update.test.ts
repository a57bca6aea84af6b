import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from './db';
import { enqueueHouseholdUpdate, toMutation } from './outbox';
import { mutationSchema } from '../../../shared/protocol/sync';
import { HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

beforeEach(async () => {
  await resetDb();
  await db.households.put({
    id: HOUSEHOLD, villageId: VILLAGE, householdNo: '001', groupNo: 1, headName: '张三', phone: null, status: 'active', consentPublic: true, version: 3,
  });
});

describe('enqueueHouseholdUpdate', () => {
  it('saves the edit locally and queues household.update with only the changed fields, based on the local version', async () => {
    const made = await enqueueHouseholdUpdate(HOUSEHOLD, { headName: '张三', phone: '13812345678', groupNo: 2 }, USER);
    expect(made).not.toBeNull();
    expect(made!.item).toMatchObject({
      kind: 'household.update', status: 'pending', entityId: HOUSEHOLD, villageId: VILLAGE, userId: USER,
      payload: { householdId: HOUSEHOLD, baseVersion: 3, fields: { phone: '13812345678', groupNo: 2 } },
    });
    expect(await db.households.get(HOUSEHOLD)).toMatchObject({ headName: '张三', phone: '13812345678', groupNo: 2, version: 3 });
    expect(await db.outbox.get(made!.item.id)).toMatchObject({ kind: 'household.update' });
    expect(mutationSchema.safeParse(toMutation(made!.item)).success).toBe(true);
  });

  it('queues nothing when nothing changed or the household is unknown', async () => {
    expect(await enqueueHouseholdUpdate(HOUSEHOLD, { headName: '张三', phone: null, groupNo: 1 }, USER)).toBeNull();
    expect(await enqueueHouseholdUpdate('0190a000-0000-7000-8000-0000000000ff', { groupNo: 5 }, USER)).toBeNull();
    expect(await db.outbox.count()).toBe(0);
  });

  it('writes neither the household nor the item when the transaction fails', async () => {
    const spy = vi.spyOn(db.outbox, 'add').mockRejectedValueOnce(new Error('disk full'));
    await expect(enqueueHouseholdUpdate(HOUSEHOLD, { groupNo: 7 }, USER)).rejects.toThrow('disk full');
    spy.mockRestore();
    expect((await db.households.get(HOUSEHOLD))!.groupNo).toBe(1);
    expect(await db.outbox.count()).toBe(0);
  });
});
