// The install prompt (issue 13: "installable, a prompt at a sensible moment, not on first load").
// Headless Chromium never fires beforeinstallprompt (no installability engagement), so this test
// hands the app a synthetic event: kept for later, offered only once the collector is logged in
// and a sync has succeeded, the browser's own prompt on "添加", a dismissal remembered.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

vi.mock('virtual:pwa-register', () => ({ registerSW: vi.fn() }));

import AppUpdatePrompt from './AppUpdatePrompt.vue';
import { listenForInstallPrompt, pwaState } from '../pwa';
import { useAuthStore } from '../stores/auth';
import { META, setCachedUser, setMeta } from '../db/meta';
import { resetDb, USER } from '../test/fixtures';
import { eventually, testPlugins } from '../test/mount';

const me = { id: USER, displayName: '李信息员', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [] };

function installEvent(outcome: 'accepted' | 'dismissed') {
  const e = new Event('beforeinstallprompt', { cancelable: true }) as Event & { prompt: () => Promise<void>; userChoice: Promise<{ outcome: string }> };
  e.prompt = vi.fn(async () => undefined);
  e.userChoice = Promise.resolve({ outcome });
  return e;
}

let listening = false;
beforeEach(async () => {
  await resetDb();
  localStorage.clear();
  pwaState.installAvailable = false;
  pwaState.updateReady = false;
  if (!listening) { listenForInstallPrompt(window); listening = true; }
  vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })));
});
afterEach(() => vi.unstubAllGlobals());

async function setup() {
  const { plugins, router } = testPlugins();
  await setCachedUser(me);
  await useAuthStore().restore();
  await router.push('/');
  return mount(AppUpdatePrompt, { global: { plugins: plugins as never[] } });
}

describe('the install prompt', () => {
  it('keeps the browser offer, shows it only after the first successful sync, and opens the browser prompt', async () => {
    const wrapper = await setup();
    const e = installEvent('accepted');
    window.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true); // not the browser's mini-infobar on first load
    expect(pwaState.installAvailable).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(wrapper.find('[data-test="app-install"]').exists()).toBe(false); // no sync yet
    await setMeta(META.lastSyncAt, new Date().toISOString());
    await eventually(() => expect(wrapper.find('[data-test="app-install"]').exists()).toBe(true));
    expect(wrapper.text()).toContain('添加');
    await wrapper.find('[data-test="app-install-accept"]').trigger('click');
    expect(e.prompt).toHaveBeenCalledTimes(1);
    await eventually(() => expect(wrapper.find('[data-test="app-install"]').exists()).toBe(false));
  });

  it('a dismissal ("不用了") is remembered: later offers stay hidden', async () => {
    await setMeta(META.lastSyncAt, new Date().toISOString());
    const wrapper = await setup();
    window.dispatchEvent(installEvent('dismissed'));
    await eventually(() => expect(wrapper.find('[data-test="app-install"]').exists()).toBe(true));
    await wrapper.find('[data-test="app-install-dismiss"]').trigger('click');
    await eventually(() => expect(wrapper.find('[data-test="app-install"]').exists()).toBe(false));
    window.dispatchEvent(installEvent('accepted'));
    expect(pwaState.installAvailable).toBe(false);
  });
});
