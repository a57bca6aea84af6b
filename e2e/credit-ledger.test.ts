// The credit ledger end to end (issue 7), against the real server and the built PWA in Chromium:
// a collector records a credit record on a phone while offline, it syncs, and the committee
// approves it at the office; three committee members rate the village back to back (two on their
// phones, the village admin through the API), the disagreement is discussed, the result posted and
// — after the objection window (server clock moved on) — fixed; the resident then sees the
// household's grade, its explanation record by record, and the perks it qualifies for.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { DESKTOP, goOffline, goOnline, launchPerson, t, waitForServiceWorker, type Person } from './support/browser';
import { idbAll, serverSql, staffLogin, until, SYNC_TIMEOUT, UI_TIMEOUT } from './support/sync-helpers';

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
let failed = '';

async function shot(page: Page, name: string, fullPage = true) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

function step(name: string, fn: () => Promise<void>, timeout = 180_000) {
  it(name, async () => {
    if (failed) throw new Error(`not reached: "${failed}" failed`);
    try {
      await fn();
    } catch (err) {
      failed = name;
      for (const [i, p] of people.entries()) for (const [j, pg] of p.context.pages().entries()) await shot(pg, `FAILED-${i}-${j}`, false).catch(() => undefined);
      if (err instanceof Error) err.message += `\n\nBrowser:\n${people.flatMap((p) => p.problems.slice(-8)).join('\n')}\n\nServer:\n${server?.output().split('\n').slice(-20).join('\n')}`;
      throw err;
    }
  }, timeout);
}

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

describe('credit ledger: phone record, office review, evaluation round, the resident\'s grade', () => {
  beforeAll(async () => {
    server = await startServer();
    const resident = new ApiClient(server.url);
    const me = await resident.residentLogin(RESIDENT.phone, RESIDENT.pin);
    householdId = me.householdId!;
    villageId = (await getOk<{ household: { villageId: string } }>(resident, `/api/households/${householdId}`)).household.villageId;
  }, 120_000);

  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
  });

  step('a collector records a credit record offline on a phone; it syncs when back online', async () => {
    const { page, context } = await person();
    await staffLogin(page, server.url, COLLECTOR);
    await waitForServiceWorker(page);
    await page.goto(`${server.url}/households/${householdId}`, { waitUntil: 'load' });
    await until('village on the phone', async () => (await idbAll(page, 'households')).length > 0, true, SYNC_TIMEOUT);
    await goOffline(context);
    await page.locator(t('new-credit')).click();
    await page.locator(`${t('credit-kind')}[data-kind="loan_repaid"]`).click();
    await page.locator(t('credit-note')).fill('e2e 农商行小额贷款按期还清');
    await shot(page, '01-collector-credit-form-offline');
    await page.locator(t('credit-save')).click();
    await page.locator(`${t('credit-record')}[data-state="queued"]`).first().waitFor({ timeout: UI_TIMEOUT });
    await goOnline(context);
    await until('record on the server', async () => serverSql<{ id: string }>(server, "SELECT id FROM credit_records WHERE note = ? AND state = 'submitted'", 'e2e 农商行小额贷款按期还清').length, 1, SYNC_TIMEOUT);
    recordId = serverSql<{ id: string }>(server, 'SELECT id FROM credit_records WHERE note = ?', 'e2e 农商行小额贷款按期还清')[0].id;
  });

  step('the committee approves it at the office (desktop); a second record is entered there and approved by another member', async () => {
    const { page } = await person(DESKTOP);
    await staffLogin(page, server.url, COMMITTEE1);
    await page.goto(`${server.url}/credit/review`, { waitUntil: 'load' });
    const item = page.locator(`${t('credit-review-item')}[data-record-id="${recordId}"]`);
    await item.waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '02-office-review-1280');
    await item.locator(t('credit-approve')).click();
    await item.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(serverSql<{ state: string }>(server, 'SELECT state FROM credit_records WHERE id = ?', recordId)[0].state).toBe('approved');
    // An honour from the township, entered at the office by committee1 and approved by committee2 (never one's own).
    const c1 = new ApiClient(server.url);
    await c1.login(COMMITTEE1.username, COMMITTEE1.password);
    const honour = await c1.post<{ record: { id: string } }>(`/api/credit/villages/${villageId}/records`, {
      householdId, personId: null, kind: 'honour', source: 'township', occurredOn: '2026-01-10', documentNo: '青政字〔2026〕3号', issuer: '', note: '文明家庭',
    });
    expect(honour.status).toBe(201);
    const c2 = new ApiClient(server.url);
    await c2.login(COMMITTEE2.username, COMMITTEE2.password);
    expect((await c2.post(`/api/credit/records/${honour.body.record.id}/decisions`, { decision: 'approve', reason: '' })).status).toBe(200);
  });

  step('three committee members rate back to back; the disagreement is discussed; the result is posted', async () => {
    const p1 = await person();
    await staffLogin(p1.page, server.url, COMMITTEE1);
    await p1.page.goto(`${server.url}/credit/review`, { waitUntil: 'load' });
    await p1.page.locator(t('credit-new-round')).click();
    await p1.page.locator(t('credit-round-link')).first().click();
    await p1.page.locator(t('round-household')).first().waitFor({ timeout: UI_TIMEOUT });
    roundId = p1.page.url().split('/').at(-1)!;
    await shot(p1.page, '03-round-sheet-360', false);
    await rateOnPhone(p1.page, 'AAA');

    const p2 = await person();
    await staffLogin(p2.page, server.url, COMMITTEE2);
    await p2.page.goto(`${server.url}/credit/rounds/${roundId}`, { waitUntil: 'load' });
    await p2.page.locator(t('round-household')).first().waitFor({ timeout: UI_TIMEOUT });
    // Back to back: nothing of committee1's ratings before committee2's own sheet is in.
    expect(await p2.page.locator(t('round-tally')).count()).toBe(0);
    await rateOnPhone(p2.page, 'AA');

    const admin = new ApiClient(server.url);
    await admin.login('admin', 'cunxin-admin');
    const sheet = await getOk<{ households: { id: string }[] }>(admin, `/api/credit/rounds/${roundId}`);
    const third = await admin.post(`/api/credit/rounds/${roundId}/ratings`, { ratings: sheet.households.map((h) => ({ householdId: h.id, grade: h.id === householdId ? 'AA' : 'A', unknownReason: null })) });
    expect(third.status).toBe(200);

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
    expect(lines.some((l) => l.includes('贷款按时还款：+2 分'))).toBe(true);
    expect(lines.some((l) => l.includes('荣誉表彰（青政字〔2026〕3号）：+3 分'))).toBe(true);
    expect(lines.at(-1)).toContain('信用户评定');
    const perks = await page.locator(t('credit-perk')).allTextContents();
    expect(perks.some((p) => p.includes('住院押金减免'))).toBe(true);
    expect(perks.some((p) => p.includes('信用贷款'))).toBe(false);
    expect(await page.locator('body').textContent()).not.toContain('失信');
    await shot(page, '09-resident-credit-360', false);
    await shot(page, '10-resident-credit-360-full');
  });
});
