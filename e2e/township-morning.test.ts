// A township clerk's whole morning at the desktop console (1280×800), in order, against the real
// server and the built PWA in Chromium (issue 11 "Tests"): the ranking with the metric changed
// (the order follows the server's ranking by that metric), a row opens the village's households
// and a household's entries; the charts draw the year's real figures (the bars carry the server's
// villages, the table view its numbers); an export downloaded as XLSX and CSV and read back (the
// XLSX also by LibreOffice); the anomaly flags of due process, one marked checked with a note; a
// messy roster (an XLSX made here with SheetJS, then a GBK CSV) imported after its dry-run report;
// a catalogue version drafted, refused by the checker, fixed and published; a collector created
// and assigned; the honour board printed (PDF → PNG); the audit log naming every act of the
// morning in Chinese; and a collector's phone loading no charting library. Screenshots in
// /tmp/shots/console/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import * as XLSX from '@e965/xlsx';
import { uuidv7 } from 'uuidv7';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { DESKTOP, PHONE, launchPerson, t, type Person } from './support/browser';
import { seriousViolations } from './support/audits';
import { until } from './support/sync-helpers';
import { parseCsv } from '../server/exports/parse-csv';
import { libreofficeCsvs, LIBREOFFICE } from '../server/test/libreoffice';
import { makeSyntheticIdNumber } from '../shared/validation/id-number';
import { story } from './support/steps';

const TOWNSHIP = { username: 'township', password: 'cunxin-town' };
const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const SHOTS = '/tmp/shots/console';
const UI = 20_000;
const fullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const ID = (birth: string, seq: number) => makeSyntheticIdNumber('370283', birth, seq);

let server: TestServer;
let clerk: Person;
const people: Person[] = [];
const year = new Date().getFullYear();
let villages: { id: string; name: string }[] = [];

const { step } = story({ people: () => people, server: () => server, shot, timeout: 180_000 });

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

function messyWorkbook(): Buffer {
  const wrong = ID('19750505', 55);
  const rows: unknown[][] = [
    ['2026年户籍人口花名册（第一村民小组）'],
    ['户编号', '姓 名', '与户主的关系', '公民身份号码', '手机号码', '组别', '出生年月', '人员状态'],
    ['T901', '王 建国', '户主', fullWidth(ID('19800101', 11)), '１３９００１３９０００', '第一组', null, null],
    ['T901', '李秀英', '妻', ` ${ID('19820202', 22)} `, null, '1', null, null],
    ['T901', '王小宝', '子', null, null, '1', 40179, null],
    ['T901', '王小宝', '子', null, null, '1', 40179, null],
    [null, null, null, null, null, null, null, null],
    ['T902', '赵大山', '户主', 370283197004044000, null, '1', null, null],
    ['', '孙无户', '户主', ID('19880808', 88), null, '1', null, null],
    ['T903', '周错号', '户主', `${wrong.slice(0, 17)}${wrong.endsWith('1') ? '2' : '1'}`, null, '1', null, null],
    ['T904', '吴 美丽', '户主', ID('19910909', 99), '13600136000', '1', null, null],
    ['T904', '吴晓', '女', null, null, '1', '2014年6月', null],
  ];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), '花名册');
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

function gbkCsv(): Buffer {
  return iconv.encode(['户号,姓名,与户主关系,身份证号,联系电话,村民小组,状态', `T905,钱多多,户主,${ID('19700404', 44)},13700137000,2,`, 'T904,吴晓,女,,,1,迁出', ''].join('\r\n'), 'gbk');
}

describe('a township clerk\'s morning at the console (1280×800)', () => {
  let api: ApiClient;
  beforeAll(async () => {
    server = await startServer();
    api = new ApiClient(server.url);
    await api.login(TOWNSHIP.username, TOWNSHIP.password);
    villages = (await getOk<{ villages: { id: string; name: string }[] }>(api, '/api/villages')).villages;
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

  step('the charts draw the year\'s real figures: the server\'s villages as bars, its numbers in the table view', async () => {
    const page = clerk.page;
    const charts = await getOk<{ ranking: { villageName: string; participationRate: number }[]; trend: { month: string; entries: number; points: number }[]; stars: { level: number; households: number }[] }>(api, `/api/township/charts?year=${year}`);
    expect(charts.ranking.length).toBeGreaterThan(1);
    await page.goto(`${server.url}/township/charts`, { waitUntil: 'load' });
    for (const id of ['ranking', 'trend', 'stars']) {
      await page.locator(`${t(`chart-${id}`)} svg path`).first().waitFor({ state: 'attached', timeout: UI });
      expect(await page.locator(`${t(`chart-${id}`)} svg path`).count(), id).toBeGreaterThan(5);
    }
    // Not an empty frame: the ranking chart names the server's villages on its axis and draws one
    // bar of non-zero length per village with a participation rate (the bars are the red fill).
    const drawn = await page.locator(t('chart-ranking')).evaluate((el) => ({
      labels: [...el.querySelectorAll('svg text')].map((x) => x.textContent ?? ''),
      bars: [...el.querySelectorAll('svg path')].filter((x) => /c8102e|200,\s*16,\s*46/i.test(x.getAttribute('fill') ?? '') && x.getBoundingClientRect().width > 1).length,
    }));
    for (const r of charts.ranking) expect(drawn.labels, r.villageName).toContain(r.villageName);
    expect(drawn.bars).toBe(charts.ranking.filter((r) => r.participationRate > 0).length);
    await shot(page, '06-charts', true);
    // The table views carry the same figures as the server: entries per month, households per star level.
    await page.locator(t('chart-trend-toggle')).click();
    const trendRows = await page.locator(`${t('chart-trend-table')} tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => Number((c.textContent ?? '').replace(/[^\d.-]/g, '')))));
    const entriesByMonth = [...new Set(charts.trend.map((m) => m.month))].sort().map((month) => charts.trend.filter((m) => m.month === month).reduce((n, m) => n + m.entries, 0));
    expect(trendRows.map((r) => r[0]).reduce((a, b) => a + b, 0)).toBe(entriesByMonth.reduce((a, b) => a + b, 0));
    expect(trendRows.some((r) => r[0] > 0)).toBe(true);
    await page.locator(t('chart-stars-toggle')).click();
    const households = (await page.locator(`${t('chart-stars-table')} tbody td`).allTextContents()).map(Number);
    expect(households.reduce((a, b) => a + b, 0)).toBe(charts.stars.reduce((n, s) => n + s.households, 0));
    expect(households.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, '07-charts-tables', true);
  });

  step('an export is downloaded as XLSX and CSV and read back (the XLSX also by LibreOffice); it is in the audit log', async () => {
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
    if (LIBREOFFICE) expect(parseCsv(libreofficeCsvs({ entries: fs.readFileSync(xlsxPath) }).entries)).toEqual(rows);
    else console.warn('LibreOffice not installed: the downloaded XLSX was read by exceljs only');

    await page.goto(`${server.url}/township/audit`, { waitUntil: 'load' });
    await page.locator(`${t('audit-row')}[data-action="export.entries"]`).first().waitFor({ timeout: UI });
    const audit = await getOk<{ entries: { action: string; rowCount: number }[] }>(api, '/api/township/audit');
    expect(audit.entries.filter((e) => e.action === 'export.entries').map((e) => e.rowCount)).toContain(rows.length - 1);
    await shot(page, '09-audit');
  });

  step('the anomaly flags of due process: one marked checked with a note, which stays and is audited', async () => {
    const page = clerk.page;
    const before = (await getOk<{ flags: { id: string; check: unknown }[] }>(api, '/api/township/anomalies')).flags;
    expect(before.filter((f) => !f.check).length, 'the demo\'s tally round flags at least one recorder').toBeGreaterThan(0);
    await page.goto(`${server.url}/township/anomalies`, { waitUntil: 'load' });
    await page.locator(t('anomaly-flag')).first().waitFor({ timeout: UI });
    expect(await page.locator(t('anomaly-flag')).count()).toBe(before.length);
    await shot(page, '10-anomalies');
    const flag = page.locator(t('anomaly-flag')).filter({ has: page.locator(t('anomaly-note')) }).first();
    expect(await flag.locator(t('anomaly-check')).isDisabled(), 'no empty note').toBe(true);
    await flag.locator(t('anomaly-note')).fill('已电话核实：秋收季节集中补录，属实');
    await flag.locator(t('anomaly-check')).click();
    await page.locator(t('anomaly-checked')).first().waitFor({ timeout: UI });
    expect(await page.locator(t('anomaly-checked')).first().textContent()).toContain('已电话核实');
    await shot(page, '11-anomaly-checked');
    // It stays checked after a reload, and the audit log has it.
    await page.reload({ waitUntil: 'load' });
    await page.locator(t('anomaly-checked')).first().waitFor({ timeout: UI });
    const after = (await getOk<{ flags: { check: { note: string } | null }[] }>(api, '/api/township/anomalies')).flags;
    expect(after.filter((f) => f.check?.note === '已电话核实：秋收季节集中补录，属实')).toHaveLength(1);
    const audit = await getOk<{ entries: { action: string }[] }>(api, '/api/township/audit');
    expect(audit.entries.map((e) => e.action)).toContain('anomaly.check');
  });

  step('a messy XLSX roster: the dry-run report says what each row would do, then the valid rows are imported', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/roster?v=${villages[0].id}`, { waitUntil: 'load' });
    await page.locator(t('roster-file')).setInputFiles({ name: '第一组花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: messyWorkbook() });
    await page.locator(t('roster-counts')).waitFor({ timeout: UI });
    expect(await page.locator(t('roster-counts')).textContent()).toContain('将新增 5 行');
    const errors = await page.locator(`${t('roster-row')}[data-action="error"]`).allTextContents();
    expect(errors.join('\n')).toMatch(/存成了数字[\s\S]*户号为空[\s\S]*校验位/);
    expect(await page.locator(`${t('roster-row')}[data-action="skipped"]`).count()).toBe(2);
    expect(await page.locator(t('roster-apply')).isDisabled()).toBe(true);
    await shot(page, '12-roster-dry-run');
    await page.locator(t('roster-skip-errors')).click();
    await page.locator(t('roster-apply')).click();
    await page.locator(t('roster-applied')).waitFor({ timeout: UI });
    expect(await page.locator(t('roster-applied')).textContent()).toContain('写入 2 户、5 人');
    await shot(page, '12b-roster-imported', true);
  });

  step('a GBK CSV with other header names: a new household and a person moved out', async () => {
    const page = clerk.page;
    await page.locator(t('roster-file')).setInputFiles({ name: '变动名单.csv', mimeType: 'text/csv', buffer: gbkCsv() });
    await until('csv report', async () => (await page.locator(t('roster-counts')).textContent())?.includes('将新增 1 行') ?? false, true);
    expect(await page.locator(`${t('roster-row')}[data-action="update"]`).textContent()).toContain('迁出');
    await shot(page, '12c-roster-gbk-csv');
    await page.locator(t('roster-apply')).click();
    await page.locator(t('roster-applied')).waitFor({ timeout: UI });
  });

  step('a catalogue version: drafted, refused by the checker, fixed and published from a date', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/catalog`, { waitUntil: 'load' });
    await page.locator(t('catalog-draft-name')).fill('2027年版（村民代表会议通过）');
    await page.locator(t('catalog-new-draft')).click();
    await page.locator(t('catalog-detail')).waitFor({ timeout: UI });
    // A deduction for not taking part: the checker refuses it.
    await page.locator(t('catalog-add')).click();
    await page.locator(t('indicator-code')).fill('Z01');
    await page.locator(t('indicator-name')).fill('未参加村民大会');
    await page.locator(t('indicator-sign')).selectOption('-1');
    await page.locator(t('indicator-min')).fill('-5');
    await page.locator(t('indicator-max')).fill('-5');
    await page.locator(t('indicator-save')).click();
    await page.locator(t('catalog-problems')).waitFor({ timeout: UI });
    expect(await page.locator(t('catalog-problems')).textContent()).toContain('不得因未参加活动扣分');
    await page.locator(t('catalog-publish')).click();
    await page.locator(t('catalog-error')).waitFor({ timeout: UI });
    await shot(page, '13-catalog-refused');
    // Replaced by an honour the villagers' meeting adopted.
    await page.locator(t('indicator-edit-Z01')).click();
    await page.locator(t('indicator-name')).fill('担任村史馆义务讲解员');
    await page.locator(t('indicator-sign')).selectOption('1');
    await page.locator(t('indicator-min')).fill('3');
    await page.locator(t('indicator-max')).fill('3');
    await page.locator(t('indicator-save')).click();
    await until('problems gone', () => page.locator(t('catalog-problems')).count(), 0);
    await page.locator(t('catalog-publish')).click();
    await page.locator(t('catalog-notice')).waitFor({ timeout: UI });
    expect(await page.locator(t('catalog-notice')).textContent()).toContain('已发布');
    await shot(page, '13b-catalog-published');
  });

  step('a collector created and assigned to two villages; the collector logs in and sees them', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/users`, { waitUntil: 'load' });
    await page.locator(t('user-display-name')).fill('陈新采');
    await page.locator(t('user-username')).fill('chenxc');
    await page.locator(t('user-role')).selectOption('collector');
    await page.locator(t('user-password')).fill('Caiji2026x');
    await page.locator(t(`user-village-${villages[0].name}`)).check();
    await page.locator(t('user-create-submit')).click();
    await page.locator(t('users-notice')).waitFor({ timeout: UI });
    const row = page.locator(`${t('user-row')}[data-username="chenxc"]`);
    await row.locator(t('user-assign')).click();
    await page.locator(t(`assign-village-${villages[1].name}`)).check();
    await page.locator(t('user-panel-save')).click();
    await until('assigned', async () => (await row.locator(t('user-villages')).textContent())?.includes(villages[1].name) ?? false, true);
    await shot(page, '14-users');
    const collector = new ApiClient(server.url);
    const me = await collector.login('chenxc', 'Caiji2026x');
    expect([...me.villageIds].sort()).toEqual([villages[0].id, villages[1].id].sort());
  });

  step('the honour board printed on A4: consenting ★3+ households only', async () => {
    // Consent to public boards for the village's households (as residents give it on their phones).
    const db = new Database(path.join(server.dataDir, 'cunxin.sqlite'));
    try {
      const households = db.prepare('SELECT id FROM households WHERE village_id = ?').all(villages[0].id) as { id: string }[];
      const insert = db.prepare('INSERT INTO household_consents (id, household_id, village_id, purpose, granted, person_id, recorded_by, at) VALUES (?, ?, ?, ?, 1, NULL, ?, ?)');
      for (const h of households) insert.run(uuidv7(), h.id, villages[0].id, 'public_boards', 'e2e', new Date().toISOString());
    } finally {
      db.close();
    }
    const page = clerk.page;
    await page.goto(`${server.url}/township/honour-board?v=${villages[0].id}`, { waitUntil: 'load' });
    await page.locator(t('honour-board')).waitFor({ timeout: UI });
    expect(await page.locator(`${t('board-stars')} li`).count()).toBeGreaterThan(0);
    expect(await page.locator(t('honour-board')).textContent()).not.toContain('失信');
    await shot(page, '14b-honour-board');
    const pdf = path.join(SHOTS, 'honour-board.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    execFileSync('pdftoppm', ['-png', '-r', '80', pdf, path.join(SHOTS, 'honour-board-page')]);
    expect(fs.readdirSync(SHOTS).filter((f) => f.startsWith('honour-board-page')).length).toBeGreaterThanOrEqual(1);
  });

  step('the audit log names every act of the morning in Chinese, never a raw code', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/audit`, { waitUntil: 'load' });
    await page.locator(t('audit-row')).first().waitFor({ timeout: UI });
    const rows = await page.locator(t('audit-row')).evaluateAll((trs) => trs.map((r) => ({ action: r.getAttribute('data-action') ?? '', text: r.textContent ?? '' })));
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['export.entries', 'anomaly.check', 'roster.upload', 'roster.import', 'user.create', 'user.update']) expect([...actions], a).toContain(a);
    const label: Record<string, string> = { 'export.entries': '导出积分记录', 'anomaly.check': '核实异常提示', 'roster.import': '导入名册', 'user.create': '新建账号' };
    for (const [a, zh] of Object.entries(label)) expect(rows.find((r) => r.action === a)?.text, a).toContain(zh);
    for (const r of rows) expect(r.text, `raw code shown for ${r.action}`).not.toContain(r.action);
    await shot(page, '15-audit-morning', true);
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
