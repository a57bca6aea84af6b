// Helpers for the collector's browser tests (offline-sync, morning-round, …): the collector's UI paths
// (record an entry with or without a photo, sync now, open the sync status screen), raw reads of the phone's IndexedDB and Cache
// Storage, and reads of the server's SQLite database (its DATA_DIR) to count what arrived.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { t } from './browser';
import type { TestServer } from './server';

export const UI_TIMEOUT = 20_000;
export const SYNC_TIMEOUT = 30_000;

/** Polls fn until it returns the expected value; fails with the last value seen. */
export async function until<T>(what: string, fn: () => Promise<T>, expected: T, timeout = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  let lastErr: unknown = null;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      lastErr = null;
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what}: expected ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}` +
      (lastErr ? ` (last error: ${String(lastErr)})` : ''),
  );
}

export async function staffLogin(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(baseUrl + '/login', { waitUntil: 'load' });
  await page.locator(t('login-username')).waitFor({ timeout: UI_TIMEOUT });
  await page.locator(t('login-username')).fill(user.username);
  await page.locator(t('login-password')).fill(user.password);
  await page.locator(t('login-submit')).click();
  await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

/** How long the phone may take to compress and hash a camera photo on a loaded machine. */
export const PHOTO_TIMEOUT = 60_000;

/**
 * From the household page: new entry → indicator → note (→ a photo through the form's camera
 * input, compressed and hashed on the phone) → save → back on the household page.
 */
export async function recordEntry(page: Page, indicatorCode: string, note: string, opts: { photo?: string } = {}): Promise<void> {
  await page.locator(t('new-entry')).first().click();
  const item = page.locator(`${t('indicator-item')}[data-code="${indicatorCode}"]`);
  await item.waitFor({ timeout: UI_TIMEOUT });
  await item.click();
  await page.locator(t('entry-note')).fill(note);
  if (opts.photo) await takePhoto(page, opts.photo);
  await page.locator(t('entry-save')).click();
  await confirmLikelyDuplicate(page);
  await page.locator(t('entry-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

/**
 * The same indicator for the same household on the same day asks "仍要保存?" (a likely duplicate):
 * the tests that record a round of identical entries answer yes.
 */
export async function confirmLikelyDuplicate(page: Page): Promise<boolean> {
  const confirm = page.locator('.van-dialog__confirm').filter({ visible: true }).first();
  const saved = page.locator(t('entry-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT }).then(() => false);
  const asked = confirm.waitFor({ timeout: UI_TIMEOUT }).then(() => true);
  const which = await Promise.race([saved, asked]).catch(() => false);
  if (which) await confirm.click();
  return which;
}

/** A photo "taken" through the form's camera input; waits until the phone has kept it. */
export async function takePhoto(page: Page, file: string): Promise<void> {
  const before = await page.locator(t('evidence-photo')).count();
  await page.locator(t('evidence-input')).setInputFiles(file);
  await page.locator(t('evidence-photo')).nth(before).waitFor({ timeout: PHOTO_TIMEOUT });
}

/** A tap on the sync bar's "同步" where the bar offers it (it does not while a sync runs). */
export async function syncNow(page: Page): Promise<void> {
  const btn = page.locator(t('sync-now')).first();
  if (await btn.isVisible().catch(() => false)) await btn.click().catch(() => undefined);
}

/** One tap on the sync bar's "详情" opens the status screen. */
export async function openStatus(page: Page): Promise<void> {
  await page.locator(t('sync-details')).first().click();
  await page.locator(t('sync-screen')).waitFor({ timeout: UI_TIMEOUT });
}

/** What the status screen says (it must be open). */
export async function statusOf(page: Page): Promise<{ online: boolean; unsent: number; ageMs: number; lastSuccess: string }> {
  return {
    online: (await page.locator(t('sync-online')).getAttribute('data-online')) === 'true',
    unsent: await unsentOnScreen(page) ?? NaN,
    ageMs: Number(await page.locator(t('sync-oldest-age')).getAttribute('data-age-ms')),
    lastSuccess: (await page.locator(t('sync-last-success')).getAttribute('data-at')) ?? '',
  };
}

/** The unsent count the status screen shows, or null while it is still reading the outbox. */
export async function unsentOnScreen(page: Page): Promise<number | null> {
  const v = await page.locator(t('sync-unsent-count')).getAttribute('data-count');
  return v === null ? null : Number(v);
}

/** Row counts of stores of the phone's IndexedDB database `cunxin` (raw IndexedDB, no app code). */
export function idbCounts(page: Page, stores: string[]): Promise<Record<string, number>> {
  return page.evaluate(
    (names) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const req = indexedDB.open('cunxin');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const idb = req.result;
          const tx = idb.transaction(names, 'readonly');
          const out: Record<string, number> = {};
          for (const n of names) {
            const c = tx.objectStore(n).count();
            c.onsuccess = () => { out[n] = c.result; };
          }
          tx.oncomplete = () => {
            idb.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    stores,
  );
}

/** All rows of one store (for reading ids and keys in checks). */
export function idbAll<T = Record<string, unknown>>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const req = indexedDB.open('cunxin');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const idb = req.result;
          const all = idb.transaction(name, 'readonly').objectStore(name).getAll();
          all.onsuccess = () => {
            idb.close();
            resolve(all.result as T[]);
          };
          all.onerror = () => reject(all.error);
        };
      }),
    store,
  );
}

/** Cache Storage: cache names and every cached request URL. */
export function cacheStorage(page: Page): Promise<{ names: string[]; urls: string[] }> {
  return page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
    return { names, urls };
  });
}

/** Mutation ids in a POST /api/sync body. */
export function mutationIdsOf(postData: string | null): string[] {
  if (!postData) return [];
  try {
    const body = JSON.parse(postData) as { mutations?: { id?: string }[] };
    return (body.mutations ?? []).map((m) => m.id ?? '');
  } catch {
    return [];
  }
}

/** Read-only queries against the e2e server's SQLite database. */
export function serverSql<T>(server: TestServer, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(server.dataDir, 'cunxin.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The server's entries whose note starts with `prefix`: id and note. */
export function serverEntriesByNote(server: TestServer, prefix: string): { id: string; note: string }[] {
  return serverSql<{ id: string; note: string }>(server, 'SELECT id, note FROM entries WHERE note LIKE ? ORDER BY note', `${prefix}%`);
}

/** How many times each value occurs. */
export function tally(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}
