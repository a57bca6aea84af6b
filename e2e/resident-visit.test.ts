// A resident's visit (issue 9), against the real server and the built PWA in Chromium at 360×640:
// the village admin prints the household QR slips (PDF → PNG, every QR code decoded back to its
// slip's link); the resident scans one, answers the consent, reads the page with its explanations
// (and sees it offline, dated), files an objection that the committee later resolves, asks for a
// correction, requests a redemption in the points shop and sees it reserved, reads its credit and
// consent screens, logs out and leaves nothing in the browser (IndexedDB, Cache Storage, localStorage, cookies inspected); the
// revoked slip is refused with a clear message. axe-core on every resident screen; Lighthouse
// (mobile) accessibility on the household page.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import jsQR from 'jsqr';
import { uuidv7 } from 'uuidv7';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { cacheStorage, idbCounts, staffLogin, until } from './support/sync-helpers';
import { goOffline, goOnline, launchPerson, t, waitForServiceWorker, type Person } from './support/browser';
import { lighthouseScores, seriousViolations, type AxeFinding } from './support/audits';
import { story } from './support/steps';

const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
const PHONE_360 = { width: 360, height: 640 };
const SHOTS = '/tmp/shots/residents';
const UI_TIMEOUT = 20_000;
const SHOP_PRICE = 5;

let server: TestServer;
let committeeApi: ApiClient;
let villageId = '';
let householdId = '';
let slipUrl = '';
let slipId = '';
let itemId = '';
const people: Person[] = [];
const findings: Record<string, AxeFinding[]> = {};

async function shot(page: Page, name: string, fullPage = false) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

const { step } = story({ people: () => people, server: () => server, shot: (page, name) => shot(page, name, true), timeout: 120_000, serverLines: 20 });

/** Every QR code of an A4 page of slips (2 × 4 slips of 95 × 67 mm inside 10 mm margins). */
function decodeSlips(file: string): string[] {
  const png = PNG.sync.read(readFileSync(file));
  const mm = png.width / 210;
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const x0 = Math.round((10 + (i % 2) * 95) * mm);
    const y0 = Math.round((10 + Math.floor(i / 2) * 67) * mm);
    const w = Math.round(95 * mm);
    const h = Math.round(67 * mm);
    if (y0 + h > png.height) break;
    const crop = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) {
      const from = ((y0 + y) * png.width + x0) * 4;
      crop.set(png.data.subarray(from, from + w * 4), y * w * 4);
    }
    const code = jsQR(crop, w, h);
    if (code) out.push(code.data);
  }
  return out;
}

describe('a resident\'s visit: QR slip, consent, explanations, objection, logout leaving nothing, revoked slip', () => {
  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    committeeApi = new ApiClient(server.url);
    await committeeApi.login(COMMITTEE.username, COMMITTEE.password);
    const { villages } = await getOk<{ villages: { id: string }[] }>(committeeApi, '/api/villages');
    villageId = villages[0].id;
    // A household with an entry waiting for review: approved by two members, then put on notice,
    // so that the resident has something to object to. Its QR slip is the one the resident scans.
    const { entries } = await getOk<{ entries: { id: string; householdId: string; points: number; recorderId: string }[] }>(committeeApi, `/api/review/queue?villageId=${villageId}`);
    // A household that has not answered consent yet (the demo's households mostly have) and has
    // redeemable points to spend in the shop.
    const positive = entries.filter((x) => x.points > 0);
    const answered = await Promise.all(positive.map((e) => getOk<{ answered: boolean }>(committeeApi, `/api/households/${e.householdId}/consents`).then((c) => c.answered)));
    let own: (typeof entries)[number] | undefined;
    for (const e of positive.filter((_, i) => !answered[i])) {
      const points = await getOk<{ balance: { available: number } }>(committeeApi, `/api/households/${e.householdId}/points`);
      if (points.balance.available >= SHOP_PRICE) { own = e; break; }
    }
    if (!own) throw new Error('no household in the review queue without consent and with redeemable points');
    householdId = own.householdId;
    const other = new ApiClient(server.url);
    await other.login('committee2', 'cunxin-review');
    for (const api of [committeeApi, other]) await api.post(`/api/review/entries/${own.id}/decisions`, { decision: 'approve', reason: '' });
    const published = await committeeApi.post(`/api/villages/${villageId}/notices`, { days: 7 });
    expect([201, 200, 409]).toContain(published.status);
  }, 300_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
  });

  step('the village admin prints an A4 sheet of household QR slips; every code reads back to its slip\'s link', async () => {
    const committee = await launchPerson({ viewport: PHONE_360 });
    people.push(committee);
    const page = committee.page;
    await staffLogin(page, server.url, COMMITTEE);
    await page.goto(`${server.url}/villages/${villageId}/resident-access`, { waitUntil: 'load' });
    const rows = page.locator(t('slip-household'));
    await rows.first().waitFor({ timeout: UI_TIMEOUT });
    // The resident's household and the next seven: one full sheet.
    await page.locator(`${t('slip-household')}[data-household-id="${householdId}"] ${t('slip-select')}`).click();
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-household-id')));
    for (const id of ids.filter((x) => x !== householdId).slice(0, 7)) await page.locator(`${t('slip-household')}[data-household-id="${id}"] ${t('slip-select')}`).click();
    await shot(page, '01-admin-select');
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/villages/${villageId}/qr-slips`) && r.request().method() === 'POST');
    await page.locator(t('issue-slips')).click();
    const { slips } = await (await answer).json() as { slips: { slipId: string; householdId: string; path: string }[] };
    expect(slips).toHaveLength(8);
    const mine = slips.find((s) => s.householdId === householdId)!;
    slipUrl = server.url + mine.path;
    slipId = mine.slipId;
    await page.locator(t('qr-slip')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '02-admin-sheet-screen', true);

    const pdf = path.join(SHOTS, 'slips.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    execFileSync('pdftoppm', ['-png', '-r', '150', pdf, path.join(SHOTS, 'slips')]);
    const pages = readdirSync(SHOTS).filter((f) => f.startsWith('slips-') && f.endsWith('.png')).sort();
    expect(pages).toHaveLength(1);
    const decoded = decodeSlips(path.join(SHOTS, pages[0]));
    expect(decoded.sort()).toEqual(slips.map((s) => server.url + s.path).sort());
    // The token travels in the fragment only: no server log line carries it.
    expect(server.output()).not.toContain(mine.path.slice(3));
  });

  step('the resident scans the slip, is asked for consent per purpose, and answers it', async () => {
    const resident = await launchPerson({ viewport: PHONE_360 });
    people.push(resident);
    const page = resident.page;
    await page.goto(slipUrl, { waitUntil: 'load' });
    await page.waitForURL(/\/me$/, { timeout: UI_TIMEOUT });
    expect(page.url()).not.toContain('#');
    await page.locator(t('consent-first')).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '03-consent');
    findings.consent = await seriousViolations(page);
    for (const p of ['moral_points', 'credit_records', 'public_boards']) await page.locator(t(`consent-${p}-yes`)).check();
    await page.locator(t('consent-bank_sharing-no')).check();
    if (await page.locator(t('consent-guardian')).count()) await page.locator(t('consent-guardian')).check();
    await shot(page, '04-consent-answered', true);
    await page.locator(t('consent-save')).click();
    await page.locator(t('consent-first')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const consents = await getOk<{ consents: Record<string, boolean> }>(committeeApi, `/api/households/${householdId}/consents`);
    expect(consents.consents).toEqual({ moral_points: true, credit_records: true, bank_sharing: false, public_boards: true });
  });

  step('the household page explains the standing entry by entry, shows notice deadlines and masked members, and works offline', async () => {
    const page = people[1].page;
    await page.locator(t('explain-line')).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('to-raise')).locator('li').count()).toBeGreaterThan(0);
    await page.locator(t('resident-rank')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('notice-entry')).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('notice-entry')).first().textContent()).toMatch(/请在 \d{4}-\d{2}-\d{2} 前提出/);
    const members = await page.locator(t('members')).textContent();
    expect(members).not.toMatch(/1\d{10}/);
    if (await page.locator(t('member-phone')).count()) expect(await page.locator(t('member-phone')).first().textContent()).toMatch(/\d{3}\*{4}\d{4}/);
    // ID numbers as 370283********1234 (the demo gives every adult one), never 18 digits in clear.
    expect(await page.locator(t('member-id')).count()).toBeGreaterThan(0);
    for (const text of await page.locator(t('member-id')).allInnerTexts()) expect(text).toMatch(/\d{6}\*{8}\d{3}[\dX]$/);
    expect(members).not.toMatch(/\d{17}[\dX]/);
    await shot(page, '05-page-top');
    await shot(page, '06-page-full', true);
    findings.household = await seriousViolations(page);
    const fontSize = () => page.locator(t('explain-line')).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const normal = await fontSize();
    await page.locator(t('large-text')).click();
    expect(await page.locator(t('large-text')).getAttribute('aria-pressed')).toBe('true');
    expect(await fontSize()).toBeGreaterThanOrEqual(normal * 1.2);
    await shot(page, '07-page-large');
    findings.householdLarge = await seriousViolations(page);
    await page.locator(t('large-text')).click();

    await waitForServiceWorker(page);
    await goOffline(page.context());
    await page.reload({ waitUntil: 'load' });
    await page.locator(t('resident-cached')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('resident-cached')).textContent()).toMatch(/\d{4}-\d{2}-\d{2}/);
    await shot(page, '08-offline');
    await goOnline(page.context());
    await page.reload({ waitUntil: 'load' });
    await page.locator(t('explain-line')).first().waitFor({ timeout: UI_TIMEOUT });
  });

  step('the resident objects to an entry in public notice; the committee resolves it; the resident sees the answer', async () => {
    const page = people[1].page;
    await page.locator(t('object-entry')).first().click();
    await page.locator(t('objection-sheet')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('objection-grounds')} textarea`).fill('这天我家没有参加这项活动，请核实');
    await shot(page, '09-objection');
    findings.objection = await seriousViolations(page);
    await page.locator(t('objection-submit')).click();
    await until('objection listed', () => page.locator(t('my-objection')).first().getAttribute('data-status'), 'pending');
    await shot(page, '10-objection-filed');

    const { objections } = await getOk<{ objections: { id: string; householdId: string }[] }>(committeeApi, `/api/villages/${villageId}/objections?status=pending`);
    const objection = objections.find((o) => o.householdId === householdId)!;
    const resolved = await committeeApi.post(`/api/objections/${objection.id}/resolution`, { resolution: 'dismissed', reason: '经核实，当天签到表有本户记录' });
    expect(resolved.status).toBe(200);
    await page.reload({ waitUntil: 'load' });
    await until('objection answered', () => page.locator(t('my-objection')).first().getAttribute('data-status'), 'dismissed');
    await page.locator(t('my-objection')).first().scrollIntoViewIfNeeded();
    await shot(page, '11-objection-resolved');
  });

  step('a correction request reaches the village admin\'s queue', async () => {
    const page = people[1].page;
    await page.locator(t('ask-correction')).click();
    await page.locator(t('correction-form')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('correction-field')).selectOption('idNumber');
    await page.locator(t('correction-id-hint')).waitFor();
    await page.locator(`${t('correction-note')} textarea`).fill('身份证号末位好像不对');
    await shot(page, '12-correction');
    findings.correction = await seriousViolations(page);
    await page.locator(t('correction-submit')).click();
    await page.locator(t('my-correction')).first().waitFor({ timeout: UI_TIMEOUT });
    const queue = await getOk<{ corrections: { householdId: string }[] }>(committeeApi, `/api/villages/${villageId}/corrections?status=pending`);
    expect(queue.corrections.some((c) => c.householdId === householdId)).toBe(true);
  });

  step('the resident requests a redemption in the points shop and sees it reserved; credit and consent screens explain themselves', async () => {
    // The village shop has an item the household can afford, with stock.
    const created = await committeeApi.post<{ id: string }>(`/api/villages/${villageId}/shop/items`, { name: '香皂 2块', pointsPrice: SHOP_PRICE });
    expect(created.status).toBe(201);
    itemId = created.body.id;
    expect((await committeeApi.post(`/api/villages/${villageId}/shop/stock`, { idempotencyKey: uuidv7(), itemId, direction: 'receive', quantity: 4 })).status).toBe(201);

    const page = people[1].page;
    await page.locator(t('link-points')).click();
    await page.waitForURL(/\/my\/points$/, { timeout: UI_TIMEOUT });
    const item = page.locator(`${t('points-item')}[data-item-id="${itemId}"]`);
    await item.waitFor({ timeout: UI_TIMEOUT });
    const before = Number(await page.locator(t('points-available')).innerText());
    expect(before).toBeGreaterThanOrEqual(SHOP_PRICE);
    await shot(page, '13-points-shop');
    findings.points = await seriousViolations(page);
    await item.locator(t('points-redeem')).click();
    await page.locator('.van-dialog__confirm').click();
    // The confirm dialog fades out: the screen judged below is the list, not the dialog's last frames.
    await page.locator('.van-dialog').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await until('reserved on screen', () => page.locator(t('points-redemption')).first().getAttribute('data-status'), 'reserved');
    await until('balance reduced', async () => Number(await page.locator(t('points-available')).innerText()), before - SHOP_PRICE);
    expect(await page.locator(t('points-redemption')).first().innerText()).toContain('香皂 2块');
    await page.locator(t('points-redemption')).first().scrollIntoViewIfNeeded();
    await shot(page, '14-redemption-reserved');
    findings.reserved = await seriousViolations(page);
    // The clerk's side sees the request waiting to be handed over.
    const open = await getOk<{ redemptions: { householdId: string; status: string; itemId: string }[] }>(committeeApi, `/api/villages/${villageId}/shop/redemptions`);
    expect(open.redemptions.some((r) => r.householdId === householdId && r.itemId === itemId && r.status === 'reserved')).toBe(true);

    // 我的信用: the records, grade and perks; bank sharing was refused, and the screen says what that hides.
    await page.goto(`${server.url}/my/credit`, { waitUntil: 'load' });
    await page.locator(t('credit-grade')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('consent-note-bank_sharing')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('consent-note-bank_sharing')).innerText()).toContain('银行');
    await shot(page, '15-my-credit', true);
    findings.credit = await seriousViolations(page);
    // 信息使用授权: the answers and their history.
    await page.goto(`${server.url}/my/consent`, { waitUntil: 'load' });
    await page.locator(t('consent-form')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`${t('consent-history')} summary`).click();
    await shot(page, '16-my-consent', true);
    findings.consentChange = await seriousViolations(page);
    await page.goto(`${server.url}/me`, { waitUntil: 'load' });
    await page.locator(t('explain-line')).first().waitFor({ timeout: UI_TIMEOUT });
  });

  step('logging out leaves nothing of the household in the browser', async () => {
    const page = people[1].page;
    await page.locator(t('logout')).click();
    await page.waitForURL(/\/login/, { timeout: UI_TIMEOUT });
    const stores = await page.evaluate(() => new Promise<string[]>((resolve) => {
      const req = indexedDB.open('cunxin');
      req.onsuccess = () => { const names = [...req.result.objectStoreNames]; req.result.close(); resolve(names); };
    }));
    const counts = await idbCounts(page, stores.filter((s) => s !== 'meta'));
    expect(Object.entries(counts).filter(([, n]) => n > 0)).toEqual([]);
    const metaKeys = await page.evaluate(() => new Promise<string[]>((resolve) => {
      const req = indexedDB.open('cunxin');
      req.onsuccess = () => {
        const all = req.result.transaction('meta', 'readonly').objectStore('meta').getAllKeys();
        all.onsuccess = () => { req.result.close(); resolve(all.result.map(String)); };
      };
    }));
    expect(metaKeys.filter((k) => !['deviceId', 'deviceSeq'].includes(k))).toEqual([]);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(databases.filter((d) => d !== 'cunxin' && d !== 'cunxin-evidence')).toEqual([]);
    const cache = await cacheStorage(page);
    expect(cache.names.filter((n) => !n.startsWith('workbox-precache'))).toEqual([]);
    expect(cache.urls.filter((u) => u.includes('/api/'))).toEqual([]);
    const local = await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) }));
    expect(local.local.filter((k) => !['cunxin:lastLoginTab', 'cunxin.locale', 'cunxin.installDismissedAt'].includes(k))).toEqual([]);
    expect(local.session).toEqual([]);
    expect(await page.context().cookies()).toEqual([]);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toContain('积分明细');
    // The login screen a resident lands on (phone + PIN).
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).waitFor({ timeout: UI_TIMEOUT });
    findings.login = await seriousViolations(page);
    await shot(page, '17-after-logout');
  });

  step('the revoked slip is refused with a clear message', async () => {
    expect((await committeeApi.post(`/api/households/${householdId}/qr-slips/${slipId}/revoke`, {})).status).toBe(200);
    const page = people[1].page;
    await page.goto(slipUrl, { waitUntil: 'load' });
    await page.locator(t('qr-error')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('qr-error')).textContent()).toContain('这张二维码已作废');
    await shot(page, '18-revoked');
    findings.revoked = await seriousViolations(page);
  });

  step('axe-core finds no serious or critical violation on the resident screens', async () => {
    expect(findings).toEqual({
      consent: [], household: [], householdLarge: [], objection: [], correction: [], points: [], reserved: [], credit: [], consentChange: [], login: [], revoked: [],
    });
  });

  step('Lighthouse (mobile) accessibility of the household page is at least 95', async () => {
    const { slips } = (await committeeApi.post<{ slips: { path: string }[] }>(`/api/villages/${villageId}/qr-slips`, { householdIds: [householdId] })).body;
    const [score] = await lighthouseScores(server.url, ['/me'], async (page) => {
      await page.goto(server.url + slips[0].path, { waitUntil: 'load' });
      await page.waitForURL(/\/me$/, { timeout: UI_TIMEOUT });
      await page.locator(t('explain-line')).first().waitFor({ timeout: UI_TIMEOUT });
    });
    console.log(`lighthouse /me: accessibility ${score.accessibility}, performance ${score.performance}, best practices ${score.bestPractices}; below 0.9: ${score.failing.join(', ') || 'none'}`);
    expect(score.accessibility).toBeGreaterThanOrEqual(95);
  }, 240_000);
});
