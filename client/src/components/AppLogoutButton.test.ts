import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';

const dialogs = vi.hoisted(() => ({ showDialog: vi.fn(() => Promise.resolve()), showConfirmDialog: vi.fn(() => Promise.resolve()) }));
vi.mock('vant', async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), ...dialogs }));

import AppLogoutButton from './AppLogoutButton.vue';
import { useAuthStore } from '../stores/auth';
import { db } from '../db/db';
import { enqueueEntryCreate } from '../db/outbox';
import { setCachedUser } from '../db/meta';
import { entryInput, resetDb, USER } from '../test/fixtures';
import { testPlugins } from '../test/mount';

const me = { id: USER, displayName: '李信息员', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [] };

beforeEach(async () => {
  await resetDb();
  dialogs.showDialog.mockClear();
  vi.stubGlobal('fetch', vi.fn(async () => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } })));
});

async function setup() {
  const { plugins, router } = testPlugins();
  await setCachedUser(me);
  const auth = useAuthStore();
  await auth.restore();
  await router.push('/');
  const wrapper = mount(AppLogoutButton, { global: { plugins: plugins as never[] } });
  return { wrapper, auth, router };
}

describe('AppLogoutButton', () => {
  it('refuses to log out while entries are unsent, and keeps them', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    const { wrapper, auth, router } = await setup();
    await wrapper.get('[data-test="logout"]').trigger('click');
    await flushPromises();
    expect(dialogs.showDialog).toHaveBeenCalledWith(expect.objectContaining({ message: '还有 1 条未发送，请先同步或导出' }));
    expect(auth.user?.id).toBe(USER);
    expect(await db.outbox.count()).toBe(1);
    expect(router.currentRoute.value.path).toBe('/');
  });

  it('logs out and removes personal data when everything was sent', async () => {
    const { wrapper, auth, router } = await setup();
    await db.households.put({
      id: 'h1', villageId: 'v1', householdNo: '001', groupNo: 1, headName: '王', phone: null, status: 'active', consentPublic: false, version: 1,
    });
    await wrapper.get('[data-test="logout"]').trigger('click');
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'));
    expect(auth.user).toBeNull();
    expect(await db.households.count()).toBe(0);
    expect(await db.meta.get('user')).toBeUndefined();
  });
});
