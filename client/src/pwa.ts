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
