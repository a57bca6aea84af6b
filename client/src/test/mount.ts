// Mounting helpers for component tests: a fresh Pinia, the app's i18n (zh-CN) and a memory router.
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { createAppI18n } from '../i18n';

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
  return { pinia, router, plugins: [pinia, router, createAppI18n('zh-CN')] };
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
