// The walking skeleton (issue 2), end to end against the real server and the built PWA in Chromium:
// a collector records two entries (one offline, surviving an offline reload), the runner sends them
// when the phone is back online, a committee member approves and publicizes them, the resident
// sees them and the new total, a week later they are effective, and township staff see the ranking
// move. One fresh server per file, one browser profile per person.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { recordEntry, until } from './support/sync-helpers';
import {
  DESKTOP, PHONE, goOffline, goOnline, launchPerson, screenshot, t, waitForServiceWorker, type Person,
} from './support/browser';
import { story } from './support/steps';

const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
const TOWNSHIP = { username: 'township', password: 'cunxin-town' };
const ADMIN = { username: 'admin', password: 'cunxin-admin' };
const RESIDENT = { phone: '13800000001', pin: '123456' };

const UI_TIMEOUT = 20_000;
const SYNC_TIMEOUT = 30_000;

interface Indicator {
  code: string; nameZh: string; sign: number; pointsMin: number; pointsMax: number;
  evidenceRequired: boolean; subject: string; recorderRoles: string[]; capCount: number | null;
}
interface Household { id: string; villageId: string; householdNo: string; headName: string }
interface Standing { base: number; effective: number; pending: number; standing: number; projected: number }
interface Entry { id: string; householdId: string; indicatorCode: string; points: number; state: string }
interface HouseholdDetail { household: Household; entries: Entry[]; standing: Standing }
interface Village { id: string; name: string }
interface Notice { id: string; startsAt: string; endsAt: string; status: string }
interface RankingRow {
  villageId: string; villageName: string; entriesThisYear: number; pendingReview: number; effectiveEntries: number;
}

let server: TestServer;
const people: Person[] = [];

// What the story needs to know beforehand, fetched through the API.
let household: Household;
let villageName = '';
let year = 0;
let standingBefore: Standing;
let entriesBefore: Entry[] = [];
let queueBefore = new Set<string>();
let collectorEntriesBefore = 0;
let rankingBefore: RankingRow;
const recorded: Indicator[] = [];
let committeeApi: ApiClient;
let newEntryIds: string[] = [];
let gained = 0;

const { step, failedStep } = story({ people: () => people, server: () => server, problemLines: 15, serverLines: 40 });


/** The outbox count the sync bar shows (data-count), or null when the bar is not on the page. */
async function pendingCount(page: Page): Promise<number | null> {
  const bar = page.locator(t('sync-pending-count')).first();
  if ((await bar.count()) === 0) return null;
  const v = await bar.getAttribute('data-count');
  return v === null ? null : Number(v);
}

/** Outbox rows in the phone's IndexedDB (database `cunxin`, store `outbox`). */
function outboxRows(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('cunxin');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const idb = req.result;
          const count = idb.transaction('outbox').objectStore('outbox').count();
          count.onsuccess = () => {
            resolve(count.result);
            idb.close();
          };
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

async function staffLogin(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.locator(t('login-username')).waitFor({ timeout: UI_TIMEOUT });
  await page.locator(t('login-username')).fill(user.username);
  await page.locator(t('login-password')).fill(user.password);
  await page.locator(t('login-submit')).click();
  await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

async function clickConfirmDialog(page: Page): Promise<void> {
  const confirm = page.locator('.van-dialog__confirm').filter({ visible: true }).first();
  await confirm.waitFor({ timeout: UI_TIMEOUT });
  await confirm.click();
  await page.locator('.van-dialog').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  await page.locator('.van-overlay').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

/** Toasts fade out on their own; wait so that a screenshot shows the page, not the toast. */
async function toastsGone(page: Page): Promise<void> {
  await page.locator('.van-toast').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

async function queueOfHousehold(): Promise<Entry[]> {
  const { entries } = await getOk<{ entries: Entry[] }>(committeeApi, `/api/review/queue?villageId=${household.villageId}&householdId=${household.id}&limit=100`);
  return entries.filter((e) => e.householdId === household.id);
}

/** Submitted entries of the household that were not in the queue before the story. */
async function newInQueue(): Promise<Entry[]> {
  return (await queueOfHousehold()).filter((e) => !queueBefore.has(e.id));
}

async function statesOfNewEntries(api: ApiClient): Promise<(string | undefined)[]> {
  const d = await getOk<HouseholdDetail>(api, `/api/households/${household.id}`);
  return newEntryIds.map((id) => d.entries.find((x) => x.id === id)?.state);
}

describe('walking skeleton: collector → offline → sync → committee → resident → township', () => {
  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    for (const p of people) await p.close();
    if (failedStep() && server) {
      console.log(`Server output (${server.url}, DATA_DIR ${server.dataDir}):\n${server.output()}`);
    }
    await server?.stop();
  });

  step('prepare: the resident household, two positive indicators and the baseline, via the API', async () => {
    const resident = new ApiClient(server.url);
    const me = await resident.residentLogin(RESIDENT.phone, RESIDENT.pin);
    expect(me.role).toBe('resident');
    expect(me.householdId).toBeTruthy();
    const detail = await getOk<HouseholdDetail>(resident, `/api/households/${me.householdId}`);
    household = detail.household;
    standingBefore = detail.standing;
    entriesBefore = detail.entries;

    const admin = new ApiClient(server.url);
    await admin.login(ADMIN.username, ADMIN.password);
    const { villages } = await getOk<{ villages: Village[] }>(admin, '/api/villages');
    const village = villages.find((v) => v.id === household.villageId);
    if (!village) throw new Error('the resident household must be in a village the admin sees');
    villageName = village.name;

    const collector = new ApiClient(server.url);
    const collectorMe = await collector.login(COLLECTOR.username, COLLECTOR.password);
    expect(collectorMe.villageIds).toContain(household.villageId);
    const catalog = await getOk<{ indicators: Indicator[] }>(collector, '/api/catalog');
    const usable = catalog.indicators.filter(
      (i) => i.sign > 0 && i.subject === 'household' && !i.evidenceRequired &&
        (i.recorderRoles.length === 0 || i.recorderRoles.includes('collector')),
    );
    if (usable.length === 0) throw new Error('the catalogue needs positive household indicators a collector may record');
    // Uncapped first (the household's history must not hit a cap), volunteering first among them.
    const rank = (i: Indicator) => (i.capCount === null ? 0 : 2) + (/志愿/.test(i.nameZh) ? 0 : 1);
    usable.sort((a, b) => rank(a) - rank(b));
    const second = usable.find((i) => i.code !== usable[0].code && (i.capCount ?? 2) >= 1) ?? usable[0];
    recorded.push(usable[0], second);

    const township = new ApiClient(server.url);
    await township.login(TOWNSHIP.username, TOWNSHIP.password);
    year = new Date().getFullYear();
    // A village with no entry in the year yet is listed apart (unranked), not ranked.
    const { rows, unranked } = await getOk<{ rows: RankingRow[]; unranked: RankingRow[] }>(township, `/api/township/ranking?year=${year}`);
    const row = [...rows, ...unranked].find((r) => r.villageId === household.villageId);
    if (!row) throw new Error('the township ranking must list the resident village');
    rankingBefore = row;

    committeeApi = new ApiClient(server.url);
    await committeeApi.login(COMMITTEE.username, COMMITTEE.password);
    queueBefore = new Set((await queueOfHousehold()).map((e) => e.id));
  });

  let collector: Person;

  step('collector (phone) logs in, opens the household and records an entry online', async () => {
    collector = await launchPerson({ viewport: PHONE });
    people.push(collector);
    const page = collector.page;
    await staffLogin(page, COLLECTOR);
    const village = page.locator(`${t('village-item')}[data-village-id="${household.villageId}"]`);
    await village.waitFor({ timeout: UI_TIMEOUT });
    expect(await textOrEmpty(village)).toContain(villageName);
    await screenshot(page, '01-collector-villages');
    await waitForServiceWorker(page);

    await village.click();
    // The list renders only the rows on screen: find the household by its number, as a collector would.
    await page.locator(t('household-search')).fill(household.householdNo);
    const row = page.locator(`${t('household-item')}[data-household-id="${household.id}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await textOrEmpty(row)).toContain(household.headName);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, '02-collector-households');
    await row.click();
    await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
    collectorEntriesBefore = await page.locator(t('household-entry')).count();

    await page.locator(t('new-entry')).first().click();
    await page.locator(t('indicator-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await screenshot(page, '03-collector-indicator-catalogue', { fullPage: true });
    await page.goBack();
    await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });

    await recordEntry(page, recorded[0].code, 'e2e：参加村志愿服务（在线）');
    // Online: the runner sends it on its own, shortly after the local write.
    await until('pending count after the online entry', () => pendingCount(page), 0, SYNC_TIMEOUT);
    await until('new entries of the household on the server', async () => (await newInQueue()).length, 1, SYNC_TIMEOUT);
    await toastsGone(page);
    await screenshot(page, '04-collector-household-after-online-entry');
  });

  step('collector records a second entry offline; it waits in the outbox', async () => {
    const page = collector.page;
    await waitForServiceWorker(page);
    await goOffline(collector.context);
    await until('navigator.onLine', () => page.evaluate(() => navigator.onLine), false);
    await recordEntry(page, recorded[1].code, 'e2e：第二条（离线记录）');
    await until('pending count offline', () => pendingCount(page), 1);
    expect(await outboxRows(page)).toBe(1);
    expect(await page.locator(t('sync-status')).getAttribute('data-state')).toBe('offline');
    await toastsGone(page);
    await screenshot(page, '05-collector-offline-pending');
  });

  step('reload while offline: shell from the service worker, still logged in, the entry still queued', async () => {
    const page = collector.page;
    const response = await page.reload({ waitUntil: 'load' });
    expect(response?.fromServiceWorker(), 'the offline reload is answered by the service worker').toBe(true);
    await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('login-username')).count(), 'no login form after an offline reload').toBe(0);
    await until('pending count after offline reload', () => pendingCount(page), 1);
    expect(await outboxRows(page), 'outbox rows in IndexedDB after an offline reload').toBe(1);
    // Both entries are on the page: the synced one and the queued one.
    await until(
      'household entries after offline reload',
      async () => page.locator(t('household-entry')).count(),
      collectorEntriesBefore + 2,
    );
    expect(await page.locator(`${t('household-entry')} ${t('entry-state')}[data-state="queued"]`).count()).toBe(1);
    await screenshot(page, '06-collector-offline-reloaded');
  });

  step('back online: without a click the outbox empties and the server has exactly the two entries', async () => {
    const page = collector.page;
    await goOnline(collector.context);
    await until('pending count back online', () => pendingCount(page), 0, SYNC_TIMEOUT);
    expect(await outboxRows(page)).toBe(0);
    await until(
      'queued entries on the page after sync',
      () => page.locator(`${t('household-entry')} ${t('entry-state')}[data-state="queued"]`).count(),
      0,
      SYNC_TIMEOUT,
    );
    await screenshot(page, '07-collector-synced');

    const ours = await newInQueue();
    expect(ours.map((e) => e.indicatorCode).sort()).toEqual(recorded.map((i) => i.code).sort());
    expect(new Set(ours.map((e) => e.id)).size).toBe(2);
    for (const e of ours) expect(e.state).toBe('submitted');
    newEntryIds = ours.map((e) => e.id);
    gained = ours.reduce((s, e) => s + e.points, 0);
    expect(gained).toBeGreaterThan(0);
  });

  let committee: Person;

  step('committee member approves both entries and publishes the notice', async () => {
    committee = await launchPerson({ viewport: PHONE });
    people.push(committee);
    const page = committee.page;
    await staffLogin(page, COMMITTEE);
    // The queue comes in pages, oldest first: the committee opens this household's entries.
    await page.goto(`${server.url}/review?villageId=${household.villageId}&householdId=${household.id}`);
    for (const id of newEntryIds) {
      await page.locator(`${t('review-item')}[data-entry-id="${id}"]`).waitFor({ timeout: UI_TIMEOUT });
    }
    await page.locator(`${t('review-item')}[data-entry-id="${newEntryIds[0]}"]`).scrollIntoViewIfNeeded();
    await screenshot(page, '08-committee-review-queue');
    for (const id of newEntryIds) {
      const card = page.locator(`${t('review-item')}[data-entry-id="${id}"]`);
      await card.locator(t('approve')).click();
      await card.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    }
    expect(await statesOfNewEntries(committeeApi)).toEqual(['approved', 'approved']);
    await toastsGone(page);
    await screenshot(page, '09-committee-approved');

    await page.locator(t('tab-notices')).click();
    await page.locator(t('publish-notice')).waitFor({ timeout: UI_TIMEOUT });
    await screenshot(page, '10-committee-notices');
    await page.locator(t('publish-notice')).click();
    await clickConfirmDialog(page);
    await until('states after publishing', () => statesOfNewEntries(committeeApi), ['publicized', 'publicized']);
    await page.locator(t('notice-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await toastsGone(page);
    await screenshot(page, '11-committee-published');
  });

  let resident: Person;

  step('resident (phone) logs in with phone + PIN and sees the entries and the pending total', async () => {
    const api = new ApiClient(server.url);
    await api.residentLogin(RESIDENT.phone, RESIDENT.pin);
    const detail = await getOk<HouseholdDetail>(api, `/api/households/${household.id}`);
    expect(detail.standing.pending).toBe(standingBefore.pending + gained);
    expect(detail.standing.projected).toBe(standingBefore.projected + gained);
    expect(detail.standing.standing).toBe(standingBefore.standing);

    resident = await launchPerson({ viewport: PHONE });
    people.push(resident);
    const page = resident.page;
    await page.goto(server.url + '/', { waitUntil: 'load' });
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).fill(RESIDENT.phone);
    await page.locator(t('resident-pin')).fill(RESIDENT.pin);
    await page.locator(t('resident-submit')).click();
    const total = page.locator(t('resident-total'));
    await total.waitFor({ timeout: UI_TIMEOUT });
    await until('resident entries', () => page.locator(t('resident-entry')).count(), entriesBefore.length + 2);
    for (const id of newEntryIds) {
      const state = page.locator(`${t('resident-entry')}[data-entry-id="${id}"] ${t('entry-state')}`);
      expect(await state.getAttribute('data-state')).toBe('publicized');
    }
    expect(Number(await total.getAttribute('data-pending'))).toBe(standingBefore.pending + gained);
    expect(Number(await total.getAttribute('data-standing'))).toBe(standingBefore.standing);
    expect(await textOrEmpty(page.locator(t('standing-pending')))).toContain(String(standingBefore.pending + gained));
    await screenshot(page, '12-resident-publicized');
  });

  step('a week later (server restarted with its clock past the notice window) the entries are effective', async () => {
    const { notices } = await getOk<{ notices: Notice[] }>(committeeApi, `/api/villages/${household.villageId}/notices`);
    const open = notices.filter((n) => n.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    const endsAt = Math.max(...open.map((n) => Date.parse(n.endsAt)));
    const offset = endsAt - Date.now() + 60 * 60 * 1000;
    await server.restart({ clockOffsetMs: offset });

    const api = new ApiClient(server.url);
    await api.residentLogin(RESIDENT.phone, RESIDENT.pin);
    await until('states after the window', () => statesOfNewEntries(api), ['effective', 'effective']);
    const detail = await getOk<HouseholdDetail>(api, `/api/households/${household.id}`);
    // Other seeded entries of the household may have become effective with ours (their windows
    // ended too): the new standing is the old one plus everything that turned effective.
    const wasEffective = new Set(entriesBefore.filter((e) => e.state === 'effective').map((e) => e.id));
    const turned = detail.entries.filter((e) => e.state === 'effective' && !wasEffective.has(e.id));
    const expectedStanding = standingBefore.standing + turned.reduce((s, e) => s + e.points, 0);
    expect(turned.map((e) => e.id)).toEqual(expect.arrayContaining(newEntryIds));
    expect(detail.standing.standing).toBe(expectedStanding);
    expect(detail.standing.projected).toBe(standingBefore.projected + gained);

    // A week later the resident's session has ended by inactivity (RESIDENT_IDLE_MINUTES): sign in again.
    const page = resident.page;
    await page.reload({ waitUntil: 'load' });
    await page.locator(`${t('session-expired')} button`).click({ timeout: UI_TIMEOUT });
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).fill(RESIDENT.phone);
    await page.locator(t('resident-pin')).fill(RESIDENT.pin);
    await page.locator(t('resident-submit')).click();
    const total = page.locator(t('resident-total'));
    await total.waitFor({ timeout: UI_TIMEOUT });
    await until('resident-total data-standing', async () => Number(await total.getAttribute('data-standing')), expectedStanding);
    expect(await textOrEmpty(page.locator(t('standing-value')))).toContain(String(expectedStanding));
    for (const id of newEntryIds) {
      const state = page.locator(`${t('resident-entry')}[data-entry-id="${id}"] ${t('entry-state')}`);
      expect(await state.getAttribute('data-state')).toBe('effective');
    }
    await screenshot(page, '13-resident-effective');
  });

  let township: Person;

  step('township staff (desktop) see the ranking reflect the two new entries', async () => {
    const api = new ApiClient(server.url);
    await api.login(TOWNSHIP.username, TOWNSHIP.password);
    const { rows } = await getOk<{ rows: RankingRow[] }>(api, `/api/township/ranking?year=${year}`);
    const after = rows.find((r) => r.villageId === household.villageId);
    if (!after) throw new Error('the ranking lost the village');
    expect(after.entriesThisYear).toBe(rankingBefore.entriesThisYear + 2);
    // Other seeded entries may have become effective a week later too.
    expect(after.effectiveEntries).toBeGreaterThanOrEqual(rankingBefore.effectiveEntries + 2);

    township = await launchPerson({ viewport: DESKTOP });
    people.push(township);
    const page = township.page;
    await staffLogin(page, TOWNSHIP);
    const row = page.locator(`${t('ranking-row')}[data-village-id="${household.villageId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT });
    const text = await textOrEmpty(row);
    expect(text).toContain(villageName);
    expect(text).toContain(String(after.entriesThisYear));
    await screenshot(page, '14-township-ranking');
  });
});

async function textOrEmpty(loc: { first(): { textContent(): Promise<string | null> } }): Promise<string> {
  return ((await loc.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
