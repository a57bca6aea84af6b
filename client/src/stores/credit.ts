// Credit-information records recorded on this phone (field-entry): saved with their outbox item.
import { defineStore } from 'pinia';
import { enqueueCreditCreate, type NewCreditInput } from '../db/outbox';
import type { LocalCreditRecord } from '../db/db';
import { useAuthStore } from './auth';
import { useSyncStore } from './sync';

export const useCreditStore = defineStore('credit', () => {
  const auth = useAuthStore();
  const sync = useSyncStore();

  async function addRecord(input: NewCreditInput, options: { draftId?: string } = {}): Promise<LocalCreditRecord> {
    if (!auth.user) throw new Error('not logged in');
    const { record } = await enqueueCreditCreate(input, auth.user.id, new Date(), options);
    sync.notifyLocalWrite();
    return record;
  }

  return { addRecord };
});
