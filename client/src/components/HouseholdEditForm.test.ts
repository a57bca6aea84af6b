import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

const toasts = vi.hoisted(() => ({ showToast: vi.fn((_opts: unknown) => undefined) }));
vi.mock('vant', async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), ...toasts }));

import HouseholdEditForm from './HouseholdEditForm.vue';
import { useAuthStore } from '../stores/auth';
import { useSyncStore } from '../stores/sync';
import { db } from '../db/db';
import { setCachedUser } from '../db/meta';
import { HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';
import { eventually, testPlugins } from '../test/mount';
import type { HouseholdDto } from '../../../shared/protocol/tables';

const me = { id: USER, displayName: '孙志强', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [VILLAGE] };
const household: HouseholdDto = {
  id: HOUSEHOLD, villageId: VILLAGE, householdNo: '017', groupNo: 2, headName: '王建国', phone: '13800000017',
  status: 'active', consentPublic: true, version: 4,
};

async function open() {
  const { plugins } = testPlugins();
  await setCachedUser(me);
  await useAuthStore().restore();
  vi.spyOn(useSyncStore(), 'notifyLocalWrite').mockImplementation(() => undefined);
  return mount(HouseholdEditForm, { props: { household, show: true }, global: { plugins: plugins as never[] } });
}
const field = (w: Awaited<ReturnType<typeof open>>, name: string) => w.get(`[data-test="household-edit-${name}"] input`);

beforeEach(async () => {
  await resetDb();
  await db.households.put(household);
  toasts.showToast.mockClear();
  vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
});
afterEach(() => vi.unstubAllGlobals());

describe('HouseholdEditForm (collector edits a household offline)', () => {
  it('saves only the changed fields, with the local version as the base, in the outbox', async () => {
    const wrapper = await open();
    expect((field(wrapper, 'head').element as HTMLInputElement).value).toBe('王建国');
    await field(wrapper, 'phone').setValue(' 139 0000 0017 ');
    await field(wrapper, 'group').setValue('3');
    await wrapper.get('[data-test="household-edit-save"]').trigger('click');
    await eventually(() => expect(toasts.showToast).toHaveBeenCalledWith(expect.objectContaining({ message: '已保存，联网后同步' })));
    const [item] = await db.outbox.toArray();
    expect(item).toMatchObject({
      kind: 'household.update', status: 'pending', userId: USER, villageId: VILLAGE,
      payload: { householdId: HOUSEHOLD, baseVersion: 4, fields: { phone: '13900000017', groupNo: 3 } },
    });
    expect(await db.households.get(HOUSEHOLD)).toMatchObject({ phone: '13900000017', groupNo: 3, version: 4 });
    expect(wrapper.emitted('update:show')?.at(-1)).toEqual([false]);
    wrapper.unmount();
  });

  it('explains a bad phone, name or group in Chinese and saves nothing', async () => {
    const wrapper = await open();
    const error = () => wrapper.get('[data-test="household-edit-error"]').text();
    await field(wrapper, 'phone').setValue('12345');
    await wrapper.get('[data-test="household-edit-save"]').trigger('click');
    await eventually(() => expect(error()).toContain('电话'));
    await field(wrapper, 'phone').setValue('13800000017');
    await field(wrapper, 'head').setValue('');
    await wrapper.get('[data-test="household-edit-save"]').trigger('click');
    await eventually(() => expect(error()).toContain('户主姓名'));
    await field(wrapper, 'head').setValue('王建国');
    await field(wrapper, 'group').setValue('0');
    await wrapper.get('[data-test="household-edit-save"]').trigger('click');
    await eventually(() => expect(error()).toBe('组号须为 1–999 的整数'));
    expect(await db.outbox.count()).toBe(0);
    expect(await db.households.get(HOUSEHOLD)).toEqual(household);
    wrapper.unmount();
  });

  it('says so when nothing changed, and queues nothing', async () => {
    const wrapper = await open();
    await wrapper.get('[data-test="household-edit-save"]').trigger('click');
    await eventually(() => expect(toasts.showToast).toHaveBeenCalledWith(expect.objectContaining({ message: '没有修改' })));
    expect(await db.outbox.count()).toBe(0);
    wrapper.unmount();
  });
});
