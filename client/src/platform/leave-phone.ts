// Leaving a shared phone (issue 9): after logout nothing of the household stays in the browser's
// own storage either. IndexedDB tables and Cache Storage are cleared by the auth store; this
// removes the rest: localStorage and sessionStorage (except the few settings that name nobody:
// language, last login tab, install prompt dismissed) and every cookie scripts can reach (the
// session cookie is HttpOnly: the server's logout deletes it).
const KEEP = new Set(['cunxin:lastLoginTab', 'cunxin.locale', 'cunxin.installDismissedAt']);

export function clearBrowserStorage(keep: ReadonlySet<string> = KEEP): void {
  try {
    const ls = globalThis.localStorage;
    if (ls) for (const key of Object.keys(ls)) if (!keep.has(key)) ls.removeItem(key);
    globalThis.sessionStorage?.clear();
  } catch {
    // Storage refused (private mode): there is nothing in it.
  }
  if (typeof document !== 'undefined') {
    for (const c of document.cookie.split(';')) {
      const name = c.split('=')[0]?.trim();
      if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
    }
  }
}

/** Other IndexedDB databases than the app's own (which are cleared table by table, keeping the device id). */
export async function deleteOtherDatabases(own: readonly string[]): Promise<void> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const all = await indexedDB.databases();
  await Promise.all(all.filter((d) => d.name && !own.includes(d.name)).map((d) => new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(d.name as string);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  })));
}
