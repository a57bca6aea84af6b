import { createApp } from 'vue';
import { createPinia } from 'pinia';
// Vant's base styles; each component's own CSS comes with its import (client/build/vant-styles.ts).
import 'vant/es/style/base.css';
import './styles/app.css';
import App from './App.vue';
import { createAppRouter } from './router';
import { createAppI18n, loadEnglish, storedLocale } from './i18n';
import { registerServiceWorker } from './pwa';
import { useAuthStore } from './stores/auth';
import { useSyncStore } from './stores/sync';

async function boot() {
  const app = createApp(App);
  const pinia = createPinia();
  // English is a chunk of its own: loaded before the first screen when it was chosen on this phone.
  const locale = storedLocale();
  if (locale === 'en') await loadEnglish().catch(() => undefined);
  const i18n = createAppI18n(locale);
  document.documentElement.lang = i18n.global.locale.value;
  app.use(pinia);
  app.use(i18n);

  // The cached user first (works offline), so the router guard knows who is signed in.
  const auth = useAuthStore(pinia);
  await auth.restore();

  const router = createAppRouter(pinia);
  app.use(router);
  await router.isReady();
  app.mount('#app');

  if (auth.user) {
    useSyncStore(pinia).start();
    void auth.verify();
  }
  // After the first screen is up: the worker's precache download must not compete with it.
  afterFirstScreen(registerServiceWorker);
}

function afterFirstScreen(fn: () => void) {
  const later = () => setTimeout(fn, 1500);
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
}

void boot();
