// A village committee's week (issue 12), against the real server and the built PWA in Chromium:
// the collector records a deduction with a photo and a plain entry on a phone; committee member 1
// (phone, 360×640) filters the queue to entries with photos, views the photo, approves the
// deduction with its basis, and returns the plain entry with a reason; committee member 2
// (desktop, 1280×800) gives the deduction its second approval and batch-approves plain entries;
// the collector corrects the returned entry and resubmits it, member 1 approves the new version;
// member 1 opens a public notice, and after its window (server clock moved on) the entries are
// effective and the household's standing moved by exactly them. Every review screen is
// photographed at both sizes into /tmp/shots/due/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { DESKTOP, launchPerson, t, type Person } from './support/browser';
import { cameraPhoto } from './support/photos';
import { serverSql, staffLogin, syncNow, until, SYNC_TIMEOUT, UI_TIMEOUT } from './support/sync-helpers';
import { story } from './support/steps';

const PHONE_SMALL = { width: 360, height: 640 };
const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
const MEMBER1 = { username: 'committee1', password: 'cunxin-review' };
const MEMBER2 = { username: 'committee2', password: 'cunxin-review' };
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots/due';
const NOTE = 'e2e-week-';

interface Entry { id: string; points: number; state: string; revision: number; note: string }
interface HouseholdDetail { entries: Entry[]; standing: { standing: number } }

let server: TestServer;
let collector: Person;
let member1: Person;
let member2: Person;
let photoDir: string;
let villageId = '';
let householdId = '';
let deductionId = '';
let plainId = '';
let noticeId = '';
let before: HouseholdDetail;
const people: Person[] = [];

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(250); // toasts and transitions settle
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

const { step } = story({ people: () => people, server: () => server, shot, timeout: 120_000, problemLines: 8, serverLines: 20 });

const entryRows = () => serverSql<{ id: string; note: string; state: string; revision: number; points: number }>(server,
  'SELECT id, note, state, revision, points FROM entries WHERE note LIKE ? ORDER BY created_at', `${NOTE}%`);
const card = (page: Page, id: string) => page.locator(`${t('review-item')}[data-entry-id="${id}"]`);

describe('a committee’s week: review with photos, two approvers, batch, return and correction, notice and settlement', () => {
  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-week-'));
    cameraPhoto(path.join(photoDir, 'rubbish.png'), 0, { width: 1600, height: 1200 });
    server = await startServer();
    const api = new ApiClient(server.url);
    await api.login(MEMBER1.username, MEMBER1.password);
    villageId = (await getOk<{ villages: { id: string }[] }>(api, '/api/villages')).villages[0].id;
    collector = await launchPerson({ viewport: PHONE_SMALL });
    member1 = await launchPerson({ viewport: PHONE_SMALL });
    member2 = await launchPerson({ viewport: DESKTOP });
    people.push(collector, member1, member2);
  }, 120_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
    if (photoDir) fs.rmSync(photoDir, { recursive: true, force: true });
  });

  step('the collector records a deduction with a photo and a plain entry', async () => {
    const page = collector.page;
    await staffLogin(page, server.url, COLLECTOR);
    await page.goto(`${server.url}/villages/${villageId}`, { waitUntil: 'load' });
    await page.locator(t('household-item')).first().waitFor({ timeout: UI_TIMEOUT });
    householdId = (await page.locator(t('household-item')).first().getAttribute('data-household-id'))!;
    await page.locator(t('household-item')).first().click();
    await page.locator(t('new-entry')).first().click();
    await page.locator(`${t('indicator-item')}[data-code="B06"]`).click();
    await page.locator(t('entry-note')).fill(`${NOTE}deduction 村东头沟渠边倒生活垃圾，已劝导两次`);
    await page.locator(t('evidence-input')).setInputFiles(path.join(photoDir, 'rubbish.png'));
    await page.locator(t('evidence-photo')).first().waitFor({ timeout: 60_000 });
    await page.locator(t('entry-save')).click();
    await page.locator(t('entry-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.locator(t('new-entry')).first().click();
    await page.locator(`${t('indicator-item')}[data-code="C02"]`).click();
    await page.locator(t('entry-note')).fill(`${NOTE}plain 垃圾分类检查合格`);
    await page.locator(t('entry-save')).click();
    await page.locator(t('entry-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await syncNow(page);
    await until('both entries on the server', async () => entryRows().length, 2, SYNC_TIMEOUT * 2);
    await until('the photo on the server', async () => serverSql<{ n: number }>(server,
      'SELECT count(*) AS n FROM entry_evidence ev JOIN evidence_blobs b ON b.sha256 = ev.sha256 WHERE b.complete = 1 AND ev.entry_id = ?', entryRows()[0].id)[0].n, 1, SYNC_TIMEOUT * 2);
    [deductionId, plainId] = entryRows().map((r) => r.id);
    const api = new ApiClient(server.url);
    await api.login(MEMBER1.username, MEMBER1.password);
    before = await getOk<HouseholdDetail>(api, `/api/households/${householdId}`);
  });

  step('member 1 (phone) filters to entries with photos, views the photo and approves the deduction with its basis', async () => {
    const page = member1.page;
    await staffLogin(page, server.url, MEMBER1);
    await page.goto(`${server.url}/review?villageId=${villageId}`, { waitUntil: 'load' });
    await page.locator(t('review-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'review-01-queue-360');
    await page.locator(t('filters')).click();
    await page.locator(t('filter-evidence-yes')).click();
    await shot(page, 'review-02-filters-360');
    await page.locator(t('filter-apply')).click();
    await card(page, deductionId).waitFor({ timeout: UI_TIMEOUT });
    const ids = await page.locator(t('review-item')).evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')));
    expect(ids).toEqual([deductionId]); // only the entry with a photo
    await shot(page, 'review-03-with-photos-360');
    // The photo, full screen.
    await card(page, deductionId).locator(`${t('evidence')} img`).first().click();
    await page.locator('.van-image-preview').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('.van-image-preview img').first().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator('.van-image-preview img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    await page.waitForTimeout(500); // the backdrop fades in
    await shot(page, 'review-04-photo-360');
    await page.locator('.van-image-preview__close-icon').click();
    await page.locator('.van-image-preview').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    // Approve: a deduction asks for its basis first.
    await card(page, deductionId).locator(t('approve')).click();
    await page.locator(t('basis-village_rule')).click();
    await page.locator(t('basis-text')).fill('村规民约第五条：经劝导后仍乱倒垃圾的扣5分');
    await shot(page, 'review-05-basis-360');
    await page.locator(t('basis-confirm')).click();
    await until('one approval', async () => card(page, deductionId).getAttribute('data-approvals'), '1');
    expect(entryRows()[0].state).toBe('submitted'); // a deduction needs a second member
    await shot(page, 'review-06-first-approval-360');
  });

  step('member 1 returns the plain entry with a reason', async () => {
    const page = member1.page;
    await page.goto(`${server.url}/review?villageId=${villageId}&householdId=${householdId}`, { waitUntil: 'load' });
    await card(page, plainId).waitFor({ timeout: UI_TIMEOUT });
    await card(page, plainId).locator(t('return')).click();
    await page.locator(t('decision-reason')).fill('请写明检查日期和检查人，再重新提交');
    await shot(page, 'review-07-return-360');
    await page.locator(t('decision-confirm')).click();
    await card(page, plainId).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(entryRows()[1].state).toBe('returned');
  });

  step('member 2 (desktop) gives the deduction its second approval and batch-approves plain entries', async () => {
    const page = member2.page;
    await staffLogin(page, server.url, MEMBER2);
    await page.goto(`${server.url}/review?villageId=${villageId}`, { waitUntil: 'load' });
    await page.locator(t('review-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'review-08-queue-desktop');
    await page.locator(t('filters')).click();
    await page.locator(t('filter-evidence-yes')).click();
    await page.locator(t('filter-apply')).click();
    await card(page, deductionId).waitFor({ timeout: UI_TIMEOUT });
    expect(await card(page, deductionId).locator(t('basis')).textContent()).toContain('村规民约第五条');
    await shot(page, 'review-09-second-approval-desktop');
    await card(page, deductionId).locator(t('approve')).click();
    await card(page, deductionId).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(entryRows()[0].state).toBe('approved');
    const approvers = serverSql<{ actor_id: string }>(server, "SELECT DISTINCT actor_id FROM entry_events WHERE entry_id = ? AND from_state = 'submitted'", deductionId);
    expect(approvers).toHaveLength(2);
    // Batch approval of plain positive entries on the first page.
    await page.locator(t('filters')).click();
    await page.locator(t('filter-clear')).click();
    await page.locator(t('review-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('select-all')).click();
    const selected = await page.locator(`${t('select')}.van-checkbox--checked, ${t('select')} .van-checkbox__icon--checked`).count();
    expect(selected).toBeGreaterThan(1);
    const total = Number(await page.locator(t('queue-total')).getAttribute('data-total'));
    await shot(page, 'review-10-batch-desktop');
    await page.locator(t('batch-approve')).click();
    await until('queue shrank', async () => Number(await page.locator(t('queue-total')).getAttribute('data-total')) < total, true);
    await shot(page, 'review-11-after-batch-desktop');
    // The deduction's history: who approved, when, why.
    await page.goto(`${server.url}/review/entries/${deductionId}`, { waitUntil: 'load' });
    await page.locator(t('history-events')).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'review-12-history-desktop', true);
  });

  step('the collector sees the return reason, corrects the entry and resubmits it', async () => {
    const page = collector.page;
    await page.goto(`${server.url}/households/${householdId}`, { waitUntil: 'load' });
    await syncNow(page);
    const link = page.locator(t('entry-correct')).first();
    await until('returned entry on the phone', async () => {
      if (!(await link.isVisible().catch(() => false))) { await syncNow(page); return false; }
      return true;
    }, true, SYNC_TIMEOUT);
    expect(await page.locator(t('entry-reason')).first().textContent()).toContain('检查日期');
    await shot(page, 'collector-01-returned-360', true);
    await link.click();
    await page.locator(t('return-reason')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('entry-note')).fill(`${NOTE}plain 垃圾分类检查合格（12月1日村委检查，检查人王建华）`);
    await shot(page, 'collector-02-correct-360', true);
    await page.locator(t('correct-save')).click();
    await page.locator(t('correct-queued')).waitFor({ timeout: UI_TIMEOUT }).catch(() => undefined);
    await syncNow(page);
    await until('resubmitted as version 2', async () => { const r = entryRows()[1]; return `${r.state}/${r.revision}`; }, 'submitted/2', SYNC_TIMEOUT * 2);
  });

  step('member 1 approves the corrected version', async () => {
    const page = member1.page;
    await page.goto(`${server.url}/review?villageId=${villageId}&householdId=${householdId}`, { waitUntil: 'load' });
    await card(page, plainId).waitFor({ timeout: UI_TIMEOUT });
    expect(await card(page, plainId).textContent()).toContain('检查人王建华');
    await shot(page, 'review-13-corrected-360');
    await card(page, plainId).locator(t('approve')).click();
    await card(page, plainId).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(entryRows()[1].state).toBe('approved');
  });

  step('member 1 opens a public notice; when its window closes the entries are effective and the standing moved by them', async () => {
    const page = member1.page;
    await page.goto(`${server.url}/notices?villageId=${villageId}`, { waitUntil: 'load' });
    await page.locator(t('notice-waiting')).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'notice-01-publish-360', true);
    await page.locator(t('publish-notice')).click();
    const dialog = page.locator('.van-dialog').filter({ visible: true }).first();
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.textContent()).toMatch(/将公示 \d+ 条已审核记录/);
    await shot(page, 'notice-02-confirm-360');
    await page.locator('.van-dialog__confirm').filter({ visible: true }).first().click();
    await page.locator(t('notice-item')).first().waitFor({ timeout: UI_TIMEOUT });
    await until('on notice', async () => entryRows().map((r) => r.state).join(), 'publicized,publicized');
    noticeId = serverSql<{ notice_id: string }>(server, 'SELECT notice_id FROM entries WHERE id = ?', deductionId)[0].notice_id;
    await page.locator(`${t('notice-item')}[data-notice-id="${noticeId}"]`).click();
    await page.waitForURL(`**/notices/${noticeId}`);
    await page.locator(t('notice-counts')).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'notice-03-detail-360', true);

    const ends = serverSql<{ ends_at: string }>(server, 'SELECT ends_at FROM notices WHERE id = ?', noticeId)[0].ends_at;
    await server.restart({ clockOffsetMs: Date.parse(ends) - Date.now() + 3600_000 });
    await until('settled in the background', async () => entryRows().map((r) => r.state).join(), 'effective,effective', 60_000);
    const api = new ApiClient(server.url);
    await api.login(MEMBER1.username, MEMBER1.password);
    const after = await getOk<HouseholdDetail>(api, `/api/households/${householdId}`);
    const was = new Map(before.entries.map((e) => [e.id, e.state]));
    const becameEffective = after.entries.filter((e) => e.state === 'effective' && was.get(e.id) !== 'effective');
    expect(becameEffective.map((e) => e.id)).toEqual(expect.arrayContaining([deductionId, plainId]));
    expect(after.standing.standing - before.standing.standing).toBe(becameEffective.reduce((s, e) => s + e.points, 0));
    // The session outlives the restart: no new login.
    await page.goto(`${server.url}/notices?villageId=${villageId}`, { waitUntil: 'load' });
    await page.locator(`${t('notice-item')}[data-notice-id="${noticeId}"]`).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'notice-04-settled-360', true);
  }, 180_000);

  step('every review screen, photographed at 360×640 and 1280×800', async () => {
    for (const [size, person] of [['360', member1], ['desktop', member2]] as const) {
      const page = person.page;
      for (const [name, url, wait] of [
        ['queue', `/review?villageId=${villageId}`, 'review-item'],
        ['history', `/review/entries/${plainId}`, 'history-events'],
        ['notices', `/notices?villageId=${villageId}`, 'notice-item'],
        ['notice-detail', `/notices/${noticeId}`, 'notice-counts'],
        ['notice-sheet', `/notices/${noticeId}/sheet`, 'notice-sheet'],
        ['objections', `/objections?villageId=${villageId}`, ''],
      ] as const) {
        await page.goto(server.url + url, { waitUntil: 'load' });
        if (wait) await page.locator(t(wait)).first().waitFor({ timeout: UI_TIMEOUT });
        else await page.waitForTimeout(1000);
        await shot(page, `screen-${name}-${size}`, name !== 'queue');
      }
    }
    const errors = people.flatMap((p) => p.problems).filter((p) => p.startsWith('pageerror'));
    expect(errors).toEqual([]);
  }, 180_000);
});
