import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';

const dialogs = vi.hoisted(() => ({
  showDialog: vi.fn((_opts: { message?: string }) => Promise.resolve()),
  showConfirmDialog: vi.fn((_opts: { message?: string }) => Promise.resolve()),
  showToast: vi.fn((_opts: unknown) => undefined),
}));
vi.mock('vant', async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), ...dialogs }));

import SyncView from './SyncView.vue';
import { useAuthStore } from '../../stores/auth';
import { useSyncStore } from '../../stores/sync';
import { db } from '../../db/db';
import { enqueueEntryCreate } from '../../db/outbox';
import { META, setCachedUser, setMeta } from '../../db/meta';
import { exportUnsent } from '../../db/transfer';
import { entryInput, OTHER_USER, resetDb, USER } from '../../test/fixtures';
import { eventually, testPlugins } from '../../test/mount';

const me = { id: USER, displayName: '孙志强', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [] };
const DAY = 24 * 3_600_000;

beforeEach(async () => {
  await resetDb();
  Object.values(dialogs).forEach((d) => d.mockClear());
  vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
  Object.defineProperty(navigator, 'storage', {
    configurable: true,
    value: {
      estimate: async () => ({ usage: 12_345_678, quota: 1_000_000_000 }),
      persisted: async () => false,
      persist: async () => true,
    },
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  Object.defineProperty(navigator, 'storage', { configurable: true, value: undefined });
});

async function open() {
  const { plugins, router } = testPlugins();
  await setCachedUser(me);
  await useAuthStore().restore();
  await router.push('/sync');
  const wrapper = mount(SyncView, { global: { plugins: plugins as never[] } });
  return { wrapper, router };
}
const get = (w: ReturnType<typeof mount>, id: string) => w.get(`[data-test="${id}"]`);

describe('SyncView (sync status screen)', () => {
  it('shows online state, unsent count, the oldest wait, last success and storage', async () => {
    const old = await enqueueEntryCreate(entryInput(), USER, new Date(Date.now() - 3 * DAY - 60_000));
    await enqueueEntryCreate(entryInput(), USER);
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    await setMeta(META.lastSyncAt, '2026-11-25T06:30:00.000Z');
    const { wrapper } = await open();

    await eventually(() => expect(get(wrapper, 'sync-unsent-count').attributes('data-count')).toBe('2'));
    expect(get(wrapper, 'sync-unsent-count').text()).toBe('2 条');
    expect(wrapper.find('[data-test="sync-screen"]').exists()).toBe(true);
    expect(get(wrapper, 'sync-online').attributes('data-online')).toBe('true');
    expect(get(wrapper, 'sync-oldest-age').text()).toBe('最早一条已等待 3 天');
    expect(get(wrapper, 'sync-oldest-age').attributes('data-level')).toBe('alarm');
    expect(Number(get(wrapper, 'sync-oldest-age').attributes('data-age-ms'))).toBeGreaterThan(3 * DAY);
    expect(get(wrapper, 'sync-last-success').attributes('data-at')).toBe('2026-11-25T06:30:00.000Z');
    await eventually(() => expect(get(wrapper, 'storage-usage').text()).toContain('已用 12.3 MB'));
    expect(get(wrapper, 'storage-persisted').attributes('data-persisted')).toBe('false');
    expect(get(wrapper, 'storage-persisted').text()).toContain('数据保护：未开启');
    // The other user's item is not counted as ours, but is named.
    expect(get(wrapper, 'other-user-unsent').attributes('data-count')).toBe('1');
    // The list comes from its own live query, which may land after the counts.
    await eventually(() =>
      expect(wrapper.findAll('[data-test="outbox-item"]').map((c) => c.attributes('data-item-id'))).toContain(old.item.id));

    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    window.dispatchEvent(new Event('offline'));
    await eventually(() => expect(get(wrapper, 'sync-online').attributes('data-online')).toBe('false'));
    expect(get(wrapper, 'sync-online').text()).toContain('离线');
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    wrapper.unmount();
  });

  it('explains refused items in Chinese with what to do, and lets the collector keep or delete them', async () => {
    const a = await enqueueEntryCreate(entryInput(), USER);
    const b = await enqueueEntryCreate(entryInput(), USER);
    await db.outbox.update(a.item.id, { status: 'attention', lastError: { code: 'cap_exceeded', message: 'cap' } });
    await db.outbox.update(b.item.id, { status: 'attention', lastError: { code: 'future_time', message: 'future' } });
    const { wrapper } = await open();
    await eventually(() => expect(wrapper.findAll('[data-test="attention-item"]')).toHaveLength(2));
    const item = (id: string) => wrapper.get(`[data-test="attention-item"][data-item-id="${id}"]`);
    expect(item(a.item.id).text()).toContain('本周期这个指标的次数已满');
    expect(item(a.item.id).text()).toContain('这条不会计分');
    expect(item(b.item.id).text()).toContain('手机时间可能不准');
    expect(item(b.item.id).find('[data-test="attention-redo"]').exists()).toBe(true);
    expect(item(a.item.id).find('[data-test="attention-redo"]').exists()).toBe(false);

    await item(a.item.id).get('[data-test="attention-keep"]').trigger('click');
    await eventually(() => expect(item(a.item.id).attributes('data-status')).toBe('kept'));
    expect(await db.outbox.get(a.item.id)).toMatchObject({ status: 'attention', keptAt: expect.any(String) });

    await item(b.item.id).get('[data-test="attention-discard"]').trigger('click');
    await eventually(async () => expect(await db.outbox.get(b.item.id)).toBeUndefined());
    expect(await db.entries.get(b.entry.id)).toBeUndefined();
    wrapper.unmount();
  });

  it('exports unsent work as a dated JSON download and marks it exported', async () => {
    await enqueueEntryCreate(entryInput(), USER);
    const blobs: Blob[] = [];
    const names: string[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => { blobs.push(b); return 'blob:x'; }, revokeObjectURL: () => {} }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    const { wrapper } = await open();
    await eventually(() => expect(get(wrapper, 'sync-unsent-count').attributes('data-count')).toBe('1'));
    await get(wrapper, 'export-unsent').trigger('click');
    await eventually(() => expect(names).toHaveLength(1));
    expect(names[0]).toMatch(/^村信-未发送-\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse(await blobs[0].text());
    expect(file).toMatchObject({ format: 'cunxin-unsent', userId: USER, userName: '孙志强' });
    expect(file.items).toHaveLength(1);
    await eventually(async () => expect((await db.outbox.toArray())[0].exportedAt).toBeTruthy());
    click.mockRestore();
    wrapper.unmount();
  });

  it('an outdated app (426) keeps the outbox and says "请更新应用" prominently', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(
      JSON.stringify({ error: { code: 'client_outdated', message: '请更新应用' } }),
      { status: 426, headers: { 'content-type': 'application/json' } },
    )));
    await enqueueEntryCreate(entryInput(), USER);
    const { wrapper } = await open();
    const sync = useSyncStore();
    expect(await sync.syncNow()).toBe('upgrade');
    await eventually(() => expect(get(wrapper, 'sync-update-required').text()).toContain('请更新应用'));
    expect(get(wrapper, 'sync-unsent-count').attributes('data-count')).toBe('1');
    expect(await db.outbox.count()).toBe(1);
    sync.stop();
    wrapper.unmount();
  });

  it("rejects importing another user's file with a clear Chinese message", async () => {
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    const text = JSON.stringify(await exportUnsent(OTHER_USER, '于海燕'));
    await db.outbox.clear();
    const { wrapper } = await open();
    const input = get(wrapper, 'import-unsent-file');
    const file = new File([text], '村信-未发送-2026-11-28.json', { type: 'application/json' });
    Object.defineProperty(input.element, 'files', { configurable: true, value: [file] });
    await input.trigger('change');
    await eventually(() => expect(dialogs.showDialog).toHaveBeenCalled());
    await flushPromises();
    expect(dialogs.showDialog.mock.calls[0][0].message).toBe('这个文件属于 于海燕，不能导入到您的账号。请让 于海燕 本人登录后再导入');
    expect(await db.outbox.count()).toBe(0);
    wrapper.unmount();
  });
});
