// Offline sync in the browser (issue 3), against the real server and the built PWA in Chromium:
// (a) a day of work offline (22 entries through the UI), the status screen counting along, then one
//     sync that brings exactly those entries to the server;
// (b) two tabs of the same collector with unsent work: every item crosses the wire once;
// (c) a reload and a tab crash in the middle of a sync (after the server committed, before the
//     phone got the answer) lose nothing and double nothing;
// (d) logout with unsent work is refused; after an export it is allowed and leaves no personal
//     data in IndexedDB or Cache Storage; the exported file brings the work back after a new login.
// The server side is checked in its own SQLite database (by the notes the entries carry).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import {
  PHONE, goOffline, goOnline, launchPerson, resultsDir, screenshot, t, waitForServiceWorker, type Person,
} from './support/browser';
import {
  SYNC_TIMEOUT, UI_TIMEOUT, cacheStorage, idbAll, idbCounts, mutationIdsOf, openStatus, recordEntry,
  serverEntriesByNote, staffLogin, statusOf, tally, unsentOnScreen, until,
} from './support/sync-helpers';
import { story } from './support/steps';

const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const OTHER_COLLECTOR = { username: 'collector2', password: 'cunxin-collect' };
/** 垃圾分类检查合格 (+2): a household indicator without cap or evidence that collectors may record. */
const INDICATOR = 'C02';
const DAY_ENTRIES = 22;

interface Village { id: string; name: string }
interface Household { id: string; villageId: string; headName: string }
interface Indicator { code: string; recorderRoles: string[]; capCount: number | null; evidenceRequired: boolean; sign: number }

let server: TestServer;
let collector: Person;
let household: Household;
const run = Date.now().toString(36);
const note = (part: string, i: number) => `e2e ${run} ${part} ${String(i).padStart(2, '0')}`;

const { step, failedStep } = story({ people: () => [collector], server: () => server, prefix: 'sync', timeout: 120_000, problemLines: 15 });

const householdUrl = () => `${server.url}/households/${household.id}`;

async function openHousehold(page: Page): Promise<void> {
  if (!page.url().endsWith(`/households/${household.id}`)) await page.goto(householdUrl(), { waitUntil: 'load' });
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

/** Opens the status screen from the sync bar, checks the count, and comes back. */
async function checkCount(page: Page, expected: number, online: boolean): Promise<void> {
  await openStatus(page);
  await until('unsent count on the status screen', () => unsentOnScreen(page), expected);
  const s = await statusOf(page);
  expect(s.online).toBe(online);
  if (expected > 0) expect(await page.locator(t('sync-oldest-age')).textContent()).toMatch(/最早一条/);
  await page.goBack();
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

/** Entries of this run on the server, by the notes starting with `prefix`: each note must be there once. */
function onServer(prefix: string): { ids: string[]; notes: Map<string, number> } {
  const rows = serverEntriesByNote(server, prefix);
  return { ids: rows.map((r) => r.id).sort(), notes: tally(rows.map((r) => r.note)) };
}

async function localQueuedIds(page: Page, prefix: string): Promise<string[]> {
  const entries = await idbAll<{ id: string; note: string; state: string }>(page, 'entries');
  return entries.filter((e) => e.note.startsWith(prefix) && e.state === 'queued').map((e) => e.id).sort();
}

/**
 * Holds the first POST /api/sync that carries mutations: lets it reach the server (which commits
 * it) but keeps its answer from the page. `committed` resolves when the server has answered.
 */
async function holdFirstPush(page: Page): Promise<{ committed: Promise<string[]>; stop: () => Promise<void> }> {
  let held = false;
  let signal: (ids: string[]) => void = () => {};
  const committed = new Promise<string[]>((r) => { signal = r; });
  const handler = async (route: Route) => {
    const ids = mutationIdsOf(route.request().postData());
    if (held || ids.length === 0) {
      await route.continue().catch(() => undefined);
      return;
    }
    held = true;
    const response = await route.fetch();
    await response.body();
    signal(ids);
    // The answer never reaches the page: it reloads or crashes first.
    await new Promise(() => {});
  };
  await page.route('**/api/sync', handler);
  return { committed, stop: () => page.unroute('**/api/sync', handler).catch(() => undefined) };
}

describe('offline sync in Chromium: a day offline, two tabs, reload and crash mid-sync, logout', () => {
  beforeAll(async () => {
    server = await startServer();
    const api = new ApiClient(server.url);
    const me = await api.login(COLLECTOR.username, COLLECTOR.password);
    const { villages } = await getOk<{ villages: Village[] }>(api, '/api/villages');
    const village = villages.find((v) => me.villageIds.includes(v.id));
    if (!village) throw new Error('collector1 needs a village');
    const { households } = await getOk<{ households: Household[] }>(api, `/api/villages/${village.id}/households`);
    household = households[0];
    const catalog = await getOk<{ indicators: Indicator[] }>(api, '/api/catalog');
    const ind = catalog.indicators.find((i) => i.code === INDICATOR);
    if (!ind || ind.capCount !== null || ind.evidenceRequired || ind.sign < 0) {
      throw new Error(`${INDICATOR} must be an uncapped positive indicator without evidence`);
    }
  });

  afterAll(async () => {
    await collector?.close();
    if (failedStep() && server) console.log(`Server output (${server.url}):\n${server.output()}`);
    await server?.stop();
  });

  step('the collector logs in online; the status screen says online, nothing unsent, a fresh last sync', async () => {
    collector = await launchPerson({ viewport: PHONE });
    const page = collector.page;
    await staffLogin(page, server.url, COLLECTOR);
    await page.locator(t('village-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await waitForServiceWorker(page);
    await openHousehold(page);
    await openStatus(page);
    await until('first sync done', async () => (await statusOf(page)).lastSuccess !== '', true, SYNC_TIMEOUT);
    const s = await statusOf(page);
    expect(s).toMatchObject({ online: true, unsent: 0 });
    expect(Date.now() - Date.parse(s.lastSuccess)).toBeLessThan(60_000);
    expect(await page.locator(t('storage-usage')).getAttribute('data-usage')).toMatch(/^\d+$/);
    expect(['true', 'false']).toContain(await page.locator(t('storage-persisted')).getAttribute('data-persisted'));
    await screenshot(page, 'sync-01-status-online', { fullPage: true });
    await page.goBack();
  });

  step(`(a) a day offline: ${DAY_ENTRIES} entries through the UI, the status screen counting along`, async () => {
    const page = collector.page;
    await openHousehold(page);
    await goOffline(collector.context);
    await until('navigator.onLine', () => page.evaluate(() => navigator.onLine), false);
    for (let i = 1; i <= DAY_ENTRIES; i++) {
      await recordEntry(page, INDICATOR, note('day', i));
      if (i === 1 || i % 5 === 0 || i === DAY_ENTRIES) await checkCount(page, i, false);
    }
    expect(await localQueuedIds(page, `e2e ${run} day`)).toHaveLength(DAY_ENTRIES);
    // Three days later, still offline: the screen says how long the oldest has waited.
    await page.clock.setSystemTime(new Date(Date.now() + 3 * 24 * 3_600_000 + 3_600_000));
    await openStatus(page);
    await until('oldest age after three days', async () => page.locator(t('sync-oldest-age')).textContent(), '最早一条已等待 3 天');
    expect(await page.locator(t('sync-oldest-age')).getAttribute('data-level')).toBe('alarm');
    await screenshot(page, 'sync-02-status-offline-3-days');
    await page.clock.setSystemTime(new Date());
    await page.goBack();
    expect(onServer(`e2e ${run} day`).ids).toEqual([]);
    await openStatus(page);
    await until('oldest age back to now', async () => (await statusOf(page)).ageMs < 3_600_000, true);
    await screenshot(page, 'sync-02-status-offline-22-unsent');
    await screenshot(page, 'sync-02b-status-offline-full', { fullPage: true });
  });

  step('(a) back online: everything syncs once, 0 unsent and a fresh last-sync time', async () => {
    const page = collector.page;
    const local = await localQueuedIds(page, `e2e ${run} day`);
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/sync')) sent.push(...mutationIdsOf(r.postData()));
    });
    const backOnline = Date.now();
    await goOnline(collector.context);
    await until('unsent after going online', () => unsentOnScreen(page), 0, SYNC_TIMEOUT);
    await until('online on the status screen', async () => (await statusOf(page)).online, true);
    const s = await statusOf(page);
    expect(Date.parse(s.lastSuccess)).toBeGreaterThanOrEqual(backOnline - 1000);
    expect(await page.locator(t('sync-oldest-age')).textContent()).toContain('没有等待发送的记录');
    const arrived = onServer(`e2e ${run} day`);
    expect(arrived.ids).toEqual(local);
    expect([...arrived.notes.values()].every((n) => n === 1)).toBe(true);
    expect(arrived.notes.size).toBe(DAY_ENTRIES);
    expect([...tally(sent).values()].every((n) => n === 1), 'each mutation sent once').toBe(true);
    expect(sent).toHaveLength(DAY_ENTRIES);
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(0);
    await screenshot(page, 'sync-03-status-synced');
  });

  step('(b) two tabs of the same collector, both with unsent work: each item reaches the server once', async () => {
    const a = collector.page;
    await openHousehold(a);
    const b = await collector.context.newPage();
    await openHousehold(b);
    const sent: string[] = [];
    for (const p of [a, b]) {
      p.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/sync')) sent.push(...mutationIdsOf(r.postData()));
      });
    }
    await goOffline(collector.context);
    await until('tab b offline', () => b.evaluate(() => navigator.onLine), false);
    // A background tab's animations are paused: bring each tab forward to work in it.
    await a.bringToFront();
    for (let i = 1; i <= 3; i++) await recordEntry(a, INDICATOR, note('tab-a', i));
    await b.bringToFront();
    for (let i = 1; i <= 3; i++) await recordEntry(b, INDICATOR, note('tab-b', i));
    // The outbox is the phone's, not the tab's: both tabs count all six.
    await checkCount(b, 6, false);
    await a.bringToFront();
    await checkCount(a, 6, false);
    const local = (await localQueuedIds(a, `e2e ${run} tab-`));
    expect(local).toHaveLength(6);

    await goOnline(collector.context);
    await openStatus(a);
    await openStatus(b);
    await until('tab a drained', () => unsentOnScreen(a), 0, SYNC_TIMEOUT);
    await until('tab b drained', () => unsentOnScreen(b), 0, SYNC_TIMEOUT);
    // Let any second runner that was waiting for the lock have its turn.
    await a.waitForTimeout(6000);
    const counts = tally(sent);
    expect([...counts.keys()]).toHaveLength(6);
    expect([...counts.values()], 'every mutation crossed the wire exactly once').toEqual([1, 1, 1, 1, 1, 1]);
    const arrived = onServer(`e2e ${run} tab-`);
    expect(arrived.ids).toEqual(local);
    expect([...arrived.notes.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    await b.close();
    await a.goBack();
  });

  step('(c) reload in the middle of a sync (server committed, answer lost): nothing lost, nothing doubled', async () => {
    const page = collector.page;
    await openHousehold(page);
    await goOffline(collector.context);
    for (let i = 1; i <= 3; i++) await recordEntry(page, INDICATOR, note('reload', i));
    const local = await localQueuedIds(page, `e2e ${run} reload`);
    expect(local).toHaveLength(3);
    const hold = await holdFirstPush(page);
    await goOnline(collector.context);
    const firstSent = await hold.committed;
    expect(firstSent).toHaveLength(3);
    // The server has them, the phone does not know yet.
    expect(onServer(`e2e ${run} reload`).ids).toEqual(local);
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(3);
    await hold.stop();
    await page.reload({ waitUntil: 'load' });
    await openStatus(page);
    await until('unsent after reload', () => unsentOnScreen(page), 0, SYNC_TIMEOUT);
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(0);
    const arrived = onServer(`e2e ${run} reload`);
    expect(arrived.ids).toEqual(local);
    expect([...arrived.notes.values()]).toEqual([1, 1, 1]);
  });

  step('(c) tab crash in the middle of a sync: after reopening, the outbox drains and each id is there once', async () => {
    const page = collector.page;
    await openHousehold(page);
    await goOffline(collector.context);
    for (let i = 1; i <= 3; i++) await recordEntry(page, INDICATOR, note('crash', i));
    const local = await localQueuedIds(page, `e2e ${run} crash`);
    expect(local).toHaveLength(3);
    const hold = await holdFirstPush(page);
    await goOnline(collector.context);
    expect(await hold.committed).toHaveLength(3);
    const cdp = await collector.context.newCDPSession(page);
    const crashed = page.waitForEvent('crash', { timeout: UI_TIMEOUT });
    // The renderer dies; the command itself never gets an answer.
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await Promise.race([page.close().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);

    const reopened = await collector.context.newPage();
    collector.page = reopened;
    await reopened.goto(`${server.url}/sync`, { waitUntil: 'load' });
    await reopened.locator(t('sync-screen')).waitFor({ timeout: UI_TIMEOUT });
    await until('unsent after the crash', () => unsentOnScreen(reopened), 0, SYNC_TIMEOUT);
    expect((await idbCounts(reopened, ['outbox'])).outbox).toBe(0);
    const arrived = onServer(`e2e ${run} crash`);
    expect(arrived.ids).toEqual(local);
    expect([...arrived.notes.values()]).toEqual([1, 1, 1]);
  });

  step('(e) a phone whose clock runs a day ahead: the refusal is explained in Chinese and the entry can be deleted', async () => {
    const page = collector.page;
    await openHousehold(page);
    await page.clock.setSystemTime(new Date(Date.now() + 30 * 3_600_000));
    await recordEntry(page, INDICATOR, note('clock', 1));
    await openStatus(page);
    const item = page.locator(`${t('attention-item')}[data-code="future_time"]`);
    await item.waitFor({ timeout: SYNC_TIMEOUT });
    expect(await item.textContent()).toContain('手机时间可能不准');
    expect(await unsentOnScreen(page)).toBe(0);
    await screenshot(page, 'sync-06-status-refused');
    await page.clock.setSystemTime(new Date());
    expect(onServer(`e2e ${run} clock`).ids).toEqual([]);
    await item.locator(t('attention-discard')).click();
    await page.locator('.van-dialog__confirm').filter({ visible: true }).first().click();
    await item.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(0);
    await page.goBack();
  });

  step('(d) logout with unsent work is refused; after an export it clears every personal record', async () => {
    const page = collector.page;
    await openHousehold(page);
    await goOffline(collector.context);
    for (let i = 1; i <= 2; i++) await recordEntry(page, INDICATOR, note('logout', i));
    const local = await localQueuedIds(page, `e2e ${run} logout`);

    await page.locator(t('logout')).first().click();
    const dialog = page.locator('.van-dialog').filter({ visible: true }).first();
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.textContent()).toContain('还有 2 条未发送');
    await screenshot(page, 'sync-04-logout-refused');
    await dialog.locator('.van-dialog__cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    expect(await page.locator(t('new-entry')).count()).toBeGreaterThan(0);
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(2);

    await openStatus(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(t('export-unsent')).click()]);
    expect(download.suggestedFilename()).toMatch(/^村信-未发送-\d{4}-\d{2}-\d{2}\.json$/);
    const file = path.join(resultsDir, 'sync-export.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string; userId: string; deviceId: string; items: { mutation: { payload: { entryId: string } } }[];
    };
    expect(exported.format).toBe('cunxin-unsent');
    expect(exported.items.map((i) => i.mutation.payload.entryId).sort()).toEqual(local);
    expect(readFileSync(file, 'utf8')).not.toMatch(/idNumber|idLast4/);
    await page.locator('.van-toast').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    await screenshot(page, 'sync-05-status-exported', { fullPage: true });

    await page.locator(t('logout')).first().click();
    const confirm = page.locator('.van-dialog').filter({ visible: true }).first();
    await confirm.waitFor({ timeout: UI_TIMEOUT });
    expect(await confirm.textContent()).toContain('已导出到文件');
    await confirm.locator('.van-dialog__confirm').click();
    await page.locator(t('login-username')).waitFor({ timeout: UI_TIMEOUT });

    const counts = await idbCounts(page, ['households', 'persons', 'entries', 'householdEntries', 'outbox', 'villages', 'catalogVersions', 'indicators']);
    expect(counts).toEqual({ households: 0, persons: 0, entries: 0, householdEntries: 0, outbox: 0, villages: 0, catalogVersions: 0, indicators: 0 });
    const meta = await idbAll<{ key: string }>(page, 'meta');
    expect(meta.map((m) => m.key).sort()).toEqual(['deviceId', 'deviceSeq']);
    const cached = await cacheStorage(page);
    expect(cached.names.every((n) => n.startsWith('workbox-precache'))).toBe(true);
    expect(cached.urls.filter((u) => u.includes('/api/'))).toEqual([]);
    // The app shell is still there: the login page opens offline.
    await page.reload({ waitUntil: 'load' });
    await page.locator(t('login-username')).waitFor({ timeout: UI_TIMEOUT });
  });

  step('(d) after a new login the exported file brings the work back; it is sent once', async () => {
    const page = collector.page;
    await goOnline(collector.context);
    await staffLogin(page, server.url, COLLECTOR);
    await page.locator(t('village-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('tab-sync')).click();
    await page.locator(t('sync-screen')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('import-unsent-file')).setInputFiles(path.join(resultsDir, 'sync-export.json'));
    const dialog = page.locator('.van-dialog').filter({ visible: true }).first();
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.textContent()).toContain('已导入 2 条');
    await dialog.locator('.van-dialog__confirm').click();
    // Let this dialog close first, or the next check could read it again while it fades out.
    await page.locator('.van-dialog').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await until('unsent after the import', () => unsentOnScreen(page), 0, SYNC_TIMEOUT);
    const arrived = onServer(`e2e ${run} logout`);
    expect(arrived.notes.size).toBe(2);
    expect([...arrived.notes.values()]).toEqual([1, 1]);
    // Importing the same file again changes nothing.
    await page.locator(t('import-unsent-file')).setInputFiles(path.join(resultsDir, 'sync-export.json'));
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.textContent()).toMatch(/已导入 0 条，跳过 2 条/);
    await dialog.locator('.van-dialog__confirm').click();
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(0);
    expect([...onServer(`e2e ${run} logout`).notes.values()]).toEqual([1, 1]);
  });

  step('(f) session expired offline, another collector logs in: the first one\'s work is kept, not sent, and sent after they are back', async () => {
    const page = collector.page;
    await openHousehold(page);
    await goOffline(collector.context);
    await recordEntry(page, INDICATOR, note('switch', 1));
    const local = await localQueuedIds(page, `e2e ${run} switch`);
    // The session ends while the phone is away (revoked or expired): the next sync gets 401.
    await collector.context.clearCookies();
    await goOnline(collector.context);
    const banner = page.locator(t('session-expired'));
    await banner.waitFor({ timeout: SYNC_TIMEOUT });
    expect((await idbCounts(page, ['outbox'])).outbox).toBe(1);

    // Someone else signs in on this phone.
    await banner.locator('button').click();
    await page.locator(t('login-username')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('login-username')).fill(OTHER_COLLECTOR.username);
    await page.locator(t('login-password')).fill(OTHER_COLLECTOR.password);
    await page.locator(t('login-submit')).click();
    await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.goto(`${server.url}/sync`, { waitUntil: 'load' });
    const notice = page.locator(t('other-user-unsent'));
    await notice.waitFor({ timeout: UI_TIMEOUT });
    expect(await notice.getAttribute('data-count')).toBe('1');
    expect(await notice.textContent()).toContain('不会用您的账号发送');
    await until('the new user synced', async () => (await statusOf(page)).lastSuccess !== '', true, SYNC_TIMEOUT);
    expect(await unsentOnScreen(page)).toBe(0);
    await screenshot(page, 'sync-07-status-other-user');
    expect(onServer(`e2e ${run} switch`).ids).toEqual([]);
    expect((await idbAll<{ entityId: string }>(page, 'outbox')).map((i) => i.entityId)).toEqual(local);

    // The first collector is back (the second one's session ends): their entry goes out, once.
    await collector.context.clearCookies();
    await page.locator(t('sync-now')).click();
    await page.locator(t('session-expired')).waitFor({ timeout: SYNC_TIMEOUT });
    await page.locator(`${t('session-expired')} button`).click();
    await page.locator(t('login-username')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('login-username')).fill(COLLECTOR.username);
    await page.locator(t('login-password')).fill(COLLECTOR.password);
    await page.locator(t('login-submit')).click();
    await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await until('outbox after the owner logged in', async () => (await idbCounts(page, ['outbox'])).outbox, 0, SYNC_TIMEOUT);
    const arrived = onServer(`e2e ${run} switch`);
    expect(arrived.ids).toEqual(local);
    expect([...arrived.notes.values()]).toEqual([1]);
  });
});
