// The collector's field forms in Chromium at 360×640 (issue 13, field-entry), against the real
// server and the built PWA: entries offline with the cap and duplicate warnings shown while
// choosing, indicator search by pinyin initials, a draft through a reload and a tab crash, a credit
// record offline then synced, a refused entry fixed and resent, an app update offered mid-round and
// applied after the entry is saved, and axe on the forms (no serious or critical violation).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { publishNewAppVersion } from './support/app-update';
import { crashTab, goOffline, goOnline, launchPerson, screenshot, t, waitForServiceWorker, type Person } from './support/browser';
import {
  SYNC_TIMEOUT, UI_TIMEOUT, confirmLikelyDuplicate, idbAll, openStatus, serverEntriesByNote, serverSql, staffLogin, unsentOnScreen, until,
} from './support/sync-helpers';

const PHONE_360 = { width: 360, height: 640 };
const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
/** 孝老爱亲 +10, at most once a half-year per household: one entry reaches its cap. */
const CAPPED = 'D01';
/** 垃圾分类检查合格 +2, no cap, no evidence. */
const PLAIN = 'C02';

interface Village { id: string; name: string }
interface Household { id: string; villageId: string; headName: string }

let server: TestServer;
let restoreSw: (() => void) | null = null;
let person: Person;
let household: Household;
const run = Date.now().toString(36);
const note = (part: string) => `e2e ${run} ${part}`;

async function axeSeriousOrCritical(page: Page): Promise<string[]> {
  // A passing toast ("已保存") is Vant's unnamed popup; it is gone in two seconds: wait for it.
  await page.locator('.van-toast').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT }).catch(() => undefined);
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function openHousehold(page: Page): Promise<void> {
  await page.goto(`${server.url}/households/${household.id}`, { waitUntil: 'load' });
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

async function openEntryForm(page: Page): Promise<void> {
  await page.locator(t('new-entry')).first().click();
  await page.locator(t('indicator-search')).waitFor({ timeout: UI_TIMEOUT });
}

async function pick(page: Page, code: string): Promise<void> {
  await page.locator(`${t('indicator-item')}[data-code="${code}"]`).click();
  await page.locator(t('entry-preview')).waitFor({ timeout: UI_TIMEOUT });
}

async function save(page: Page): Promise<void> {
  await page.locator(t('entry-save')).click();
  await confirmLikelyDuplicate(page);
  await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
}

describe('field entry forms at 360×640', () => {
  beforeAll(async () => {
    server = await startServer();
    const api = new ApiClient(server.url);
    const me = await api.login(COLLECTOR.username, COLLECTOR.password);
    const { villages } = await getOk<{ villages: Village[] }>(api, '/api/villages');
    const village = villages.find((v) => me.villageIds.includes(v.id))!;
    const { households } = await getOk<{ households: Household[] }>(api, `/api/villages/${village.id}/households`);
    household = households[1];
    person = await launchPerson({ viewport: PHONE_360 });
    await staffLogin(person.page, server.url, COLLECTOR);
    await waitForServiceWorker(person.page);
    await openHousehold(person.page);
    // The first sync has brought the catalogue and the village's entries.
    await until('catalogue on the phone', async () => (await idbAll(person.page, 'indicators')).length > 0, true, SYNC_TIMEOUT);
  }, 120_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && person) {
      await screenshot(person.page, `FAILED-field-entry-${ctx.task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
      console.log(person.problems.slice(-10).join('\n'));
    }
  });

  afterAll(async () => {
    restoreSw?.();
    await person?.close();
    await server?.stop();
  });

  it('offline: search by pinyin initials, the cap and a likely duplicate shown while choosing, axe clean', async () => {
    const page = person.page;
    await goOffline(person.context);
    await openEntryForm(page);
    await page.locator(`${t('indicator-search')} input`).fill('xlaq');
    await page.locator(`${t('indicator-result')}[data-code="${CAPPED}"]`).waitFor({ timeout: UI_TIMEOUT });
    await screenshot(page, 'field-entry-01-search');
    await page.locator(`${t('indicator-result')}[data-code="${CAPPED}"]`).click();
    await page.locator(t('entry-cap')).waitFor({ timeout: UI_TIMEOUT });
    // The date is written the Chinese way, never 12/02/2026.
    expect(await page.locator(t('entry-date')).textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 星期./);
    if ((await page.locator(t('entry-cap')).getAttribute('data-reached')) === 'false') {
      await page.locator(t('entry-note')).fill(note('capped'));
      await save(page);
      await openEntryForm(page);
      await page.locator(`${t('indicator-recent')}[data-code="${CAPPED}"]`).click();
    }
    // Reached: said while choosing, before any save.
    await until('cap reached on the form', () => page.locator(t('entry-cap')).getAttribute('data-reached'), 'true');
    expect(await page.locator(t('entry-cap')).textContent()).toContain('已达上限');
    await screenshot(page, 'field-entry-02-cap-reached');
    await page.locator(t('entry-change-indicator')).click();

    // The same entry twice in a row: the second shows the duplicate warning while choosing.
    await pick(page, PLAIN);
    const before = Number(await page.locator(t('entry-effect')).getAttribute('data-after'));
    await page.locator(t('entry-note')).fill(note('plain 1'));
    await save(page);
    await openEntryForm(page);
    await pick(page, PLAIN);
    await page.locator(t('entry-duplicate')).waitFor({ timeout: UI_TIMEOUT });
    expect(Number(await page.locator(t('entry-duplicate')).getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator(t('entry-effect')).getAttribute('data-after'))).toBe(before);
    await screenshot(page, 'field-entry-03-duplicate');
    expect(await axeSeriousOrCritical(page)).toEqual([]);
    // The stepper never wraps at 360 px and its buttons are at least 44 px.
    await page.locator(t('entry-change-indicator')).click();
    await pick(page, 'D03'); // 调解邻里纠纷 +5…10: a range
    const minus = await page.locator(t('entry-points-minus')).boundingBox();
    const plus = await page.locator(t('entry-points-plus')).boundingBox();
    expect(minus!.height).toBeGreaterThanOrEqual(44);
    expect(Math.abs(minus!.y - plus!.y)).toBeLessThan(2);
    await page.locator(t('entry-points-plus')).click();
    expect(await page.locator(t('entry-points')).inputValue()).toBe('+6');
    await screenshot(page, 'field-entry-04-range');
    expect(await axeSeriousOrCritical(page)).toEqual([]);
    await page.locator(t('entry-draft-discard')).click();
    await page.locator('.van-dialog__confirm').filter({ visible: true }).first().click();
    await page.locator(t('indicator-search')).waitFor({ timeout: UI_TIMEOUT });
  }, 120_000);

  it('a draft comes back after a reload and after a tab crash; it is never sent until saved', async () => {
    let page = person.page;
    await pick(page, PLAIN);
    await page.locator(t('entry-note')).fill(note('draft'));
    await page.waitForTimeout(300);
    await page.reload({ waitUntil: 'load' });
    await page.locator(t('entry-note')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('entry-note')).inputValue()).toBe(note('draft'));
    expect(await page.locator(t('entry-draft-bar')).getAttribute('data-restored')).toBe('true');
    await screenshot(page, 'field-entry-05-draft-restored');

    await page.locator(t('entry-note')).fill(note('draft after crash'));
    await page.waitForTimeout(300);
    page = await crashTab(person, t('entry-note'));
    expect(await page.locator(t('entry-note')).inputValue()).toBe(note('draft after crash'));
    const outbox = await idbAll<{ kind: string; payload: { note?: string } }>(page, 'outbox');
    expect(outbox.some((i) => i.payload.note?.includes('draft'))).toBe(false);
    await save(page);
    const drafts = await idbAll(page, 'drafts');
    expect(drafts).toEqual([]);
  }, 120_000);

  it('a credit record offline (document number and issuer required for a penalty), then synced to the server', async () => {
    const page = person.page;
    await page.locator(t('new-credit')).click();
    await page.locator(`${t('credit-kind')}[data-kind="admin_penalty"]`).click();
    await page.locator(t('credit-document-required')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('credit-note')).fill(note('credit'));
    await page.locator(t('credit-save')).click();
    await page.locator('.van-toast').filter({ hasText: '文号' }).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('credit-document')).fill('青综执罚决字〔2026〕12号');
    await page.locator('.van-toast').filter({ visible: true }).waitFor({ state: 'hidden', timeout: UI_TIMEOUT }).catch(() => undefined);
    // A negative record also names the court or office that issued the document (国办发〔2020〕49号).
    await page.locator(t('credit-issuer-required')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('credit-save')).click();
    await page.locator('.van-toast').filter({ hasText: '机关' }).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('credit-issuer')).fill('青岛市综合行政执法局');
    await page.locator('.van-toast').filter({ visible: true }).waitFor({ state: 'hidden', timeout: UI_TIMEOUT }).catch(() => undefined);
    await screenshot(page, 'field-entry-06-credit-form', { fullPage: true });
    expect(await axeSeriousOrCritical(page)).toEqual([]);
    await page.locator(t('credit-save')).click();
    await page.locator(`${t('credit-record')}[data-state="queued"]`).waitFor({ timeout: UI_TIMEOUT });

    await goOnline(person.context);
    await until('credit record on the server', () => Promise.resolve(serverSql<{ n: number }>(server,
      'SELECT COUNT(*) AS n FROM credit_records WHERE note = ? AND document_no = ? AND issuer = ? AND state = ?', note('credit'), '青综执罚决字〔2026〕12号', '青岛市综合行政执法局', 'submitted')[0].n), 1, SYNC_TIMEOUT);
    expect(serverSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM entries WHERE note = ?', note('credit'))[0].n).toBe(0);
    await until('entries of the round on the server', () => Promise.resolve(serverEntriesByNote(server, `e2e ${run} plain`).length), 1, SYNC_TIMEOUT);
    await page.locator(`${t('credit-record')}[data-state="submitted"]`).waitFor({ timeout: SYNC_TIMEOUT });
    await screenshot(page, 'field-entry-07-household-credit', { fullPage: true });
  }, 120_000);

  it('a refused entry is fixed from the outbox (form prefilled) and resent', async () => {
    const page = person.page;
    await page.clock.setSystemTime(new Date(Date.now() + 30 * 3_600_000));
    await openEntryForm(page);
    await pick(page, PLAIN);
    await page.locator(t('entry-note')).fill(note('refused'));
    await save(page);
    await openStatus(page);
    const item = page.locator(`${t('attention-item')}[data-code="future_time"]`);
    await item.waitFor({ timeout: SYNC_TIMEOUT });
    await page.clock.setSystemTime(new Date());
    await screenshot(page, 'field-entry-08-refused', { fullPage: true });
    await item.locator(t('attention-redo')).click();
    await page.locator(t('entry-note')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('entry-note')).inputValue()).toBe(note('refused'));
    expect(await page.locator(t('entry-indicator')).getAttribute('data-code')).toBe(PLAIN);
    await page.locator(t('entry-save')).click();
    await confirmLikelyDuplicate(page);
    await until('the fixed entry on the server', () => Promise.resolve(serverEntriesByNote(server, note('refused')).length), 1, SYNC_TIMEOUT);
    // Back on the status screen the form was opened from: nothing unsent, the refused item gone.
    await page.locator(t('sync-screen')).waitFor({ timeout: UI_TIMEOUT });
    await until('nothing unsent or refused', async () => [await unsentOnScreen(page), await item.count()], [0, 0], SYNC_TIMEOUT);
  }, 120_000);

  it('an app update is offered mid-round, waits while the form is open, and is applied after the entry is saved', async () => {
    const page = person.page;
    await openHousehold(page);
    await openEntryForm(page);
    await pick(page, PLAIN);
    await page.locator(t('entry-note')).fill(note('before update'));
    const oldScript = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '');
    // A new version of the app; the phone looks for it as it does every 30 minutes and when back online.
    restoreSw = publishNewAppVersion(run);
    await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration())?.update(); });
    const prompt = page.locator(t('app-update'));
    await prompt.waitFor({ timeout: SYNC_TIMEOUT });
    // Mid-entry: offered, not applicable (no button), and the form is still there.
    expect(await prompt.getAttribute('data-busy')).toBe('true');
    expect(await page.locator(t('app-update-apply')).count()).toBe(0);
    await screenshot(page, 'field-entry-09-update-waits');
    await save(page);
    await page.locator(t('app-update-apply')).click();
    await page.waitForEvent('load', { timeout: SYNC_TIMEOUT }).catch(() => undefined);
    await page.locator(t('new-entry')).first().waitFor({ timeout: UI_TIMEOUT });
    await until('the new worker controls the page', () => page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return !!reg?.active && !reg.waiting;
    }), true);
    expect(oldScript).not.toBe('');
    await until('the entry saved before the update reached the server', () => Promise.resolve(serverEntriesByNote(server, note('before update')).length), 1, SYNC_TIMEOUT);
  }, 180_000);

  it('the household edit popup has no serious or critical axe violation', async () => {
    const page = person.page;
    await openHousehold(page);
    await page.locator(t('household-edit')).click();
    await page.locator('.van-popup').filter({ visible: true }).first().waitFor({ timeout: UI_TIMEOUT });
    await page.waitForTimeout(400);
    await screenshot(page, 'field-entry-10-edit-popup');
    expect(await axeSeriousOrCritical(page)).toEqual([]);
  });
});
