// A township clerk's morning at the office desktop (issue 11, 1280×800), against the real server
// and the built client in Chromium: a messy roster (an XLSX made here with SheetJS, and a GBK CSV)
// imported after reading its dry-run report, a catalogue version drafted, refused by the checker,
// fixed and published, a collector created and assigned, the honour board printed (PDF → PNG).
// Screenshots go to /tmp/shots/township/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import * as XLSX from '@e965/xlsx';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { staffLogin, until } from './support/sync-helpers';
import { DESKTOP, launchPerson, t, type Person } from './support/browser';
import { makeSyntheticIdNumber } from '../shared/validation/id-number';

const SHOTS = '/tmp/shots/township';
const TOWNSHIP = { username: 'township', password: 'cunxin-town' };
const UI_TIMEOUT = 20_000;
const fullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const ID = (birth: string, seq: number) => makeSyntheticIdNumber('370283', birth, seq);

let server: TestServer;
let clerk: Person;
let failedStep = '';
let villages: { id: string; name: string }[] = [];

async function shot(page: Page, name: string, fullPage = false) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

function step(name: string, fn: () => Promise<void>) {
  it(name, async () => {
    if (failedStep) throw new Error(`not reached: step "${failedStep}" failed`);
    try {
      await fn();
    } catch (err) {
      failedStep = name;
      await shot(clerk.page, `FAILED-${name.slice(0, 20)}`).catch(() => undefined);
      if (err instanceof Error) err.message += `\n\nBrowser problems:\n${clerk.problems.slice(-10).join('\n')}\n\nServer:\n${server?.output().split('\n').slice(-20).join('\n')}`;
      throw err;
    }
  });
}

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

describe('the township office: roster import, catalogue, users, honour board', () => {
  beforeAll(async () => {
    server = await startServer();
    const api = new ApiClient(server.url);
    await api.login(TOWNSHIP.username, TOWNSHIP.password);
    villages = (await getOk<{ villages: { id: string; name: string }[] }>(api, '/api/villages')).villages;
    clerk = await launchPerson({ viewport: DESKTOP });
    await staffLogin(clerk.page, server.url, TOWNSHIP);
  }, 120_000);
  afterAll(async () => {
    await clerk?.close();
    await server?.stop();
  });

  step('a messy XLSX roster: the dry-run report says what each row would do, then the valid rows are imported', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/roster?v=${villages[0].id}`, { waitUntil: 'load' });
    await page.locator(t('roster-file')).setInputFiles({ name: '第一组花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: messyWorkbook() });
    await page.locator(t('roster-counts')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('roster-counts')).textContent()).toContain('将新增 5 行');
    const errors = await page.locator(`${t('roster-row')}[data-action="error"]`).allTextContents();
    expect(errors.join('\n')).toMatch(/存成了数字[\s\S]*户号为空[\s\S]*校验位/);
    expect(await page.locator(`${t('roster-row')}[data-action="skipped"]`).count()).toBe(2);
    expect(await page.locator(t('roster-apply')).isDisabled()).toBe(true);
    await shot(page, '01-roster-dry-run');
    await page.locator(t('roster-skip-errors')).click();
    await page.locator(t('roster-apply')).click();
    await page.locator(t('roster-applied')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('roster-applied')).textContent()).toContain('写入 2 户、5 人');
    await shot(page, '02-roster-imported', true);
  });

  step('a GBK CSV with other header names: a new household and a person moved out', async () => {
    const page = clerk.page;
    await page.locator(t('roster-file')).setInputFiles({ name: '变动名单.csv', mimeType: 'text/csv', buffer: gbkCsv() });
    await until('csv report', async () => (await page.locator(t('roster-counts')).textContent())?.includes('将新增 1 行') ?? false, true);
    expect(await page.locator(`${t('roster-row')}[data-action="update"]`).textContent()).toContain('迁出');
    await shot(page, '03-roster-gbk-csv');
    await page.locator(t('roster-apply')).click();
    await page.locator(t('roster-applied')).waitFor({ timeout: UI_TIMEOUT });
  });

  step('a catalogue version: drafted, refused by the checker, fixed and published from a date', async () => {
    const page = clerk.page;
    await page.goto(`${server.url}/township/catalog`, { waitUntil: 'load' });
    await page.locator(t('catalog-draft-name')).fill('2027年版（村民代表会议通过）');
    await page.locator(t('catalog-new-draft')).click();
    await page.locator(t('catalog-detail')).waitFor({ timeout: UI_TIMEOUT });
    // A deduction for not taking part: the checker refuses it.
    await page.locator(t('catalog-add')).click();
    await page.locator(t('indicator-code')).fill('Z01');
    await page.locator(t('indicator-name')).fill('未参加村民大会');
    await page.locator(t('indicator-sign')).selectOption('-1');
    await page.locator(t('indicator-min')).fill('-5');
    await page.locator(t('indicator-max')).fill('-5');
    await page.locator(t('indicator-save')).click();
    await page.locator(t('catalog-problems')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('catalog-problems')).textContent()).toContain('不得因未参加活动扣分');
    await page.locator(t('catalog-publish')).click();
    await page.locator(t('catalog-error')).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '04-catalog-refused');
    // Replaced by an honour the villagers' meeting adopted.
    await page.locator(t('indicator-edit-Z01')).click();
    await page.locator(t('indicator-name')).fill('担任村史馆义务讲解员');
    await page.locator(t('indicator-sign')).selectOption('1');
    await page.locator(t('indicator-min')).fill('3');
    await page.locator(t('indicator-max')).fill('3');
    await page.locator(t('indicator-save')).click();
    await until('problems gone', () => page.locator(t('catalog-problems')).count(), 0);
    await page.locator(t('catalog-publish')).click();
    await page.locator(t('catalog-notice')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('catalog-notice')).textContent()).toContain('已发布');
    await shot(page, '05-catalog-published');
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
    await page.locator(t('users-notice')).waitFor({ timeout: UI_TIMEOUT });
    const row = page.locator(`${t('user-row')}[data-username="chenxc"]`);
    await row.locator(t('user-assign')).click();
    await page.locator(t(`assign-village-${villages[1].name}`)).check();
    await page.locator(t('user-panel-save')).click();
    await until('assigned', async () => (await row.locator(t('user-villages')).textContent())?.includes(villages[1].name) ?? false, true);
    await shot(page, '06-users');
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
    await page.locator(t('honour-board')).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(`${t('board-stars')} li`).count()).toBeGreaterThan(0);
    expect(await page.locator(t('honour-board')).textContent()).not.toContain('失信');
    await shot(page, '07-honour-board');
    const pdf = path.join(SHOTS, 'honour-board.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    execFileSync('pdftoppm', ['-png', '-r', '80', pdf, path.join(SHOTS, 'honour-board-page')]);
    expect(readdirSync(SHOTS).filter((f) => f.startsWith('honour-board-page')).length).toBeGreaterThanOrEqual(1);
  });
});
