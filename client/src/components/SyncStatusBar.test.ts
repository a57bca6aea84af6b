import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import SyncStatusBar from './SyncStatusBar.vue';
import { enqueueEntryCreate } from '../db/outbox';
import { entryInput, resetDb, USER } from '../test/fixtures';
import { eventually, testPlugins } from '../test/mount';

beforeEach(resetDb);
afterEach(() => {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
});

describe('SyncStatusBar', () => {
  it('shows how many entries wait to be sent, live from the outbox', async () => {
    const { plugins } = testPlugins();
    const wrapper = mount(SyncStatusBar, { global: { plugins: plugins as never[] } });
    const count = () => wrapper.get('[data-test="sync-pending-count"]');
    await eventually(() => expect(count().text()).toBe('已全部发送'));

    await enqueueEntryCreate(entryInput(), USER);
    await enqueueEntryCreate(entryInput(), USER);
    await eventually(() => expect(count().attributes('data-count')).toBe('2'));
    expect(count().text()).toBe('待发送 2 条');
    expect(wrapper.get('[data-test="sync-status"]').attributes('data-state')).toBe('pending');
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
