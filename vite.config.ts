import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { vantStylesOnDemand } from './client/build/vant-styles';
import { precompress } from './client/build/precompress';

// One config for the client build and for every test project.
// `npm test` runs the projects in order: shared + client (unit), server, e2e.
export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // The first screen's libraries in a few files rather than one: each is parsed and run as a
        // task of its own, so a slow phone's main thread is never blocked by one long script.
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ },
            { name: 'dexie', test: /node_modules[\\/]dexie[\\/]/ },
            { name: 'i18n', test: /node_modules[\\/](vue-i18n|@intlify)[\\/]/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8787' } },
  plugins: [
    vue(),
    vantStylesOnDemand(),
    VitePWA({
      // A new version waits for the collector's yes (client/src/pwa.ts), never mid-entry.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: '村信',
        short_name: '村信',
        description: '村级信用与道德积分采集',
        lang: 'zh-CN',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        theme_color: '#c8102e',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,ico,woff2}'],
        // The township console's charts (echarts) are online-only desktop screens: never
        // precached, so a collector's phone does not download them with the app.
        globIgnores: ['**/assets/ChartsView-*'],
        navigateFallback: '/index.html',
        // The API is never served from the cache: data goes through the app's own outbox.
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        // Take control of the first visit too, so an app opened once can reload offline.
        clientsClaim: true,
      },
    }),
    // Last: compresses what the PWA plugin wrote too (sw.js, workbox-*.js).
    precompress(),
  ],
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'shared', root: '.', include: ['shared/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'client',
          root: '.',
          include: ['client/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['client/src/test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          root: '.',
          include: ['server/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          server: { deps: { inline: ['kysely'] } },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: '.',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
