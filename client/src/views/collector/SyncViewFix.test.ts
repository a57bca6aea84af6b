// The outbox's fixes (field-entry): a refused edit shows what the collector typed, not the other
// phone's value; a refused entry reopens the form prefilled (edit and resend); drafts are listed.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

vi.mock('vant', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  showConfirmDialog: vi.fn(() => Promise.resolve()),
  showToast: vi.fn(),
}));

import SyncView from './SyncView.vue';
import { useAuthStore } from '../../stores/auth';
import { db } from '../../db/db';
import { enqueueEntryCreate } from '../../db/outbox';
import { setCachedUser } from '../../db/meta';
import { saveDraft } from '../../db/drafts';
import { entryInput, HOUSEHOLD, resetDb, USER, VILLAGE } from '../../test/fixtures';
import { eventually, testPlugins } from '../../test/mount';
import { localDate } from '../../domain/entry-form';

const me = { id: USER, displayName: '孙志强', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [] };

beforeEach(async () => {
  await resetDb();
  vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
});

async function open() {
  const { plugins, router } = testPlugins();
  await setCachedUser(me);
  await useAuthStore().restore();
  await router.push('/sync');
  const wrapper = mount(SyncView, { global: { plugins: plugins as never[] } });
  return { wrapper, router };
}

describe('SyncView fixes', () => {
  it('a refused household edit shows the value the collector typed, marked as not kept, not the other phone\'s', async () => {
    // The pull already brought the other phone's name: the household row says 张三峰.
    await db.households.put({ id: HOUSEHOLD, villageId: VILLAGE, householdNo: '001', groupNo: 1, headName: '张三峰', phone: null, status: 'active', version: 3 } as never);
    await db.outbox.add({
      id: '0190a000-0000-7000-8000-0000000000aa', kind: 'household.update', deviceSeq: 1, at: new Date().toISOString(),
      payload: { householdId: HOUSEHOLD, baseVersion: 2, fields: { headName: '张三丰', phone: '13800138000' } },
      status: 'attention', attempts: 1, lastError: { code: 'field_conflict', message: 'kept', fields: ['headName'] },
      entityId: HOUSEHOLD, userId: USER, villageId: VILLAGE, exportedAt: null, keptAt: null,
    });
    const { wrapper } = await open();
    await eventually(() => expect(wrapper.find('[data-test="attention-edits"]').exists()).toBe(true));
    const head = wrapper.get('[data-test="attention-edits"] [data-field="headName"]');
    expect(head.text()).toContain('您填的：张三丰');
    expect(head.attributes('data-refused')).toBe('true');
    expect(head.text()).toContain('未采用');
    expect(wrapper.get('[data-test="attention-edits"] [data-field="phone"]').attributes('data-refused')).toBe('false');
    wrapper.unmount();
  });

  it('edit and resend: a refused entry becomes the form\'s draft and the form opens', async () => {
    const a = await enqueueEntryCreate(entryInput({ note: '错的日期', occurredOn: '2099-01-01' }), USER);
    await db.outbox.update(a.item.id, { status: 'attention', lastError: { code: 'future_time', message: 'future' } });
    const { wrapper, router } = await open();
    await eventually(() => expect(wrapper.find('[data-test="attention-redo"]').exists()).toBe(true));
    await wrapper.get('[data-test="attention-redo"]').trigger('click');
    await eventually(() => expect(router.currentRoute.value.fullPath).toContain(`/households/${HOUSEHOLD}/new-entry`));
    const d = await db.drafts.toArray();
    expect(d).toHaveLength(1);
    expect(d[0].fields).toMatchObject({ indicatorCode: 'B02', magnitude: 5, note: '错的日期', replacesItemId: a.item.id });
    expect(d[0].fields.occurredOn).toBe(localDate()); // a future date comes back as today
    wrapper.unmount();
  });

  it('lists drafts and discards one', async () => {
    await saveDraft({ kind: 'entry', userId: USER, householdId: HOUSEHOLD, villageId: VILLAGE, fields: { note: '半截' } });
    const { wrapper } = await open();
    await eventually(() => expect(wrapper.findAll('[data-test="draft-item"]')).toHaveLength(1));
    await wrapper.get('[data-test="draft-discard"]').trigger('click');
    await eventually(async () => expect(await db.drafts.count()).toBe(0));
    wrapper.unmount();
  });
});
