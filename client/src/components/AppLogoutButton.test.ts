import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

const dialogs = vi.hoisted(() => ({ showDialog: vi.fn(() => Promise.resolve()), showConfirmDialog: vi.fn(() => Promise.resolve()) }));
vi.mock('vant', async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), ...dialogs }));

import AppLogoutButton from './AppLogoutButton.vue';
import { useAuthStore } from '../stores/auth';
import { db } from '../db/db';
import { enqueueEntryCreate } from '../db/outbox';
import { setCachedUser } from '../db/meta';
import { exportUnsent } from '../db/transfer';
import { entryInput, resetDb, USER } from '../test/fixtures';
import { testPlugins } from '../test/mount';

const me = { id: USER, displayName: '李信息员', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [] };

beforeEach(async () => {
  await resetDb();
  dialogs.showDialog.mockReset().mockImplementation(() => Promise.resolve());
  dialogs.showConfirmDialog.mockReset().mockImplementation(() => Promise.resolve());
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
  it('refuses to log out while entries are unsent and not exported, and keeps them', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    dialogs.showDialog.mockImplementation(() => Promise.reject(new Error('cancel')));
    const { wrapper, auth, router } = await setup();
    await wrapper.get('[data-test="logout"]').trigger('click');
    await vi.waitFor(() => expect(dialogs.showDialog).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringContaining('还有 1 条未发送，请先同步或导出'), confirmButtonText: '去导出' }),
    ));
    expect(auth.user?.id).toBe(USER);
    expect(await db.outbox.count()).toBe(1);
    expect(router.currentRoute.value.path).toBe('/');
  });

  it('offers the export screen from the refusal', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    const { wrapper, auth, router } = await setup();
    await wrapper.get('[data-test="logout"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/sync'));
    expect(auth.user?.id).toBe(USER);
    expect(await db.outbox.count()).toBe(1);
  });

  it('after an export, asks to confirm and then removes the personal data', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    await exportUnsent(USER, me.displayName);
    const { wrapper, auth, router } = await setup();
    await wrapper.get('[data-test="logout"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'));
    expect(dialogs.showDialog).not.toHaveBeenCalled();
    expect(dialogs.showConfirmDialog).toHaveBeenCalledWith(expect.objectContaining({
      message: expect.stringContaining('1 条未发送的记录已导出到文件'),
    }));
    expect(auth.user).toBeNull();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entries.count()).toBe(0);
  });

  it('stays logged in when the confirmation after an export is cancelled', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    await exportUnsent(USER, me.displayName);
    dialogs.showConfirmDialog.mockImplementation(() => Promise.reject(new Error('cancel')));
    const { wrapper, auth } = await setup();
    await wrapper.get('[data-test="logout"]').trigger('click');
    await vi.waitFor(() => expect(dialogs.showConfirmDialog).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 50));
    expect(auth.user?.id).toBe(USER);
    expect(await db.outbox.count()).toBe(1);
  });

  it('logs out and removes personal data (IndexedDB and data caches, not the shell) when everything was sent', async () => {
    const deleted: string[] = [];
    vi.stubGlobal('caches', {
      keys: async () => ['workbox-precache-v2-http://x/', 'api-data'],
      delete: async (n: string) => { deleted.push(n); return true; },
    });
    const { wrapper, auth, router } = await setup();
    await db.households.put({
      id: 'h1', villageId: 'v1', householdNo: '001', groupNo: 1, headName: '王', phone: null, status: 'active', consentPublic: false, version: 1,
    });
    await wrapper.get('[data-test="logout"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'));
    expect(auth.user).toBeNull();
    expect(await db.households.count()).toBe(0);
    expect(await db.meta.get('user')).toBeUndefined();
    expect(deleted).toEqual(['api-data']);
    vi.unstubAllGlobals();
  });
});
