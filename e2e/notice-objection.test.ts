// Public notice and objections end to end (issue 12), against the real server and the built PWA in
// Chromium: a committee member sees how many entries go on notice before confirming, opens the
// notice, prints the A4 sheet (PDF → PNG, the QR code decoded from the picture leads to this
// notice's objection page); a villager without a login files an objection through that link and
// follows it with the receipt; the committee upholds it; a week later (server clock moved past
// the window) the other entries are effective and the household's standing changed by exactly them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { ApiClient, getOk as getOnce, startServer, type TestServer } from './support/server';
import { until } from './support/sync-helpers';
import { PHONE, launchPerson, resultsDir, screenshot, t, type Person } from './support/browser';
import { story } from './support/steps';

const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
const RESIDENT = { phone: '13800000001', pin: '123456' };
const UI_TIMEOUT = 20_000;

interface Village { id: string; name: string }
interface Entry { id: string; points: number; state: string }
interface HouseholdDetail { household: { id: string; villageId: string }; entries: Entry[]; standing: { standing: number } }
interface NoticeDetail {
  notice: { id: string; endsAt: string; entryCount: number };
  households: { householdId: string; householdNo: string; headName: string | null; entries: { entryId: string; points: number }[] }[];
  objectionPath: string;
}

let server: TestServer;

/** GET that must answer 200, tried again once when a kept-alive socket was closed under it (idempotent). */
async function getOk<T>(api: ApiClient, p: string): Promise<T> {
  try {
    return await getOnce<T>(api, p);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err; // fetch failed: socket closed by the server's keep-alive timeout
    return getOnce<T>(api, p);
  }
}
const people: Person[] = [];
let committeeApi: ApiClient;
let residentApi: ApiClient;
let villageId = '';
let householdId = '';
let waiting = 0;
let notice: NoticeDetail;
let objectedEntry = '';
let targetBefore: HouseholdDetail;
let targetHousehold = '';
let receiptUrl = '';

const { step } = story({ people: () => people, server: () => server, prefix: 'notice' });

async function staffLogin(person: Person, user: { username: string; password: string }): Promise<void> {
  const page = person.page;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.locator(t('login-username')).fill(user.username);
  await page.locator(t('login-password')).fill(user.password);
  await page.locator(t('login-submit')).click();
  await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

describe('public notice, printed sheet, objection through the QR link, settlement', () => {
  beforeAll(async () => {
    server = await startServer();
    committeeApi = new ApiClient(server.url);
    await committeeApi.login(COMMITTEE.username, COMMITTEE.password);
    const { villages } = await getOk<{ villages: Village[] }>(committeeApi, '/api/villages');
    villageId = villages[0].id;
    residentApi = new ApiClient(server.url);
    const me = await residentApi.residentLogin(RESIDENT.phone, RESIDENT.pin);
    householdId = me.householdId!;
    // The demo leaves approved entries waiting; make sure the resident's household has one too.
    const { entries } = await getOk<{ entries: { id: string; householdId: string; points: number }[] }>(committeeApi, `/api/review/queue?villageId=${villageId}`);
    const own = entries.find((e) => e.householdId === householdId && e.points > 0);
    if (own) {
      const other = new ApiClient(server.url);
      await other.login('committee2', 'cunxin-review');
      for (const api of [committeeApi, other]) await api.post(`/api/review/entries/${own.id}/decisions`, { decision: 'approve', reason: '' });
    }
  }, 120_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
  });

  step('the notice screen says how many entries go on notice, before and in the confirm dialog', async () => {
    const preview = await getOk<{ entryCount: number; householdCount: number }>(committeeApi, `/api/villages/${villageId}/notices/preview?days=7`);
    expect(preview.entryCount).toBeGreaterThan(0);
    waiting = preview.entryCount;
    const committee = await launchPerson({ viewport: PHONE });
    people.push(committee);
    await staffLogin(committee, COMMITTEE);
    const page = committee.page;
    await page.goto(`${server.url}/notices?villageId=${villageId}`, { waitUntil: 'load' });
    await until('waiting count', () => page.locator(t('notice-waiting')).getAttribute('data-entries'), String(waiting));
    // The stepper goes up to 60 days, as the API allows.
    await page.locator(t('notice-days')).fill('60');
    await page.locator(t('notice-days')).blur();
    expect(await page.locator(t('notice-days')).inputValue()).toBe('60');
    await page.locator(t('notice-days')).fill('7');
    await page.locator(t('notice-days')).blur();
    await screenshot(page, 'notice-01-publish');
    await page.locator(t('publish-notice')).click();
    const dialog = page.locator('.van-dialog').filter({ visible: true }).first();
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.textContent()).toContain(`将公示 ${waiting} 条已审核记录（涉及 ${preview.householdCount} 户），公示 7 天`);
    await screenshot(page, 'notice-02-confirm');
    await page.locator('.van-dialog__confirm').filter({ visible: true }).first().click();
    await page.locator(t('notice-item')).first().waitFor({ timeout: UI_TIMEOUT });
  });

  step('tapping the notice opens its detail with households and entries', async () => {
    const page = people[0].page;
    const { notices } = await getOk<{ notices: { id: string; status: string }[] }>(committeeApi, `/api/villages/${villageId}/notices`);
    const newest = notices.find((n) => n.status === 'open')!;
    await page.locator(`${t('notice-item')}[data-notice-id="${newest.id}"]`).click();
    await page.waitForURL(`**/notices/${newest.id}`);
    await until('detail count', () => page.locator(t('notice-counts')).getAttribute('data-entries'), String(waiting));
    notice = await getOk<NoticeDetail>(committeeApi, `/api/notices/${newest.id}`);
    expect(notice.notice.entryCount).toBe(waiting);
    await page.waitForTimeout(300);
    await screenshot(page, 'notice-03-detail', { fullPage: true });
  });

  step('the A4 sheet prints to PDF; the QR code in the rendered PNG leads to this notice’s objection page', async () => {
    const page = people[0].page;
    await page.locator(t('print-sheet')).click();
    await page.waitForURL(`**/notices/${notice.notice.id}/sheet`);
    await page.locator(t('sheet-qr')).waitFor({ timeout: UI_TIMEOUT });
    const text = await page.locator(t('notice-sheet')).textContent();
    expect(text).toContain('道德积分公示');
    expect(text).toContain('如何提出异议');
    expect(text).not.toMatch(/\d{17}[\dX]/); // no ID numbers
    // Deduction rows carry no name (the village's default).
    for (const h of notice.households) if (h.entries.some((e) => e.points < 0)) expect(h.headName === null || h.entries.every((e) => e.points >= 0)).toBe(true);
    mkdirSync(resultsDir, { recursive: true });
    const pdf = path.join(resultsDir, 'notice-sheet.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    const prefix = path.join(resultsDir, 'notice-sheet');
    execFileSync('pdftoppm', ['-png', '-r', '150', pdf, prefix]);
    const pages = readdirSync(resultsDir).filter((f) => f.startsWith('notice-sheet-') && f.endsWith('.png')).sort();
    expect(pages.length).toBeGreaterThan(0);
    const png = PNG.sync.read(readFileSync(path.join(resultsDir, pages[0])));
    // A4 at 150 dpi is 1240 × 1754.
    expect(Math.abs(png.width - 1240)).toBeLessThan(5);
    expect(Math.abs(png.height - 1754)).toBeLessThan(5);
    const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(code, 'a QR code is readable on the printed page').not.toBeNull();
    expect(code!.data).toBe(new URL(notice.objectionPath, server.url).toString());
    expect(code!.data).toMatch(/\/o\/[A-Za-z0-9_-]{24}$/);
  });

  step('a villager without a login files an objection through the QR link and gets a receipt', async () => {
    // The resident's own household if it is on this notice, else the first with a positive entry
    // and more than one entry (so that something of it becomes effective besides the objected one).
    const target = notice.households.find((h) => h.householdId === householdId && h.entries.some((e) => e.points > 0))
      ?? notice.households.find((h) => h.entries.length > 1 && h.entries.some((e) => e.points > 0))
      ?? notice.households.find((h) => h.entries.some((e) => e.points > 0))!;
    targetHousehold = target.householdId;
    targetBefore = await getOk<HouseholdDetail>(committeeApi, `/api/households/${targetHousehold}`);
    objectedEntry = target.entries.find((e) => e.points > 0)!.entryId;
    const villager = await launchPerson({ viewport: { width: 360, height: 640 } });
    people.push(villager);
    const page = villager.page;
    await page.goto(new URL(notice.objectionPath, server.url).toString(), { waitUntil: 'load' });
    await page.locator(`${t('notice-entry')}[data-entry-id="${objectedEntry}"]`).waitFor({ timeout: UI_TIMEOUT });
    await screenshot(page, 'notice-04-objection-page');
    await page.locator(`${t('notice-entry')}[data-entry-id="${objectedEntry}"]`).click();
    await page.locator(`${t('objection-grounds')} textarea`).fill('这户那天不在村里，没有参加这项活动，请核实。');
    await page.locator(`${t('objection-name')} input`).fill('王秀兰');
    await screenshot(page, 'notice-05-objection-form');
    await page.locator(t('objection-submit')).click();
    await page.locator(t('objection-done')).waitFor({ timeout: UI_TIMEOUT });
    receiptUrl = (await page.locator(t('objection-receipt')).textContent())!.trim();
    expect(receiptUrl).toMatch(/\/o\/receipt\/[A-Za-z0-9_-]{24}$/);
    await screenshot(page, 'notice-06-objection-sent');
    await page.locator(t('objection-follow')).click();
    await until('receipt status', () => page.locator(t('receipt')).getAttribute('data-status'), 'pending');
    const states = await getOk<HouseholdDetail>(committeeApi, `/api/households/${target.householdId}`);
    expect(states.entries.find((e) => e.id === objectedEntry)?.state).toBe('objected');
  });

  step('the committee upholds it with a reason, and the villager sees the answer', async () => {
    const page = people[0].page;
    await page.goto(`${server.url}/objections?villageId=${villageId}`, { waitUntil: 'load' });
    const card = page.locator(t('objection-item')).first();
    await card.waitFor({ timeout: UI_TIMEOUT });
    await screenshot(page, 'notice-07-objections');
    await card.locator(t('resolve-objection')).click();
    await page.locator(t('resolution-upheld')).click();
    await page.locator(`${t('resolution-reason')} textarea`).fill('经核实，该户当天确实不在村，记录驳回。');
    await screenshot(page, 'notice-08-resolve');
    await page.locator(t('resolution-submit')).click();
    await page.locator(t('resolve-popup')).waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    const villager = people[1].page;
    await villager.goto(receiptUrl, { waitUntil: 'load' });
    await until('receipt status', () => villager.locator(t('receipt')).getAttribute('data-status'), 'upheld');
    expect(await villager.locator(t('receipt-reason')).textContent()).toContain('当天确实不在村');
    await screenshot(villager, 'notice-09-receipt');
  });

  step('after the window the other entries are effective and the household’s standing moved by exactly them', async () => {
    const offset = Date.parse(notice.notice.endsAt) - Date.now() + 60 * 60 * 1000;
    await server.restart({ clockOffsetMs: offset });
    const committee = new ApiClient(server.url);
    await committee.login(COMMITTEE.username, COMMITTEE.password);
    const after = await getOk<HouseholdDetail>(committee, `/api/households/${targetHousehold}`);
    const was = new Map(targetBefore.entries.map((e) => [e.id, e.state]));
    const becameEffective = after.entries.filter((e) => e.state === 'effective' && was.get(e.id) !== 'effective');
    const onThisNotice = new Set(notice.households.flatMap((h) => h.entries.map((e) => e.entryId)));
    for (const e of after.entries) if (onThisNotice.has(e.id) && e.id !== objectedEntry) expect(e.state).toBe('effective');
    expect(after.entries.find((e) => e.id === objectedEntry)?.state).toBe('rejected');
    // The standing moved by exactly the entries that became effective; the upheld one never counted.
    expect(after.standing.standing - targetBefore.standing.standing).toBe(becameEffective.reduce((s, e) => s + e.points, 0));
    const fromThisNotice = becameEffective.filter((e) => onThisNotice.has(e.id));
    expect(fromThisNotice.length).toBe(notice.households.filter((h) => h.householdId === targetHousehold).flatMap((h) => h.entries).length - 1);
    const detailAfter = await getOk<NoticeDetail & { notice: { status: string } }>(committee, `/api/notices/${notice.notice.id}`);
    expect(detailAfter.notice.status).toBe('closed');
    const own = await residentApi.residentLogin(RESIDENT.phone, RESIDENT.pin).then(() => getOk<HouseholdDetail>(residentApi, `/api/households/${householdId}`));

    const resident = await launchPerson({ viewport: PHONE });
    people.push(resident);
    const page = resident.page;
    await page.goto(server.url + '/', { waitUntil: 'load' });
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).fill(RESIDENT.phone);
    await page.locator(t('resident-pin')).fill(RESIDENT.pin);
    await page.locator(t('resident-submit')).click();
    await until('standing on screen', () => page.locator(t('resident-total')).getAttribute('data-standing'), String(own.standing.standing));
    await screenshot(page, 'notice-10-resident-after', { fullPage: true });
  });
});
