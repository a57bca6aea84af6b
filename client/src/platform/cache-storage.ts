// Cache Storage on logout. The service worker's precache holds only the app shell (scripts,
// styles, icons: no personal data) and must stay so that the app still opens offline; any other
// cache (runtime caches of API answers or pictures, now or added later) may hold personal data
// and is deleted.
const SHELL_CACHE = /^workbox-precache/;

/** Deletes every Cache Storage cache except the app shell's precache; returns their names. */
export async function clearDataCaches(): Promise<string[]> {
  if (typeof caches === 'undefined') return [];
  const names = (await caches.keys()).filter((n) => !SHELL_CACHE.test(n));
  await Promise.all(names.map((n) => caches.delete(n)));
  return names;
}
