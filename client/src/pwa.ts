// Service worker registration (vite-plugin-pwa, registerType 'prompt'): the app shell is
// precached so that the app opens offline. A new version installs in the background and WAITS;
// the collector is offered it (components/AppUpdatePrompt.vue) and it is applied only when they
// accept, never while a form is open (drafts are in IndexedDB and survive the reload anyway).
// The install prompt (beforeinstallprompt) is kept for a sensible moment: after the first
// successful sync, not on first load; a dismissal is remembered.
import { reactive } from 'vue';
import { registerSW } from 'virtual:pwa-register';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export const pwaState = reactive({
  /** A new version is installed and waiting for the collector's yes. */
  updateReady: false,
  /** The browser offered installation (Chromium's beforeinstallprompt) and it was not dismissed. */
  installAvailable: false,
});

const INSTALL_DISMISSED_KEY = 'cunxin.installDismissedAt';
let updateSW: ((reload?: boolean) => Promise<void>) | null = null;
let installEvent: BeforeInstallPromptEvent | null = null;
const UPDATE_CHECK_MS = 30 * 60_000;

/**
 * Keeps the browser's install offer for later (AppUpdatePrompt shows it after the first sync).
 * Separate from the worker's registration so that a unit test can hand it a synthetic event:
 * headless Chromium never fires beforeinstallprompt.
 */
export function listenForInstallPrompt(target: Window = window): void {
  target.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    installEvent = e as BeforeInstallPromptEvent;
    pwaState.installAvailable = !installDismissed();
  });
  target.addEventListener('appinstalled', () => {
    installEvent = null;
    pwaState.installAvailable = false;
  });
}

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  listenForInstallPrompt();
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => { pwaState.updateReady = true; },
    onRegisteredSW: (_url: string, reg: ServiceWorkerRegistration | undefined) => {
      if (!reg) return;
      // Look for a new version now and then, and when the network comes back.
      setInterval(() => void reg.update().catch(() => undefined), UPDATE_CHECK_MS);
      window.addEventListener('online', () => void reg.update().catch(() => undefined));
    },
    onRegisterError: (e: unknown) => console.warn('service worker registration failed', e),
  });
}

/** The collector accepted: the waiting worker takes over and the page reloads into the new version. */
export async function applyUpdate(): Promise<void> {
  pwaState.updateReady = false;
  if (updateSW) await updateSW(true);
  else window.location.reload();
}

function installDismissed(): boolean {
  try {
    return localStorage.getItem(INSTALL_DISMISSED_KEY) !== null;
  } catch {
    return false;
  }
}

export async function promptInstall(): Promise<void> {
  const e = installEvent;
  installEvent = null;
  pwaState.installAvailable = false;
  if (!e) return;
  await e.prompt();
  const choice = await e.userChoice.catch(() => ({ outcome: 'dismissed' as const }));
  if (choice.outcome === 'dismissed') dismissInstall();
}

export function dismissInstall(): void {
  pwaState.installAvailable = false;
  try {
    localStorage.setItem(INSTALL_DISMISSED_KEY, new Date().toISOString());
  } catch {
    // Private mode: the prompt may come back next time; nothing else depends on it.
  }
}

/**
 * "请更新应用" (the server needs a newer app): fetch the newest service worker, let a waiting one
 * take over, then reload so the new app shell runs. Unsent work is in IndexedDB and survives.
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
      const waiting = reg.waiting ?? reg.installing;
      if (waiting) {
        waiting.postMessage({ type: 'SKIP_WAITING' });
        await changed;
      }
    }
  } catch {
    // Offline or no worker: a plain reload is all that can be done.
  }
  window.location.reload();
}
