// A collector's morning round in Chromium at 360×640 (issue 13), against the real server and the
// built PWA, in the order a real morning has it:
//  1. Offline (no signal in the lanes): households found by pinyin (initials and full), a new
//     household whose head's ID number is mistyped (caught on the phone with its Chinese message)
//     and then corrected, a member added and edited; entries on the first four households, three
//     of them with a photo taken through the form's camera input (compressed and hashed on the
//     phone). The phone's IndexedDB holds no ID number in clear (the outbox included).
//  2. Signal at the village square with the next entry's form open: the phone syncs what it has
//     and finds a new version of the app; it is offered but cannot be applied while the form is
//     open; once the entry is saved the collector accepts, the page reloads into the new version
//     and nothing is lost (the entry saved, no draft left behind).
//  3. Offline again, on the new version: the other households, two more photos (one of them on a
//     draft that comes back with its photo through a reload and a tab crash), a credit record,
//     the member moved to another household. 10 households, 20 entries, 5 with photos in all.
//  4. Back online: everything reaches the server; the server holds each photo under the SHA-256
//     the phone computed (its stored file hashed again here); the ID numbers sealed there.
//  5. A committee member returns one of the morning's entries with a reason (API); the phone
//     shows the reason, the collector corrects the entry and resends it; the server has the
//     corrected version.
// Screenshots at 360×640 of the main screens in /tmp/shots/field/ (not committed).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { pinyin } from 'pinyin-pro';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { crashTab, goOffline, goOnline, launchPerson, t, waitForServiceWorker, type Person } from './support/browser';
import { publishNewAppVersion } from './support/app-update';
import { cameraPhoto, phonePhotos, serverPhoto, type PhonePhoto } from './support/photos';
import { story } from './support/steps';
import {
  SYNC_TIMEOUT, UI_TIMEOUT, confirmLikelyDuplicate, idbAll, recordEntry, serverEntriesByNote, serverSql, staffLogin, takePhoto, until,
} from './support/sync-helpers';
import { makeSyntheticIdNumber } from '../shared/validation/id-number';

const PHONE_360 = { width: 360, height: 640 };
const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
/** 垃圾分类检查合格 +2, no cap, no evidence. */
const PLAIN = 'C02';
/** 主动结清集体欠款 +5, no cap, no evidence: the second entry of a visit (not a likely duplicate); the receipt photographed at five visits. */
const SECOND = 'C04';
/** The households visited besides the new one (10 in all), two entries each: 20 entries. */
const VISITED = 9;
const ROUND_ENTRIES = 2 * (VISITED + 1);
/** Visits (0 = the new household, 1… = visited[0]…) whose second entry carries a photo. */
const PHOTO_VISITS = [0, 1, 2, 4, 6];
/** The visit whose second entry's form is open when the signal comes (the app update). */
const UPDATE_VISIT = 3;
/** The visit whose second entry is a draft (its photo taken) through a reload and a tab crash. */
const CRASH_VISIT = 6;
const SHOTS = '/tmp/shots/field';

interface Village { id: string; name: string }
interface Household { id: string; villageId: string; headName: string; householdNo: string }

let server: TestServer;
let person: Person;
let village: Village;
let households: Household[];
let visited: Household[];
let newHouseholdId = '';
let photoDir = '';
let restoreApp: (() => void) | null = null;
let photos: PhonePhoto[] = [];
const photoOf = new Map<string, string>(); // note → hash of its photo
const run = Date.now().toString(36);
const note = (part: string) => `晨访 ${run} ${part}`;
// Synthetic numbers (shared/validation/id-number.ts): a valid one, and the same with its check digit changed.
const HEAD_ID = makeSyntheticIdNumber('370283', '19750312', 457);
const BAD_HEAD_ID = HEAD_ID.slice(0, 17) + (HEAD_ID[17] === '1' ? '2' : '1');
const MEMBER_ID = makeSyntheticIdNumber('370283', '19780620', 462);
const HEAD_NAME = '单建国';
const MEMBER_NAME = '曾秀兰';
const RETURN_REASON = '请写明收据编号，再重新提交';

const { step } = story({ people: () => [person], server: () => server, shot, prefix: 'morning', timeout: 300_000 });

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.locator('.van-toast').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 4000 }).catch(() => undefined);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

async function openVillage(page: Page): Promise<void> {
  await page.goto(`${server.url}/villages/${village.id}`, { waitUntil: 'load' });
  await page.locator(t('household-item')).first().waitFor({ timeout: UI_TIMEOUT });
}

async function openHousehold(page: Page, id: string): Promise<void> {
  await page.goto(`${server.url}/households/${id}`, { waitUntil: 'load' });
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

async function search(page: Page, text: string): Promise<string[]> {
  const list = page.locator(t('household-item'));
  await page.locator(t('household-search')).fill(text);
  // The list follows the search box (debounced): wait until it has settled on one answer.
  let last = '';
  await until(`the list for "${text}"`, async () => {
    const now = (await list.evaluateAll((els) => els.map((e) => e.getAttribute('data-household-id') ?? ''))).join();
    const settled = now === last;
    last = now;
    return settled;
  }, true);
  return last.split(',').filter(Boolean);
}

async function memberAction(page: Page, name: string, action: string): Promise<void> {
  await page.locator(t('member')).filter({ hasText: name }).click();
  await page.locator('.van-action-sheet__item').filter({ hasText: action }).click();
}

/** Every record of every object store of the app's database, as JSON (Blobs as {}), read in the page. */
function idbDump(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('cunxin');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const out: Record<string, string> = {};
    for (const name of Array.from(db.objectStoreNames)) {
      out[name] = await new Promise<string>((resolve, reject) => {
        const req = db.transaction(name, 'readonly').objectStore(name).getAll();
        req.onsuccess = () => resolve(JSON.stringify(req.result));
        req.onerror = () => reject(req.error);
      });
    }
    db.close();
    return out;
  });
}

/** The photo file for visit `v` (written in beforeAll). */
const photoFile = (v: number) => path.join(photoDir, `receipt-${v}.png`);
const visitNote = (v: number, second: boolean) => note(`visit ${v === 0 ? 'new' : visited[v - 1].householdNo}${second ? ' 2' : ''}`);

/** One visit: both entries, the second with a photo where PHOTO_VISITS says so. */
async function visit(v: number): Promise<void> {
  if (v > 0) await openHousehold(person.page, visited[v - 1].id);
  await recordEntry(person.page, PLAIN, visitNote(v, false));
  await recordEntry(person.page, SECOND, visitNote(v, true), PHOTO_VISITS.includes(v) ? { photo: photoFile(v) } : {});
  if (v === PHOTO_VISITS[0]) await shot(person.page, 'morning-05-household-with-photo-entry');
}

/** The form of the current household with SECOND chosen and `text` typed (saved as a draft as it is typed). */
async function startSecondEntry(page: Page, text: string): Promise<void> {
  await page.locator(t('new-entry')).first().click();
  await page.locator(`${t('indicator-item')}[data-code="${SECOND}"]`).click();
  await page.locator(t('entry-note')).fill(text);
  await until('the draft kept on the phone', async () => (await idbAll<{ fields: { note?: string } }>(page, 'drafts')).some((d) => d.fields.note === text), true);
}

async function saveEntry(page: Page): Promise<void> {
  await page.locator(t('entry-save')).click();
  await confirmLikelyDuplicate(page);
  await page.locator(t('entry-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

const entryNotesInOutbox = async (page: Page) => (await idbAll<{ kind: string; payload: { note?: string } }>(page, 'outbox'))
  .filter((i) => i.kind === 'entry.create' && i.payload.note?.startsWith(`晨访 ${run}`)).map((i) => i.payload.note!);

describe('a morning round at 360×640', () => {
  beforeAll(async () => {
    photoDir = mkdtempSync(path.join(tmpdir(), 'cx-morning-'));
    for (const v of PHOTO_VISITS) cameraPhoto(photoFile(v), v);
    server = await startServer();
    const api = new ApiClient(server.url);
    const me = await api.login(COLLECTOR.username, COLLECTOR.password);
    const { villages } = await getOk<{ villages: Village[] }>(api, '/api/villages');
    village = villages.find((v) => me.villageIds.includes(v.id))!;
    households = (await getOk<{ households: Household[] }>(api, `/api/villages/${village.id}/households`)).households;
    visited = households.slice(6, 6 + VISITED);
    expect(visited).toHaveLength(VISITED);
    person = await launchPerson({ viewport: PHONE_360 });
    await staffLogin(person.page, server.url, COLLECTOR);
    await waitForServiceWorker(person.page, 90_000); // the precache installs slowly on a loaded machine
    await openVillage(person.page);
    // The first sync has brought the catalogue; the ID sealing key is on the phone.
    await until('catalogue on the phone', async () => (await idbAll(person.page, 'indicators')).length > 0, true, SYNC_TIMEOUT);
    await until('sealing key on the phone', async () => (await idbAll<{ key: string }>(person.page, 'meta')).some((m) => /id.?(seal|key)/i.test(m.key)), true, SYNC_TIMEOUT);
  }, 240_000);

  afterAll(async () => {
    restoreApp?.();
    await person?.close();
    await server?.stop();
    if (photoDir) rmSync(photoDir, { recursive: true, force: true });
  });

  step('offline: found by pinyin, a new household with a mistyped ID caught and corrected, a member added and edited, the first four visits (three photos)', async () => {
    const page = person.page;
    await goOffline(person.context);

    // Pinyin: initials and full pinyin of a head of household find that household.
    const target = households[5];
    const initials = pinyin(target.headName, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
    const full = pinyin(target.headName, { toneType: 'none', type: 'array' }).join('');
    expect(await search(page, initials)).toContain(target.id);
    await shot(page, 'morning-01-pinyin-initials');
    expect(await search(page, full)).toContain(target.id);
    expect(await search(page, target.householdNo)).toContain(target.id);
    await search(page, '');

    // A new household; the head's ID number mistyped (check digit), caught on the phone.
    await page.locator(t('add-household')).click();
    await page.locator(t('household-new-form')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('new-household-head')} input`).fill(HEAD_NAME);
    await page.locator(`${t('new-household-id')} input`).fill(BAD_HEAD_ID);
    await page.locator(`${t('new-household-birth-year')} input`).click();
    const idError = page.locator(`${t('new-household-id')} .van-field__error-message`);
    await idError.waitFor({ timeout: UI_TIMEOUT });
    expect(await idError.textContent()).toContain('身份证号码校验位不正确');
    await shot(page, 'morning-02-bad-id');
    await page.locator(t('new-household-save')).click();
    expect(await page.locator(t('household-new-form')).count()).toBe(1); // not saved
    // Corrected, typed with full-width digits and a lower-case x (normalised on the phone).
    await page.locator(`${t('new-household-id')} input`).fill(HEAD_ID.toLowerCase().replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    await page.locator(`${t('new-household-birth-year')} input`).click();
    await until('ID error cleared', () => idError.count(), 0);
    await page.locator(t('new-household-save')).click();
    await page.locator(t('household-head')).filter({ hasText: HEAD_NAME }).waitFor({ timeout: UI_TIMEOUT });
    newHouseholdId = new URL(page.url()).pathname.split('/').pop()!;
    // Shown the national way: first 6 and last 4, the birth date and sequence starred.
    await expect.poll(() => page.locator(t('member-id')).first().textContent()).toContain(`${HEAD_ID.slice(0, 6)}********${HEAD_ID.slice(-4)}`);

    // A member added with an ID number, then edited (birth year); moved later in the round.
    await page.locator(t('member-add')).click();
    await page.locator(t('member-form')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('member-name')} input`).fill(MEMBER_NAME);
    await page.locator(`${t('member-relation')} input`).fill('配偶');
    await page.locator(`${t('member-id')} input`).fill(MEMBER_ID);
    await shot(page, 'morning-03-member-form');
    await page.locator(t('member-save')).click();
    await page.locator(t('member')).filter({ hasText: MEMBER_NAME }).waitFor({ timeout: UI_TIMEOUT });
    await memberAction(page, MEMBER_NAME, '修改成员');
    await page.locator(t('member-form')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('member-birth-year')} input`).fill('1979');
    await page.locator(t('member-save')).click();
    await page.locator(t('member')).filter({ hasText: '1979' }).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'morning-04-household-new', true);

    // Visits 0 (the new household) to 2: two entries each, the second with a receipt photo;
    // visit 3: its first entry (the second is being written when the signal comes).
    for (let v = 0; v < UPDATE_VISIT; v++) await visit(v);
    await openHousehold(person.page, visited[UPDATE_VISIT - 1].id);
    await recordEntry(person.page, PLAIN, visitNote(UPDATE_VISIT, false));
    expect((await entryNotesInOutbox(person.page)).length).toBe(2 * UPDATE_VISIT + 1);

    // The photos: kept on the phone as compressed JPEGs (long side ≤ 1600 px, ≤ 300 KB) under
    // the SHA-256 of their bytes, not uploaded yet.
    const kept = await phonePhotos(person.page);
    expect(kept).toHaveLength(PHOTO_VISITS.filter((v) => v < UPDATE_VISIT).length);
    for (const p of kept) {
      expect(p).toMatchObject({ type: 'image/jpeg', uploaded: 0, blobSha256: p.hash });
      expect(p.size).toBeLessThanOrEqual(300 * 1024);
      expect(p.longSide).toBeLessThanOrEqual(1600);
    }
  });

  step('no ID number in clear in IndexedDB (outbox included), read from the page', async () => {
    const dump = await idbDump(person.page);
    expect(Object.keys(dump)).toEqual(expect.arrayContaining(['outbox', 'persons', 'drafts']));
    expect(dump.outbox).toContain('person.create');
    for (const id of [HEAD_ID, MEMBER_ID, BAD_HEAD_ID]) {
      for (const [store, json] of Object.entries(dump)) {
        // Neither the whole number nor its first 17 digits, in any store.
        expect(json.includes(id.slice(0, 17)), `${store} holds an ID number in clear`).toBe(false);
      }
    }
    expect(dump.outbox).toMatch(/"idSealed":"e1\./);
  });

  step('signal with a form open: the phone syncs and finds a new version, offered but not applied until the entry is saved; then applied, nothing lost', async () => {
    const page = person.page;
    const text = visitNote(UPDATE_VISIT, true);
    await startSecondEntry(page, text);
    const oldScript = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '');
    expect(oldScript).not.toBe('');
    // A new version was published this morning; the phone looks for one when the network comes back.
    restoreApp = publishNewAppVersion(run);
    await goOnline(person.context);
    const prompt = page.locator(t('app-update'));
    await prompt.waitFor({ timeout: SYNC_TIMEOUT * 2 });
    // Mid-entry: offered, not applicable (no button), and the form keeps what was typed.
    expect(await prompt.getAttribute('data-busy')).toBe('true');
    expect(await page.locator(t('app-update-apply')).count()).toBe(0);
    expect(await page.locator(t('entry-note')).inputValue()).toBe(text);
    await shot(page, 'morning-06-update-waits-for-the-form');
    // What was recorded so far reaches the server meanwhile (photos first: the first visits' ones).
    await until('the first visits on the server', () => Promise.resolve(serverEntriesByNote(server, `晨访 ${run}`).length), 2 * UPDATE_VISIT + 1, SYNC_TIMEOUT * 2);
    expect(await page.locator(t('app-update-apply')).count()).toBe(0);

    await saveEntry(page);
    const apply = page.locator(t('app-update-apply'));
    await apply.waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'morning-07-update-offered');
    const reloaded = page.waitForEvent('load', { timeout: SYNC_TIMEOUT * 2 });
    await apply.click();
    await reloaded;
    await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
    await until('the new version controls the page', () => page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return !!reg?.active && !reg.waiting && !reg.installing && navigator.serviceWorker.controller !== null;
    }), true, SYNC_TIMEOUT);
    expect(await page.locator(t('app-update')).count()).toBe(0);
    // Nothing lost: the entry saved before the update is on the server, no draft left over.
    await until('the entry saved before the update on the server', () => Promise.resolve(serverEntriesByNote(server, text).length), 1, SYNC_TIMEOUT);
    expect(await idbAll(page, 'drafts')).toEqual([]);
  });

  step('offline again, on the new version: the other visits (two more photos), a draft through a reload and a tab crash, a credit record, the member moved', async () => {
    await goOffline(person.context);
    for (let v = UPDATE_VISIT + 1; v <= VISITED; v++) {
      if (v !== CRASH_VISIT) {
        await visit(v);
        continue;
      }
      // The second entry's form half filled, its photo taken, when the page reloads and then the
      // tab crashes: the draft comes back each time with its photo, is not in the outbox, and is saved.
      await openHousehold(person.page, visited[v - 1].id);
      await recordEntry(person.page, PLAIN, visitNote(v, false));
      const text = visitNote(v, true);
      let page = person.page;
      await startSecondEntry(page, text);
      await takePhoto(page, photoFile(v));
      const hash = await page.locator(t('evidence-photo')).first().getAttribute('data-hash');
      await until('the photo in the draft', async () => (await idbAll<{ fields: { note?: string; evidence?: { hash: string }[] } }>(page, 'drafts'))
        .some((d) => d.fields.note === text && d.fields.evidence?.[0]?.hash === hash), true);
      const formBack = async (p: Page) => {
        expect(await p.locator(t('entry-note')).inputValue()).toBe(text);
        await until('the photo back on the form', () => p.locator(t('evidence-photo')).evaluateAll((els) => els.map((e) => e.getAttribute('data-hash'))), [hash]);
        await p.locator(`${t('evidence-photo')} img`).first().waitFor({ timeout: UI_TIMEOUT });
      };
      await page.reload({ waitUntil: 'load' });
      await page.locator(t('entry-note')).waitFor({ timeout: UI_TIMEOUT });
      await formBack(page);
      expect(await page.locator(t('entry-draft-bar')).getAttribute('data-restored')).toBe('true');
      await shot(page, 'morning-08-draft-after-reload', true);
      page = await crashTab(person, t('entry-note'));
      await formBack(page);
      expect(await entryNotesInOutbox(page)).not.toContain(text);
      await saveEntry(page);
    }
    await shot(person.page, 'morning-09-household-entries');
    // Everything recorded since the signal waits in the outbox.
    await until('the rest of the round in the outbox', async () => (await entryNotesInOutbox(person.page)).length, ROUND_ENTRIES - 2 * (UPDATE_VISIT + 1));

    // A credit record for one of the households (its own form and ledger).
    const page = person.page;
    await openHousehold(page, visited[VISITED - 1].id);
    await page.locator(t('new-credit')).click();
    await page.locator(`${t('credit-kind')}[data-kind="loan_repaid"]`).click();
    await page.locator(t('credit-note')).fill(note('credit'));
    await shot(page, 'morning-10-credit-form');
    await page.locator(t('credit-save')).click();
    await page.locator(`${t('credit-record')}[data-state="queued"]`).waitFor({ timeout: UI_TIMEOUT });

    // The member moves to another household of the village.
    const target = households[5];
    await page.goto(`${server.url}/households/${newHouseholdId}`, { waitUntil: 'load' });
    await page.locator(t('member')).filter({ hasText: MEMBER_NAME }).waitFor({ timeout: UI_TIMEOUT });
    await memberAction(page, MEMBER_NAME, '迁到本村其他户');
    await page.locator(t('move-picker')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('move-search')} input`).fill(target.headName);
    await shot(page, 'morning-11-move');
    await page.locator(`${t('move-target')}[data-household-id="${target.id}"]`).click();
    await page.locator('.van-dialog__confirm').filter({ visible: true }).first().click();
    await until('member gone from the new household', () => page.locator(t('member')).filter({ hasText: MEMBER_NAME }).count(), 0);

    // The list: the households visited since the signal are marked as waiting to be sent.
    await openVillage(page);
    expect(await search(page, 'sjg')).toContain(newHouseholdId);
    await search(page, '');
    await shot(page, 'morning-12-list-pending');
    photos = await phonePhotos(page);
    expect(photos).toHaveLength(PHOTO_VISITS.length);
  }, 420_000);

  step('back online: 20 entries, the credit record and the roster changes reach the server; every photo there under the hash the phone computed', async () => {
    const page = person.page;
    await goOnline(person.context);
    await until('entries of the round on the server', () => Promise.resolve(serverEntriesByNote(server, `晨访 ${run}`).length), ROUND_ENTRIES, SYNC_TIMEOUT * 2);
    await until('credit record on the server', () => Promise.resolve(serverSql<{ n: number }>(server,
      'SELECT COUNT(*) AS n FROM credit_records WHERE note = ?', note('credit'))[0].n), 1, SYNC_TIMEOUT);
    await until('new household on the server', () => Promise.resolve(serverSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM households WHERE head_name = ?', HEAD_NAME)[0].n), 1, SYNC_TIMEOUT);
    const target = households[5];
    await until('member moved on the server', () => Promise.resolve(serverSql<{ household_id: string }>(server, 'SELECT household_id FROM persons WHERE name = ? AND deleted = 0', MEMBER_NAME)[0]?.household_id), target.id, SYNC_TIMEOUT);
    const rows = serverSql<{ name: string; birth_year: number; id_last4: string; id_cipher: string | null }>(server,
      'SELECT name, birth_year, id_last4, id_cipher FROM persons WHERE name IN (?, ?)', HEAD_NAME, MEMBER_NAME);
    expect(rows.find((r) => r.name === MEMBER_NAME)).toMatchObject({ birth_year: 1979, id_last4: MEMBER_ID.slice(-4) });
    expect(rows.find((r) => r.name === HEAD_NAME)).toMatchObject({ id_last4: HEAD_ID.slice(-4) });
    for (const r of rows) expect(r.id_cipher && !r.id_cipher.includes(HEAD_ID.slice(0, 17)) && !r.id_cipher.includes(MEMBER_ID.slice(0, 17))).toBeTruthy();

    // Photos: all uploaded; the server's file for each hashes to the phone's SHA-256, and each is
    // the evidence of the entry it was taken for.
    await until('every photo uploaded on the phone', async () => (await phonePhotos(page)).every((p) => p.uploaded === 1), true, SYNC_TIMEOUT);
    for (const p of photos) expect(serverPhoto(server, p.hash), p.hash).toEqual({ size: p.size, complete: 1, fileSha256: p.hash });
    const links = serverSql<{ note: string; sha256: string }>(server,
      'SELECT e.note AS note, ev.sha256 AS sha256 FROM entry_evidence ev JOIN entries e ON e.id = ev.entry_id WHERE e.note LIKE ?', `晨访 ${run}%`);
    expect(links.map((l) => l.note).sort()).toEqual(PHOTO_VISITS.map((v) => visitNote(v, true)).sort());
    expect(new Set(links.map((l) => l.sha256))).toEqual(new Set(photos.map((p) => p.hash)));
    for (const l of links) photoOf.set(l.note, l.sha256);

    await openVillage(page);
    await until('nothing waiting on the list', () => page.locator(t('household-item')).filter({ hasText: '待发送' }).count(), 0, SYNC_TIMEOUT);
    await shot(page, 'morning-13-synced');
  });

  step('the committee returns an entry with a reason; the phone shows it; the collector corrects and resends it; the server has the corrected version', async () => {
    const page = person.page;
    const returnedNote = visitNote(1, true); // the first household's receipt, photographed
    const [returned] = serverEntriesByNote(server, returnedNote);
    const committee = new ApiClient(server.url);
    await committee.login(COMMITTEE.username, COMMITTEE.password);
    const r = await committee.post(`/api/review/entries/${returned.id}/decisions`, { decision: 'return', reason: RETURN_REASON });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    // The phone learns it at its next sync: opening the app syncs, and the page follows the
    // local database. Opened again if that sync came too early for the decision.
    const row = page.locator(`${t('household-entry')}[data-entry-id="${returned.id}"]`);
    const deadline = Date.now() + SYNC_TIMEOUT * 2;
    for (;;) {
      await openHousehold(page, visited[0].id);
      const seen = await until('returned', () => row.getAttribute('data-state'), 'returned', 10_000).then(() => true, () => false);
      if (seen) break;
      if (Date.now() > deadline) throw new Error(`the returned entry is not shown as returned on the phone (state ${await row.getAttribute('data-state')})`);
    }
    expect(await row.locator(t('entry-reason')).textContent()).toContain(RETURN_REASON);
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'morning-14-returned');
    await row.locator(t('entry-correct')).click();
    await page.locator(t('return-reason')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('return-reason')).textContent()).toContain(RETURN_REASON);
    const fixed = `${returnedNote} 收据编号 2026-118`;
    await page.locator(t('entry-note')).fill(fixed);
    await shot(page, 'morning-15-correct', true);
    await page.locator(t('correct-save')).click();
    await page.locator(t('correct-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await until('the corrected version on the server', () => Promise.resolve(serverSql<{ state: string; revision: number; note: string }>(server,
      'SELECT state, revision, note FROM entries WHERE id = ?', returned.id)[0]), { state: 'submitted', revision: 2, note: fixed }, SYNC_TIMEOUT * 2);
    // Its photo stays its evidence.
    expect(serverSql<{ sha256: string }>(server, 'SELECT sha256 FROM entry_evidence WHERE entry_id = ?', returned.id).map((e) => e.sha256))
      .toContain(photoOf.get(returnedNote));
    await openHousehold(page, visited[0].id);
    await until('the corrected entry shown as submitted', () => row.getAttribute('data-state'), 'submitted', SYNC_TIMEOUT);
    await shot(page, 'morning-16-resubmitted');
  });
});
