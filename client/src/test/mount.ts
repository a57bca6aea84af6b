// Mounting helpers for component tests: a fresh Pinia, the app's i18n (zh-CN, every message loaded
// at once) and a memory router.
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { createAppI18n } from '../i18n';
import en from '../i18n/en';
import vantEn from 'vant/es/locale/lang/en-US';
import { LATER_FEATURES } from '../i18n/features-later';

export function testPlugins(): { pinia: Pinia; router: Router; plugins: unknown[] } {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { render: () => null } },
      { path: '/login', component: { render: () => null } },
      { path: '/sync', component: { render: () => null } },
    ],
  });
  return { pinia, router, plugins: [pinia, router, createAppI18n('zh-CN', { english: { en, vantEn }, later: LATER_FEATURES })] };
}

/** Waits until `check` passes (liveQuery results arrive asynchronously). */
export async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
