// The credit ledger end to end (issue 7), against the real server and the built PWA in Chromium:
// the township adds a credit kind and the collector's phone offers it; the collector records a
// credit record on a phone while offline, with a photo of the document; it syncs (the photo uploaded
// and checked on the server by hash), and the committee sees the photo and approves it at the
// office, where it enters a second record with a photo of the certificate, which the collector's
// phone then shows with the record (pulled, the photo fetched from the server); three committee members rate the village back to back, each on their own phone, the
// disagreement is discussed, the result posted and — after the objection window (server clock
// moved on) — fixed; the resident then sees the household's grade, its explanation record by
// record (also in English), and the perks it qualifies for, objects to a record and requests the
// repair of a negative one, by tapping on the phone.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { DESKTOP, goOffline, goOnline, launchPerson, t, waitForServiceWorker, type Person } from './support/browser';
import pg from 'pg';
import { idbAll, serverSql, staffLogin, until, SYNC_TIMEOUT, UI_TIMEOUT } from './support/sync-helpers';
import { story } from './support/steps';
import { createEmptyPostgresDatabase } from '../server/test/databases';

const PHONE_360 = { width: 360, height: 640 };
const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const COMMITTEE1 = { username: 'committee1', password: 'cunxin-review' };
const COMMITTEE2 = { username: 'committee2', password: 'cunxin-review' };
const RESIDENT = { phone: '13800000001', pin: '123456' };
const SHOTS = '/tmp/shots/credit';
const DAY = 86_400_000;

let server: TestServer;
const people: Person[] = [];
let householdId = '';
let villageId = '';
let recordId = '';
let roundId = '';
let photoFile = '';
/** A photo of a certificate chosen at the office (another picture: another hash). */
let certificateFile = '';
let officeRecordId = '';
/** E2E_POSTGRES=1: the server runs on a fresh PostgreSQL database instead of its SQLite file. */
const ON_POSTGRES = process.env.E2E_POSTGRES === '1';
let pgDb: { databaseUrl: string; drop(): Promise<void> } | null = null;

/** Read-only queries against the server's database (`?` placeholders on both). */
async function sql<T>(query: string, ...params: unknown[]): Promise<T[]> {
  if (!pgDb) return serverSql<T>(server, query, ...params);
  const client = new pg.Client({ connectionString: pgDb.databaseUrl });
  await client.connect();
  try {
    let i = 0;
    return (await client.query(query.replace(/\?/g, () => `$${++i}`), params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function shot(page: Page, name: string, fullPage = true) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

const { step } = story({ people: () => people, server: () => server, shot: (page, name) => shot(page, name, false), timeout: 180_000, problemLines: 8, serverLines: 20 });

async function person(viewport = PHONE_360): Promise<Person> {
  const p = await launchPerson({ viewport });
  people.push(p);
  return p;
}

/** Rates one household (by the rater's own choice) and all the others alike, then submits. */
async function rateOnPhone(page: Page, grade: string) {
  await page.goto(`${server.url}/credit/rounds/${roundId}`, { waitUntil: 'load' });
  const row = page.locator(`${t('round-household')}[data-household-id="${householdId}"]`);
  await row.locator(t(`rate-${grade}`)).click();
  await page.locator(t('fill-A')).click();
  await page.locator(t('round-submit')).click();
  await page.locator(t('round-tally')).first().waitFor({ timeout: UI_TIMEOUT });
}

describe(`credit ledger on ${ON_POSTGRES ? 'postgres' : 'sqlite'}: phone record, office review, evaluation round, the resident's grade`, () => {
  beforeAll(async () => {
    if (ON_POSTGRES) pgDb = await createEmptyPostgresDatabase();
    server = await startServer(pgDb ? { env: { DATABASE_URL: pgDb.databaseUrl } } : {});
    const resident = new ApiClient(server.url);
    const me = await resident.residentLogin(RESIDENT.phone, RESIDENT.pin);
    householdId = me.householdId!;
    villageId = (await getOk<{ household: { villageId: string } }>(resident, `/api/households/${householdId}`)).household.villageId;
    // A photo of the bank's settlement letter (a camera's file; the phone compresses it to JPEG).
    const png = new PNG({ width: 900, height: 650 });
    for (let i = 0; i < png.data.length; i += 4) { png.data[i] = (i / 4) % 253; png.data[i + 1] = (i / 9) % 239; png.data[i + 2] = 140; png.data[i + 3] = 255; }
    photoFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'cx-credit-')), 'settlement-letter.png');
    writeFileSync(photoFile, PNG.sync.write(png));
    const cert = new PNG({ width: 800, height: 600 });
    for (let i = 0; i < cert.data.length; i += 4) { cert.data[i] = 200; cert.data[i + 1] = (i / 7) % 251; cert.data[i + 2] = (i / 11) % 241; cert.data[i + 3] = 255; }
    certificateFile = path.join(path.dirname(photoFile), 'certificate.png');
    writeFileSync(certificateFile, PNG.sync.write(cert));
  }, 120_000);

  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
    await pgDb?.drop();
  });

  step('the township adds a credit kind; a collector records a credit record offline on a phone, with a photo; it syncs when back online', async () => {
    const township = new ApiClient(server.url);
    await township.login('township', 'cunxin-town');
    const added = await township.post('/api/credit/township/kinds', {
      code: 'elder_care_star', nameZh: '孝老爱亲之星', nameEn: 'Elder care star', negative: false, documentRequired: false, sources: ['village'], active: true, sort: 45,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);

    const { page, context } = await person();
    await staffLogin(page, server.url, COLLECTOR);
    await waitForServiceWorker(page);
    await page.goto(`${server.url}/households/${householdId}`, { waitUntil: 'load' });
    await until('village on the phone', async () => (await idbAll(page, 'households')).length > 0, true, SYNC_TIMEOUT);
    // The township's list reached the phone by the pull (entity creditKind).
    await until('township kinds on the phone', async () => (await idbAll<{ code: string }>(page, 'creditKinds')).some((k) => k.code === 'elder_care_star'), true, SYNC_TIMEOUT);
    await goOffline(context);
    await page.locator(t('new-credit')).click();
    // The phone offers the township's own kind (offline, from its pulled list).
    await page.locator(`${t('credit-kind')}[data-kind="elder_care_star"]`).waitFor({ timeout: UI_TIMEOUT });
    // A negative kind asks for the document number and its issuer.
    await page.locator(`${t('credit-kind')}[data-kind="admin_penalty"]`).click();
    await page.locator(t('credit-issuer-required')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('credit-kind')}[data-kind="loan_repaid"]`).click();
    await page.locator(t('credit-note')).fill('e2e 农商行小额贷款按期还清');
    await page.locator(t('credit-document')).fill('农商结清〔2026〕88号');
    await page.locator(t('credit-issuer')).fill('平度农商银行');
    await page.locator(t('evidence-input')).setInputFiles(photoFile);
    await page.locator(t('evidence-photo')).first().waitFor({ timeout: 60_000 });
    await shot(page, '01-collector-credit-form-offline');
    await page.locator(t('credit-save')).click();
    const queued = page.locator(`${t('credit-record')}[data-state="queued"]`).first();
    await queued.waitFor({ timeout: UI_TIMEOUT });
    await queued.locator(t('credit-record-photo')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '01b-collector-household-credit-queued', false);
    // The outbox item names the photo by its SHA-256 (the bytes wait in the phone's evidence store).
    const item = (await idbAll<{ kind: string; payload: { evidence?: { hash: string; size: number }[]; issuer?: string } }>(page, 'outbox')).find((i) => i.kind === 'credit.create');
    expect(item?.payload.issuer).toBe('平度农商银行');
    const sent = item?.payload.evidence?.[0];
    expect(sent?.hash).toMatch(/^[0-9a-f]{64}$/);
    await goOnline(context);
    await until('record on the server', async () => (await sql<{ id: string }>("SELECT id FROM credit_records WHERE note = ? AND state = 'submitted'", 'e2e 农商行小额贷款按期还清')).length, 1, SYNC_TIMEOUT);
    recordId = (await sql<{ id: string }>('SELECT id FROM credit_records WHERE note = ?', 'e2e 农商行小额贷款按期还清'))[0].id;
    expect((await sql<{ issuer: string; document_no: string }>('SELECT issuer, document_no FROM credit_records WHERE id = ?', recordId))[0]).toEqual({ issuer: '平度农商银行', document_no: '农商结清〔2026〕88号' });
    // The photo went with it: uploaded before the record, verified by its hash on the server.
    const photoHash = (await sql<{ sha256: string }>('SELECT sha256 FROM credit_record_evidence WHERE record_id = ?', recordId))[0]?.sha256;
    expect(photoHash).toMatch(/^[0-9a-f]{64}$/);
    expect(photoHash).toBe(sent!.hash);
    await until('photo verified on the server', async () => (await sql<{ complete: number }>('SELECT complete FROM evidence_blobs WHERE sha256 = ?', photoHash))[0]?.complete, 1, SYNC_TIMEOUT);
    const onDisk = (await sql<{ size: number }>('SELECT size FROM evidence_blobs WHERE sha256 = ?', photoHash))[0].size;
    expect(onDisk).toBeLessThanOrEqual(300 * 1024);
  });

  step('the committee approves it at the office (desktop); a second record is entered there with a photo of the certificate and approved by another member', async () => {
    const { page } = await person(DESKTOP);
    await staffLogin(page, server.url, COMMITTEE1);
    await page.goto(`${server.url}/credit/review`, { waitUntil: 'load' });
    const item = page.locator(`${t('credit-review-item')}[data-record-id="${recordId}"]`);
    await item.waitFor({ timeout: UI_TIMEOUT });
    // The reviewer sees the photo taken on the phone (loaded from the server, not a broken image).
    const img = item.locator(`${t('credit-review-photo')} img`).first();
    await img.waitFor({ timeout: UI_TIMEOUT });
    await until('photo shown', () => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), true);
    await shot(page, '02-office-review-1280');
    await item.locator(t('credit-approve')).click();
    await item.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect((await sql<{ state: string }>('SELECT state FROM credit_records WHERE id = ?', recordId))[0].state).toBe('approved');
    // An honour from the township, entered at the office by committee1 with a photo of the
    // certificate (compressed in the browser, uploaded before the record), approved by committee2.
    await page.getByText('办公室录入', { exact: true }).click();
    await page.locator(t('office-household')).selectOption(householdId);
    await page.locator(t('office-kind')).selectOption('honour');
    await page.locator(`${t('office-date')} input`).fill('2026-01-10');
    await page.locator(`${t('office-document')} input`).fill('青政字〔2026〕3号');
    await page.locator(`${t('office-note')} textarea`).fill('文明家庭');
    await page.locator(`${t('office-evidence')} ${t('evidence-input')}`).setInputFiles(certificateFile);
    await page.locator(`${t('office-evidence')} ${t('evidence-photo')} img`).first().waitFor({ timeout: 60_000 });
    await page.locator(t('office-save')).scrollIntoViewIfNeeded();
    await shot(page, '02b-office-entry-photo-1280');
    await page.locator(t('office-save')).click();
    await until('office record on the server', async () => (await sql<{ id: string }>("SELECT id FROM credit_records WHERE note = ? AND device_id = 'office'", '文明家庭')).length, 1, SYNC_TIMEOUT);
    officeRecordId = (await sql<{ id: string }>('SELECT id FROM credit_records WHERE note = ?', '文明家庭'))[0].id;
    // Stored and linked: the photo verified on the server by its hash, compressed like a phone's.
    const linked = await sql<{ sha256: string; complete: number; size: number }>(
      'SELECT cv.sha256 AS sha256, b.complete AS complete, b.size AS size FROM credit_record_evidence cv JOIN evidence_blobs b ON b.sha256 = cv.sha256 WHERE cv.record_id = ?', officeRecordId);
    expect(linked).toHaveLength(1);
    expect(Number(linked[0].complete)).toBe(1);
    expect(Number(linked[0].size)).toBeLessThanOrEqual(300 * 1024);
    // The form is empty again, its photo gone from the browser's store (the server has it).
    await page.locator(`${t('office-evidence')} ${t('evidence-photo')}`).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const kept = await page.evaluate((hash) => new Promise<boolean>((resolve, reject) => {
      const req = indexedDB.open('cunxin-evidence');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const get = req.result.transaction('photos', 'readonly').objectStore('photos').get(hash);
        get.onsuccess = () => { req.result.close(); resolve(get.result !== undefined); };
        get.onerror = () => reject(get.error);
      };
    }), linked[0].sha256);
    expect(kept).toBe(false);
    const c2 = new ApiClient(server.url);
    await c2.login(COMMITTEE2.username, COMMITTEE2.password);
    expect((await c2.post(`/api/credit/records/${officeRecordId}/decisions`, { decision: 'approve', reason: '' })).status).toBe(200);
  });

  step('the collector\'s phone shows the office\'s record with its photo (pulled with the record, fetched from the server)', async () => {
    const { page } = people[0];
    await page.goto(`${server.url}/households/${householdId}`, { waitUntil: 'load' });
    await until('office record with its photo on the phone', async () =>
      (await idbAll<{ id: string; evidence?: { hash: string }[] }>(page, 'creditRecords')).find((r) => r.id === officeRecordId)?.evidence?.length ?? 0, 1, SYNC_TIMEOUT);
    const row = page.locator(`${t('credit-record')}[data-record-id="${officeRecordId}"]`);
    const img = row.locator(t('credit-record-photo')).first();
    await img.waitFor({ timeout: UI_TIMEOUT });
    await until('office photo shown on the phone', () => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), true);
    expect(await img.getAttribute('src')).toMatch(/^\/api\/evidence\/[0-9a-f]{64}$/);
    // The phone's own record keeps its photo too (from the server or its store), after the pull replaced its row.
    const own = page.locator(`${t('credit-record')}[data-record-id="${recordId}"] ${t('credit-record-photo')}`).first();
    await until('own photo shown', () => own.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), true);
    await row.scrollIntoViewIfNeeded();
    await shot(page, '02c-collector-credit-photos-360', false);
    // Offline, a photo the phone does not hold is either still at hand (the browser's cache) or named
    // ("联网后可查看"), never a broken image; back online it shows again.
    const { context } = people[0];
    await goOffline(context);
    await page.reload({ waitUntil: 'load' });
    await row.waitFor({ timeout: UI_TIMEOUT });
    // evaluateAll, not first().evaluate(): the latter waits for an <img> to exist, and the <img>
    // that fails offline is replaced by its name, so a poll could hang until the step's deadline.
    const photoShown = () => row.locator(t('credit-record-photo')).evaluateAll((els) => els.some((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0));
    await until('office photo shown or named offline', async () => (await row.locator(t('credit-record-photo-away')).count()) === 1 || (await photoShown()), true);
    await row.scrollIntoViewIfNeeded();
    await shot(page, '02d-collector-credit-photos-offline-360', false);
    await goOnline(context);
    await until('office photo back online', photoShown, true, SYNC_TIMEOUT);
  });

  step('three committee members rate back to back, each on their phone; the disagreement is discussed; the result is posted', async () => {
    const p1 = await person();
    await staffLogin(p1.page, server.url, COMMITTEE1);
    await p1.page.goto(`${server.url}/credit/review`, { waitUntil: 'load' });
    await p1.page.locator(t('credit-new-round')).click();
    await p1.page.locator(t('credit-round-link')).first().click();
    await p1.page.locator(t('round-household')).first().waitFor({ timeout: UI_TIMEOUT });
    roundId = p1.page.url().split('/').at(-1)!;
    // The office entry form on the committee member's phone, with its photo picker.
    await p1.page.goBack({ waitUntil: 'load' });
    await p1.page.getByText('办公室录入', { exact: true }).click();
    await p1.page.locator(t('office-evidence')).scrollIntoViewIfNeeded();
    await shot(p1.page, '03a-office-entry-form-360', false);
    await p1.page.goto(`${server.url}/credit/rounds/${roundId}`, { waitUntil: 'load' });
    await p1.page.locator(t('round-household')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(p1.page, '03-round-sheet-360', false);
    await rateOnPhone(p1.page, 'AAA');

    const p2 = await person();
    await staffLogin(p2.page, server.url, COMMITTEE2);
    await p2.page.goto(`${server.url}/credit/rounds/${roundId}`, { waitUntil: 'load' });
    await p2.page.locator(t('round-household')).first().waitFor({ timeout: UI_TIMEOUT });
    // Back to back: nothing of committee1's ratings before committee2's own sheet is in.
    expect(await p2.page.locator(t('round-tally')).count()).toBe(0);
    await rateOnPhone(p2.page, 'AA');

    // The third member (the village's admin) on a phone of their own, back to back too.
    const p3 = await person();
    await staffLogin(p3.page, server.url, { username: 'admin', password: 'cunxin-admin' });
    await p3.page.goto(`${server.url}/credit/rounds/${roundId}`, { waitUntil: 'load' });
    await p3.page.locator(t('round-household')).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await p3.page.locator(t('round-tally')).count()).toBe(0);
    await rateOnPhone(p3.page, 'AA');
    expect(Number((await sql<{ n: number | string }>('SELECT COUNT(DISTINCT rater_id) AS n FROM credit_ratings WHERE round_id = ?', roundId))[0].n)).toBe(3);

    await p1.page.reload({ waitUntil: 'load' });
    const row = p1.page.locator(`${t('round-household')}[data-household-id="${householdId}"]`);
    await until('flagged', () => row.getAttribute('data-flagged'), '1');
    await row.locator(t('resolve-AA')).click();
    await row.locator(`${t('resolve-note')} textarea, ${t('resolve-note')} input`).fill('讨论：按时还贷、获表彰，评为AA');
    await row.locator(t('resolve-submit')).click();
    await row.locator(t('round-result')).waitFor({ timeout: UI_TIMEOUT });
    await row.scrollIntoViewIfNeeded();
    await shot(p1.page, '04-round-discussed-360', false);
    await p1.page.locator(t('round-post')).click();
    await until('posted', () => p1.page.locator(t('round-status')).getAttribute('data-status'), 'posted');
  });

  step('after the objection window the result is fixed; the township draws its sample (desktop)', async () => {
    await server.restart({ clockOffsetMs: 8 * DAY });
    const c1 = new ApiClient(server.url);
    await c1.login(COMMITTEE1.username, COMMITTEE1.password);
    const fixed = await c1.post<{ round: { status: string } }>(`/api/credit/rounds/${roundId}/fix`);
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body.round.status).toBe('fixed');

    const { page } = await person(DESKTOP);
    await staffLogin(page, server.url, { username: 'township', password: 'cunxin-town' });
    await page.goto(`${server.url}/credit/township`, { waitUntil: 'load' });
    await page.locator(t('kind-row')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '05-township-kinds-1280', false);
    await page.getByRole('tab', { name: '评级规则' }).click();
    await page.locator(t('rules-table')).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '06-township-rules-1280', false);
    await page.getByRole('tab', { name: '信易+ 措施' }).click();
    await page.locator(t('perk-row')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '07-township-perks-1280', false);
    await page.goto(`${server.url}/credit/rounds/${roundId}`, { waitUntil: 'load' });
    await page.locator(t('round-draw-sample')).click();
    await page.locator(t('round-sample')).first().waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('round-sample')).first().scrollIntoViewIfNeeded();
    await shot(page, '08-township-sample-1280', false);
  });

  step('the resident sees the grade, its explanation record by record, and the perks it qualifies for', async () => {
    const { page } = await person();
    await page.goto(server.url + '/', { waitUntil: 'load' });
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).fill(RESIDENT.phone);
    await page.locator(t('resident-pin')).fill(RESIDENT.pin);
    await page.locator(t('resident-submit')).click();
    await page.locator(t('resident-submit')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.goto(`${server.url}/my/credit`, { waitUntil: 'load' });
    const grade = page.locator(t('credit-grade'));
    await grade.waitFor({ timeout: UI_TIMEOUT });
    expect(await grade.getAttribute('data-grade')).toBe('AA');
    expect(await page.locator(t('credit-because')).textContent()).toMatch(/^AA，因为：正面记录得分 5 分；评定结果 AA；无计入的负面记录$/);
    expect(await page.locator(t('credit-next')).textContent()).toContain('要达到 AAA');
    const lines = await page.locator(t('credit-line')).allTextContents();
    expect(lines.some((l) => l.includes('贷款按时还款（农商结清〔2026〕88号）：+2 分'))).toBe(true);
    expect(lines.some((l) => l.includes('荣誉表彰（青政字〔2026〕3号）：+3 分'))).toBe(true);
    expect(lines.at(-1)).toContain('信用户评定');
    const perks = await page.locator(t('credit-perk')).allTextContents();
    expect(perks.some((p) => p.includes('住院押金减免'))).toBe(true);
    expect(perks.some((p) => p.includes('信用贷款'))).toBe(false);
    expect(await page.locator('body').textContent()).not.toContain('失信');
    await shot(page, '09-resident-credit-360', false);
    await shot(page, '10-resident-credit-360-full');
    // The same explanation in English (codes and parameters from shared/domain, rendered on the phone).
    await page.locator(t('lang-switch')).click();
    await until('English explanation', async () => (await page.locator(t('credit-because')).textContent())?.trim(), 'AA because: positive records score 5 points; evaluation result AA; no negative record counts');
    const enLines = await page.locator(t('credit-line')).allTextContents();
    expect(enLines.some((l) => /Loan repaid on time \(农商结清〔2026〕88号\): \+2 points/.test(l))).toBe(true);
    await shot(page, '11-resident-credit-360-en', false);
    await page.locator(t('lang-switch')).click();
    await until('Chinese again', async () => (await page.locator(t('credit-because')).textContent())?.startsWith('AA，因为：'), true);
  });

  step('the resident objects to a record and requests the repair of a negative one, on the phone; the committee handles the repair', async () => {
    // An administrative penalty of last year, its fine paid since: entered and approved at the office.
    const c1 = new ApiClient(server.url);
    await c1.login(COMMITTEE1.username, COMMITTEE1.password);
    const penalty = await c1.post<{ record: { id: string } }>(`/api/credit/villages/${villageId}/records`, {
      householdId, personId: null, kind: 'admin_penalty', source: 'township', occurredOn: '2025-06-01', documentNo: '平综执罚决字〔2025〕7号', issuer: '平度市综合行政执法局', note: '占道堆放，罚款已缴清',
    });
    expect(penalty.status, JSON.stringify(penalty.body)).toBe(201);
    const c2 = new ApiClient(server.url);
    await c2.login(COMMITTEE2.username, COMMITTEE2.password);
    expect((await c2.post(`/api/credit/records/${penalty.body.record.id}/decisions`, { decision: 'approve', reason: '' })).status).toBe(200);

    const { page } = people.at(-1)!;
    await page.reload({ waitUntil: 'load' });
    await until('grade A with the penalty', () => page.locator(t('credit-grade')).getAttribute('data-grade'), 'A');
    const neg = page.locator(t('credit-record'), { hasText: '平综执罚决字〔2025〕7号' });
    await neg.locator(t('credit-repair')).click();
    await page.locator(`${t('credit-grounds')} textarea`).fill('罚款已于2025年7月缴清，附缴款凭证');
    await shot(page, '12-resident-repair-request-360', false);
    await page.locator(t('credit-send')).click();
    await until('repair pending', async () => (await page.locator(t('credit-request')).allTextContents()).some((x) => x.includes('信用修复申请')), true);

    const loan = page.locator(t('credit-record'), { hasText: '农商结清〔2026〕88号' });
    await loan.locator(t('credit-object')).click();
    await page.locator(`${t('credit-grounds')} textarea`).fill('还款日期记错了，应为11月');
    await page.locator(t('credit-send')).click();
    await until('objection pending', async () => (await page.locator(t('credit-request')).allTextContents()).some((x) => x.includes('对信用信息的异议')), true);
    expect(await loan.locator(t('credit-object')).isDisabled()).toBe(true);
    const requests = (await sql<{ kind: string; status: string }>('SELECT kind, status FROM credit_requests WHERE household_id = ? ORDER BY created_at', householdId));
    expect(requests).toEqual([{ kind: 'repair', status: 'pending' }, { kind: 'record_objection', status: 'pending' }]);
    await page.locator(t('credit-request')).first().scrollIntoViewIfNeeded();
    await shot(page, '13-resident-requests-360', false);

    // The committee grants the repair: the penalty stops counting, the grade is AA again.
    const pending = await getOk<{ requests: { id: string; kind: string; status: string }[] }>(c1, `/api/credit/villages/${villageId}/requests`);
    const repair = pending.requests.find((r) => r.kind === 'repair' && r.status === 'pending')!;
    expect((await c1.post(`/api/credit/villages/${villageId}/requests/${repair.id}/decisions`, { decision: 'uphold', resolution: '核实缴款凭证，同意修复' })).status).toBe(200);
    await page.reload({ waitUntil: 'load' });
    await until('grade AA after repair', () => page.locator(t('credit-grade')).getAttribute('data-grade'), 'AA');
    expect((await page.locator(t('credit-line')).allTextContents()).some((l) => l.includes('完成信用修复，不再计入'))).toBe(true);
  });
});
