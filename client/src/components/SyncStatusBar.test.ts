import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import SyncStatusBar from './SyncStatusBar.vue';
import { enqueueEntryCreate } from '../db/outbox';
import { setCachedUser } from '../db/meta';
import { useAuthStore } from '../stores/auth';
import { entryInput, OTHER_USER, resetDb, USER } from '../test/fixtures';
import { eventually, testPlugins } from '../test/mount';

const me = { id: USER, displayName: '李信息员', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [] };

beforeEach(resetDb);
afterEach(() => {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
});

describe('SyncStatusBar', () => {
  it('shows how many entries wait to be sent, live from the outbox', async () => {
    const { plugins } = testPlugins();
    await setCachedUser(me);
    await useAuthStore().restore();
    const wrapper = mount(SyncStatusBar, { global: { plugins: plugins as never[] } });
    const count = () => wrapper.get('[data-test="sync-pending-count"]');
    await eventually(() => expect(count().text()).toBe('已全部发送'));

    await enqueueEntryCreate(entryInput(), USER);
    await enqueueEntryCreate(entryInput(), USER);
    await eventually(() => expect(count().attributes('data-count')).toBe('2'));
    expect(count().text()).toBe('待发送 2 条');
    expect(wrapper.get('[data-test="sync-status"]').attributes('data-state')).toBe('pending');
    // One tap to the status screen.
    expect(wrapper.get('[data-test="sync-details"]').attributes('href')).toBe('/sync');
    wrapper.unmount();
  });

  it("counts only the signed-in user's items and names another user's left on the phone", async () => {
    const { plugins } = testPlugins();
    await setCachedUser({ ...me, id: OTHER_USER, displayName: '王五' });
    await setCachedUser(me);
    await useAuthStore().restore();
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    await enqueueEntryCreate(entryInput(), OTHER_USER);
    await enqueueEntryCreate(entryInput(), USER);
    const wrapper = mount(SyncStatusBar, { global: { plugins: plugins as never[] } });
    await eventually(() => expect(wrapper.get('[data-test="sync-pending-count"]').attributes('data-count')).toBe('1'));
    await eventually(() => expect(wrapper.get('[data-test="sync-others"]').text()).toBe('另有 王五 的 2 条未发送'));
    wrapper.unmount();
  });

  it('shows the offline badge when the network goes away', async () => {
    const { plugins } = testPlugins();
    const wrapper = mount(SyncStatusBar, { global: { plugins: plugins as never[] } });
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    window.dispatchEvent(new Event('offline'));
    await eventually(() => expect(wrapper.find('[data-test="offline-badge"]').exists()).toBe(true));
    expect(wrapper.get('[data-test="sync-status"]').attributes('data-state')).toBe('offline');
    expect(wrapper.get('[data-test="offline-badge"]').text()).toBe('离线');
    wrapper.unmount();
  });
});
