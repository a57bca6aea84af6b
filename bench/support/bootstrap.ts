// Bootstrap of a new phone, measured in headless Chromium with the real client: log in through
// the login screen, let the app's own sync runner pull the village into Dexie, and poll the
// phone's IndexedDB until it holds every entry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from './server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Newest modification time of the files under `dir` (0 if it does not exist). */
function newest(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The client build the benchmark serves: its own copy in tmp/bench-client, rebuilt when any
 * client or shared source is newer (a stale bundle would speak an older protocol), so that it
 * never empties dist/client under a browser test running at the same time.
 */
export function ensureClientBuild(log: (line: string) => void): string {
  const out = path.join(REPO_ROOT, 'tmp', 'bench-client');
  const index = path.join(out, 'index.html');
  const sources = Math.max(
    newest(path.join(REPO_ROOT, 'client')), newest(path.join(REPO_ROOT, 'shared')), fs.statSync(path.join(REPO_ROOT, 'vite.config.ts')).mtimeMs,
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs > sources) return out;
  log('building the client (npx vite build) …');
  const r = spawnSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

export interface BootstrapResult {
  /** Login click → Dexie holds every entry. */
  msFromLogin: number;
  /** First POST /api/sync leaves the browser → Dexie holds every entry. */
  msFromFirstSync: number;
  syncRequests: number;
  /** Response bodies of POST /api/sync as Chromium received them (encoded), by its own count. */
  browserBodyBytes: number;
  /**
   * The floor on this machine, now: the same rows written with plain IndexedDB into stores of the
   * same schema, in transactions of 5,000 rows, nothing else (no network, no server, no decoding).
   */
  idbFloorMs: number;
  counts: { households: number; persons: number; entries: number };
}

export async function bootstrapInChromium(opts: {
  url: string; username: string; password: string; expect: { households: number; persons: number; entries: number }; timeoutMs?: number;
  /** Chromium's CPU slow-down factor (DevTools' throttling), to stand in for a cheap phone; 1 = none. */
  cpuSlowdown?: number;
}): Promise<BootstrapResult> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cunxin-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
  });
  try {
    // Functions passed to page.evaluate are compiled by tsx, which may wrap them in __name(…).
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = context.pages()[0] ?? (await context.newPage());
    if ((opts.cpuSlowdown ?? 1) > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpuSlowdown! });
    }
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    let firstSyncAt = 0;
    let syncRequests = 0;
    const bodySizes: Promise<number>[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/sync') {
        syncRequests++;
        if (!firstSyncAt) firstSyncAt = performance.now();
      }
    });
    page.on('requestfinished', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/sync') bodySizes.push(req.sizes().then((s) => s.responseBodySize).catch(() => 0));
    });
    await page.goto(`${opts.url}/login`, { waitUntil: 'load' });
    await page.locator('[data-test="login-username"]').fill(opts.username);
    await page.locator('[data-test="login-password"]').fill(opts.password);
    const clickedAt = performance.now();
    await page.locator('[data-test="login-submit"]').click();

    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    let counts = { households: 0, persons: 0, entries: 0 };
    let doneAt = 0;
    while (Date.now() < deadline) {
      counts = await page.evaluate(countRows);
      if (counts.entries >= opts.expect.entries) {
        doneAt = performance.now();
        break;
      }
      await page.waitForTimeout(20);
    }
    if (!doneAt) {
      throw new Error(`bootstrap incomplete after ${opts.timeoutMs ?? 60_000} ms: ${JSON.stringify(counts)}; page errors: ${problems.join('; ') || 'none'}`);
    }
    // Let the last answer's size arrive.
    await page.waitForTimeout(300);
    const browserBodyBytes = (await Promise.all(bodySizes)).reduce((a, b) => a + b, 0);
    const idbFloorMs = await page.evaluate(idbFloor);
    return { msFromLogin: doneAt - clickedAt, msFromFirstSync: doneAt - firstSyncAt, syncRequests, browserBodyBytes, counts, idbFloorMs };
  } finally {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Runs in the page: row counts of the app's Dexie database ('cunxin'), read with plain IndexedDB.
 * Entries are counted over both stores (the server's rows, one record per household, and the
 * phone's own); that read is heavy, so it waits until the app has recorded a finished sync
 * (meta `lastSyncAt`), which it writes right after storing the last page.
 * The database is opened only once the app created it, so this never creates or upgrades it.
 */
async function countRows(): Promise<{ households: number; persons: number; entries: number }> {
  const none = { households: 0, persons: 0, entries: 0 };
  const dbs = await indexedDB.databases();
  if (!dbs.some((d) => d.name === 'cunxin')) return none;
  return new Promise((resolve) => {
    const open = indexedDB.open('cunxin');
    open.onerror = () => resolve(none);
    open.onsuccess = () => {
      const db = open.result;
      const stores = ['meta', 'households', 'persons', 'entries', 'householdEntries'];
      if (!stores.every((s) => db.objectStoreNames.contains(s))) {
        db.close();
        resolve(none);
        return;
      }
      const tx = db.transaction(stores, 'readonly');
      const out = { ...none };
      const synced = tx.objectStore('meta').get('lastSyncAt');
      synced.onsuccess = () => {
        if (!synced.result) return;
        const count = (s: 'households' | 'persons' | 'entries', add: number) => {
          const req = tx.objectStore(s).count();
          req.onsuccess = () => { out[s] += req.result + add; };
        };
        count('households', 0);
        count('persons', 0);
        const bundles = tx.objectStore('householdEntries').getAll();
        bundles.onsuccess = () => count('entries', (bundles.result as { rows: unknown[] }[]).reduce((n, b) => n + b.rows.length, 0));
      };
      tx.oncomplete = () => {
        db.close();
        resolve(out);
      };
      tx.onerror = () => {
        db.close();
        resolve(none);
      };
    };
  });
}

/**
 * Runs in the page: copies the app's households, persons and entries (as the app stores them: one
 * record per household) into a scratch database with the same key paths and indexes, 5,000
 * records per transaction, and returns the time of the writes.
 */
async function idbFloor(): Promise<number> {
  const req = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const app: IDBDatabase = await new Promise((resolve, reject) => { const o = indexedDB.open('cunxin'); o.onsuccess = () => resolve(o.result); o.onerror = () => reject(o.error); });
  const names = ['households', 'persons', 'householdEntries'];
  const tx = app.transaction(names, 'readonly');
  const schema = names.map((n) => {
    const st = tx.objectStore(n);
    return { name: n, keyPath: st.keyPath as string, indexes: [...st.indexNames].map((i) => ({ name: i, keyPath: st.index(i).keyPath as string })) };
  });
  const rows = await Promise.all(names.map((n) => req(tx.objectStore(n).getAll())));
  app.close();
  const scratchName = `bench-floor-${Date.now()}`;
  const scratch: IDBDatabase = await new Promise((resolve, reject) => {
    const o = indexedDB.open(scratchName, 1);
    o.onupgradeneeded = () => {
      for (const s of schema) {
        const st = o.result.createObjectStore(s.name, { keyPath: s.keyPath });
        for (const i of s.indexes) st.createIndex(i.name, i.keyPath);
      }
    };
    o.onsuccess = () => resolve(o.result);
    o.onerror = () => reject(o.error);
  });
  const t0 = performance.now();
  for (const [k, name] of names.entries()) {
    for (let i = 0; i < rows[k].length; i += 5000) {
      await new Promise<void>((resolve, reject) => {
        const w = scratch.transaction(name, 'readwrite');
        const st = w.objectStore(name);
        for (const r of rows[k].slice(i, i + 5000)) st.put(r);
        w.oncomplete = () => resolve();
        w.onerror = () => reject(w.error);
      });
    }
  }
  const ms = performance.now() - t0;
  scratch.close();
  indexedDB.deleteDatabase(scratchName);
  return ms;
}
