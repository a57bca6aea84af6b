// Service worker registration (vite-plugin-pwa, registerType autoUpdate): the app shell is
// precached so that the app opens offline; a new version activates on the next load.
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
    immediate: true,
    onRegisterError: (e: unknown) => console.warn('service worker registration failed', e),
  });
}

/**
 * "请更新应用": fetch the newest service worker, give it a moment to take over (it skips waiting),
 * then reload so the new app shell runs. Unsent work is in IndexedDB and survives the reload.
 */
export async function updateApp(): Promise<void> {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    if (reg) {
      const changed = new Promise<void>((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
        setTimeout(resolve, 3000);
      });
      await reg.update();
      if (reg.installing || reg.waiting) await changed;
    }
  } catch {
    // Offline or no worker: a plain reload is all that can be done.
  }
  window.location.reload();
}
