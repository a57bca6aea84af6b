// A township clerk's morning at a desktop (1280×800), against the real server and the built PWA in
// Chromium (issue 11): the ranking with the metric changed (the order follows the server's ranking
// by that metric), a row opens the village's households and a household's entries, the charts draw
// real figures (SVG marks and a non-empty table view), an export is downloaded as XLSX and as CSV
// and read back, the export is in the audit log, and a collector's first screen on a phone loads
// no charting library. Screenshots in /tmp/shots/console/.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { DESKTOP, PHONE, launchPerson, t, type Person } from './support/browser';
import { seriousViolations } from './support/audits';
import { parseCsv } from '../server/exports/parse-csv';

const TOWNSHIP = { username: 'township', password: 'cunxin-town' };
const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const SHOTS = '/tmp/shots/console';
const UI = 20_000;

let server: TestServer;
let clerk: Person;
const people: Person[] = [];
let failedStep = '';
const year = new Date().getFullYear();

function step(name: string, fn: () => Promise<void>) {
  it(name, async () => {
    if (failedStep) throw new Error(`not reached: step "${failedStep}" failed`);
    try {
      await fn();
    } catch (err) {
      failedStep = name;
      const problems = people.flatMap((p) => p.problems).slice(-20).join('\n');
      throw new Error(`${(err as Error).message}\nbrowser problems:\n${problems}\nserver output (tail):\n${server.output().slice(-3000)}`, { cause: err });
    }
  }, 180_000);
}

async function shot(page: Page, name: string, fullPage = false) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

async function staffLogin(page: Page, user: { username: string; password: string }) {
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.locator(t('login-username')).waitFor({ timeout: UI });
  await page.locator(t('login-username')).fill(user.username);
  await page.locator(t('login-password')).fill(user.password);
  await page.locator(t('login-submit')).click();
  await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI });
}

interface RankRow { villageId: string; villageName: string }

describe('a township clerk\'s morning at the console (1280×800)', () => {
  let api: ApiClient;
  beforeAll(async () => {
    server = await startServer();
    api = new ApiClient(server.url);
    await api.login(TOWNSHIP.username, TOWNSHIP.password);
  }, 120_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
  });

  step('the ranking opens by participation; changing the metric reorders it as the server ranks by that metric', async () => {
    clerk = await launchPerson({ viewport: DESKTOP });
    people.push(clerk);
    const page = clerk.page;
    await staffLogin(page, TOWNSHIP);
    await page.goto(`${server.url}/ranking`, { waitUntil: 'load' });
    await page.locator(t('ranking-row')).first().waitFor({ timeout: UI });
    expect(await page.locator(t('metric-participation')).getAttribute('aria-pressed')).toBe('true');
    const byParticipation = (await getOk<{ rows: RankRow[] }>(api, `/api/township/ranking?year=${year}`)).rows;
    expect(byParticipation.length).toBeGreaterThan(1);
    expect(await page.locator(t('ranking-row')).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-village-id'))))
      .toEqual(byParticipation.map((r) => r.villageId));
    expect(await page.locator(t('ranking-why')).first().textContent()).toContain('参与率');
    await shot(page, '01-ranking');
    // The scroll area is reachable by keyboard, and axe finds nothing serious.
    expect(await page.locator(t('ranking-scroll')).getAttribute('tabindex')).toBe('0');
    expect(await seriousViolations(page)).toEqual([]);
    // Year arrows are at least 44 px.
    const arrow = await page.locator(t('year-prev')).boundingBox();
    expect(arrow!.width).toBeGreaterThanOrEqual(44);
    expect(arrow!.height).toBeGreaterThanOrEqual(44);

    await page.locator(t('metric-median')).click();
    const byMedian = (await getOk<{ rows: RankRow[] }>(api, `/api/township/ranking?year=${year}&metric=median`)).rows;
    await page.waitForFunction((first) => document.querySelector('[data-test="ranking-row"]')?.getAttribute('data-village-id') === first && document.querySelector('[data-test="metric-median"]')?.getAttribute('aria-pressed') === 'true', byMedian[0].villageId, { timeout: UI });
    expect(await page.locator(t('ranking-row')).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-village-id'))))
      .toEqual(byMedian.map((r) => r.villageId));
    expect(await page.locator(t('ranking-why')).first().textContent()).toContain('户均积分中位数');
    await shot(page, '02-ranking-by-median');
  });

  step('the village name stays in view when the table scrolls sideways (sticky column)', async () => {
    const page = clerk.page;
    await page.setViewportSize({ width: 820, height: 800 });
    await page.locator(t('ranking-scroll')).evaluate((el) => { el.scrollLeft = 600; });
    const name = await page.locator(`${t('ranking-row')} th`).first().boundingBox();
    const wrap = await page.locator(t('ranking-scroll')).boundingBox();
    expect(name!.x).toBeGreaterThanOrEqual(wrap!.x - 1);
    await shot(page, '03-ranking-scrolled-tablet');
    await page.setViewportSize(DESKTOP);
  });

  step('a row opens the village\'s households, a household its entries of the year', async () => {
    const page = clerk.page;
    await page.locator(`${t('ranking-row')} td`).first().click();
    await page.locator(t('household-row')).first().waitFor({ timeout: UI });
    expect(page.url()).toContain('/township/villages/');
    await shot(page, '04-village-households');
    await page.locator(`${t('household-row')} td`).first().click();
    await page.locator(`${t('household-entries')}, .van-empty`).first().waitFor({ timeout: UI });
    expect(page.url()).toContain('/township/households/');
    await shot(page, '05-household-entries');
  });

  step('the charts draw the year\'s real figures, each with a table view', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/charts`, { waitUntil: 'load' });
    for (const id of ['ranking', 'trend', 'stars']) {
      await page.locator(`${t(`chart-${id}`)} svg path`).first().waitFor({ state: 'attached', timeout: UI });
      expect(await page.locator(`${t(`chart-${id}`)} svg path`).count(), id).toBeGreaterThan(5);
    }
    await shot(page, '06-charts', true);
    await page.locator(t('chart-trend-toggle')).click();
    const cells = await page.locator(`${t('chart-trend-table')} tbody td`).allTextContents();
    expect(cells.map(Number).some((n) => n > 0)).toBe(true);
    await page.locator(t('chart-stars-toggle')).click();
    const households = (await page.locator(`${t('chart-stars-table')} tbody td`).allTextContents()).map(Number);
    expect(households.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, '07-charts-tables', true);
  });

  step('an export is downloaded as XLSX and CSV and read back; it is in the audit log', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/exports`, { waitUntil: 'load' });
    await page.locator(t('export-entries-xlsx')).waitFor({ timeout: UI });
    await shot(page, '08-exports');
    const [xlsxDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator(t('export-entries-xlsx')).click()]);
    expect(xlsxDownload.suggestedFilename()).toMatch(/积分记录-\d{4}\.xlsx$/);
    const xlsxPath = path.join(SHOTS, 'entries.xlsx');
    await xlsxDownload.saveAs(xlsxPath);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxPath);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).value).toBe('村庄');
    expect(ws.rowCount).toBeGreaterThan(100);
    expect(ws.getRow(2).getCell(4).value).toBeInstanceOf(Date);

    const [csvDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator(t('export-entries-csv')).click()]);
    const csvPath = path.join(SHOTS, 'entries.csv');
    await csvDownload.saveAs(csvPath);
    const bytes = fs.readFileSync(csvPath);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8'));
    expect(rows[0][0]).toBe('村庄');
    expect(rows.length - 1).toBe(ws.rowCount - 1);

    await page.goto(`${server.url}/township/audit`, { waitUntil: 'load' });
    await page.locator(`${t('audit-row')}[data-action="export.entries"]`).first().waitFor({ timeout: UI });
    const audit = await getOk<{ entries: { action: string; rowCount: number }[] }>(api, '/api/township/audit');
    expect(audit.entries.filter((e) => e.action === 'export.entries').map((e) => e.rowCount)).toContain(rows.length - 1);
    await shot(page, '09-audit');
  });

  step('a collector\'s first screen on a phone loads no charting library, and the service worker does not precache it', async () => {
    const phone = await launchPerson({ viewport: PHONE });
    people.push(phone);
    const scripts: string[] = [];
    phone.page.on('response', (r) => { if (r.url().endsWith('.js')) scripts.push(r.url()); });
    await staffLogin(phone.page, COLLECTOR);
    await phone.page.goto(`${server.url}/villages`, { waitUntil: 'networkidle' });
    await phone.page.locator(t('village-item')).first().waitFor({ timeout: UI });
    const bodies = await Promise.all(scripts.filter((u) => !u.endsWith('/sw.js')).map(async (u) => (await fetch(u)).text()));
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect(/zrender|echarts/i.test(b)).toBe(false);
    const sw = await (await fetch(`${server.url}/sw.js`)).text();
    expect(sw).not.toContain('ChartsView');
  });
});
