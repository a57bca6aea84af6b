// A day at the 积分超市 (issue 8), at 360×640: the clerk (committee) puts an item on the shelf;
// four redemptions are reserved — one by the resident on their phone, three by the clerk for other
// households; one is cancelled; while the clerk's phone is offline the resident's is handed over
// with a photo and another with the household's signature drawn on the signature pad (mouse);
// both are posted at sync (outbox) and the server holds the photo and the signature by hash; the
// last lapses after 30 days (server clock moved ahead) and is voided by the job. Points and stock
// follow on both screens. Screenshots: /tmp/shots/ledger/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { goOffline, goOnline, launchPerson, t, waitForServiceWorker, type Person } from './support/browser';
import { serverSql, staffLogin, until, SYNC_TIMEOUT, UI_TIMEOUT } from './support/sync-helpers';
import { story } from './support/steps';

const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
const RESIDENT = { phone: '13800000001', pin: '123456' };
const SHOTS = '/tmp/shots/ledger';
const PRICE = 5;

let server: TestServer;
const people: Person[] = [];
let clerk: Person;
let resident: Person;
let committeeApi: ApiClient;
let residentApi: ApiClient;
let villageId = '';
let householdId = '';
let itemId = '';
const ids = { resident: '', cancelled: '', lapsing: '', signed: '' };
let photoFile = '';

async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const { step } = story({ people: () => people, server: () => server, shot });

async function residentLogin(page: Page) {
    await page.goto(`${server.url}/login`);
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).fill(RESIDENT.phone);
    await page.locator(t('resident-pin')).fill(RESIDENT.pin);
    await page.locator(t('resident-submit')).click();
    await page.locator(t('resident-submit')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

interface PointsView { balance: { available: number; posted: number }; redemptions: { id: string; status: string }[]; items: { id: string; available: number }[] }
const statusOf = (id: string) => serverSql<{ status: string }>(server, 'SELECT status FROM shop_redemptions WHERE id = ?', id)[0]?.status;

beforeAll(async () => {
  const png = new PNG({ width: 800, height: 600 });
  for (let i = 0; i < png.data.length; i += 4) { png.data[i] = (i / 4) % 251; png.data[i + 1] = (i / 7) % 241; png.data[i + 2] = 90; png.data[i + 3] = 255; }
  photoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cx-shop-')), 'handover.png');
  fs.writeFileSync(photoFile, PNG.sync.write(png));
  server = await startServer();
  committeeApi = new ApiClient(server.url);
  await committeeApi.login(COMMITTEE.username, COMMITTEE.password);
  residentApi = new ApiClient(server.url);
  householdId = (await residentApi.residentLogin(RESIDENT.phone, RESIDENT.pin)).householdId!;
  villageId = (await getOk<{ villageId: string }>(residentApi, `/api/households/${householdId}/points`)).villageId;
}, 120_000);
afterAll(async () => {
  for (const p of people) await p.close();
  await server?.stop();
});

describe('a day at the points shop', () => {
  step('the demo household\'s effective points have posted to the ledger (backfill job)', async () => {
    await until('resident has redeemable points', async () => (await getOk<PointsView>(residentApi, `/api/households/${householdId}/points`)).balance.available >= PRICE, true, SYNC_TIMEOUT);
  });

  step('the clerk puts an item on the shelf and receives stock, on a phone', async () => {
    clerk = await launchPerson({ viewport: { width: 360, height: 640 } });
    people.push(clerk);
    const page = clerk.page;
    await staffLogin(page, server.url, COMMITTEE);
    await page.goto(`${server.url}/shop?villageId=${villageId}&tab=stock`);
    await page.locator(t('shop-new-name')).locator('input').fill('洗衣粉 1袋');
    await page.locator(t('shop-new-price')).locator('input').fill(String(PRICE));
    await page.locator(t('shop-new-submit')).click();
    await page.locator(t('shop-item')).first().waitFor({ timeout: UI_TIMEOUT });
    itemId = (await page.locator(t('shop-item')).first().getAttribute('data-item-id'))!;
    await page.locator(`${t('shop-item')}[data-item-id="${itemId}"] input`).fill('4');
    await page.locator(`${t('shop-item')}[data-item-id="${itemId}"] ${t('shop-receive')}`).click();
    await until('stock on screen', () => page.locator(`${t('shop-item')}[data-item-id="${itemId}"] ${t('shop-item-stock')}`).innerText(), '在架 4 · 可兑 4');
    await shot(page, '01-clerk-stock');
  });

  step('the resident redeems it on their phone: points and stock reserved', async () => {
    resident = await launchPerson({ viewport: { width: 360, height: 640 } });
    people.push(resident);
    const page = resident.page;
    await residentLogin(page);
    await page.goto(`${server.url}/my/points`);
    const before = Number(await page.locator(t('points-available')).innerText());
    await page.locator(`${t('points-item')}[data-item-id="${itemId}"] ${t('points-redeem')}`).click();
    await page.locator('.van-dialog__confirm').click();
    await until('reserved on screen', () => page.locator(t('points-redemption')).first().getAttribute('data-status'), 'reserved');
    await until('balance reduced', async () => Number(await page.locator(t('points-available')).innerText()), before - PRICE);
    ids.resident = (await getOk<PointsView>(residentApi, `/api/households/${householdId}/points`)).redemptions[0].id;
    await shot(page, '02-resident-reserved');
  });

  step('the clerk registers three more for other households (API), then cancels one on the phone', async () => {
    const { households } = await getOk<{ households: { id: string }[] }>(committeeApi, `/api/villages/${villageId}/households`);
    const others: string[] = [];
    for (const h of households) {
      if (h.id === householdId || others.length === 3) continue;
      const v = await getOk<PointsView>(committeeApi, `/api/households/${h.id}/points`);
      if (v.balance.available >= PRICE) others.push(h.id);
    }
    expect(others).toHaveLength(3);
    for (const [k, h] of others.entries()) {
      const id = uuidv7();
      const r = await committeeApi.post(`/api/villages/${villageId}/shop/redemptions`, { id, householdId: h, itemId, quantity: 1 });
      expect(r.status).toBe(201);
      if (k === 0) ids.cancelled = id; else if (k === 1) ids.lapsing = id; else ids.signed = id;
    }
    const page = clerk.page;
    await page.goto(`${server.url}/shop?villageId=${villageId}`);
    await until('four open requests', () => page.locator(t('shop-request')).count(), 4);
    await shot(page, '03-clerk-today');
    await page.locator(`${t('shop-request')}[data-redemption-id="${ids.cancelled}"] ${t('shop-cancel')}`).click();
    await page.locator('.van-dialog__confirm').click();
    await until('cancelled on the server', async () => statusOf(ids.cancelled), 'cancelled');
    await until('three open requests', () => page.locator(t('shop-request')).count(), 3);
  });

  step('offline, the clerk hands one item over with the household\'s signature and the resident\'s with a photo; at sync the server posts both', async () => {
    const page = clerk.page;
    await waitForServiceWorker(page);
    await goOffline(clerk.context);
    // The signature: drawn with the mouse on the pad (the default proof), kept, then the hand-over.
    await page.locator(`${t('shop-request')}[data-redemption-id="${ids.signed}"] ${t('shop-handover')}`).click();
    const pad = page.locator(t('signature-canvas'));
    await pad.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(t('handover-confirm')).isDisabled()).toBe(true);
    const box = (await pad.boundingBox())!;
    const strokes = [[[0.12, 0.6], [0.2, 0.3], [0.26, 0.7], [0.33, 0.35]], [[0.4, 0.5], [0.5, 0.4], [0.58, 0.65], [0.66, 0.3], [0.72, 0.62]], [[0.78, 0.45], [0.88, 0.52]]];
    for (const stroke of strokes) {
      await page.mouse.move(box.x + stroke[0][0] * box.width, box.y + stroke[0][1] * box.height);
      await page.mouse.down();
      for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
      await page.mouse.up();
    }
    await until('ink on the pad', () => page.locator(t('signature-pad')).getAttribute('data-state'), 'inked');
    await page.locator(t('signature-save')).click();
    await until('signature kept', () => page.locator(t('signature-pad')).getAttribute('data-state'), 'saved');
    await shot(page, '04a-clerk-signature');
    await page.locator(t('handover-confirm')).click();
    await page.locator(`${t('shop-request')}[data-redemption-id="${ids.signed}"] ${t('shop-queued')}`).waitFor({ timeout: UI_TIMEOUT });

    await page.locator(`${t('shop-request')}[data-redemption-id="${ids.resident}"] ${t('shop-handover')}`).click();
    await page.locator('.van-tab', { hasText: '拍照' }).click();
    await page.locator(t('evidence-input')).setInputFiles(photoFile);
    await page.locator(t('evidence-photo')).first().waitFor({ timeout: 60_000 });
    await shot(page, '04-clerk-handover');
    await page.locator(t('handover-confirm')).click();
    await page.locator(`${t('shop-request')}[data-redemption-id="${ids.resident}"] ${t('shop-queued')}`).waitFor({ timeout: UI_TIMEOUT });
    await shot(page, '05-clerk-handover-queued');
    expect(statusOf(ids.resident)).toBe('reserved');
    await goOnline(clerk.context);
    await until('handed over on the server', async () => statusOf(ids.resident), 'handed_over', SYNC_TIMEOUT * 2);
    const proof = serverSql<{ proof_kind: string; proof_sha256: string }>(server, 'SELECT proof_kind, proof_sha256 FROM shop_redemptions WHERE id = ?', ids.resident)[0];
    expect(proof.proof_kind).toBe('photo');
    await until('photo on the server', async () => serverSql<{ complete: number }>(server, 'SELECT complete FROM evidence_blobs WHERE sha256 = ?', proof.proof_sha256)[0]?.complete, 1, SYNC_TIMEOUT);
    // The signature: posted with its proof, and the server holds the PNG by its hash (verified on upload).
    await until('signed one handed over on the server', async () => statusOf(ids.signed), 'handed_over', SYNC_TIMEOUT * 2);
    const signed = serverSql<{ proof_kind: string; proof_sha256: string }>(server, 'SELECT proof_kind, proof_sha256 FROM shop_redemptions WHERE id = ?', ids.signed)[0];
    expect(signed.proof_kind).toBe('signature');
    expect(signed.proof_sha256).toMatch(/^[0-9a-f]{64}$/);
    await until('signature on the server', async () => serverSql<{ complete: number }>(server, 'SELECT complete FROM evidence_blobs WHERE sha256 = ?', signed.proof_sha256)[0]?.complete, 1, SYNC_TIMEOUT);
    expect(serverSql<{ mime: string }>(server, 'SELECT mime FROM evidence_blobs WHERE sha256 = ?', signed.proof_sha256)[0].mime).toBe('image/png');
    await page.goto(`${server.url}/shop?villageId=${villageId}&tab=report`);
    await until('report: two handed over', () => page.locator(t('report-handed')).innerText(), '2');
    expect(await page.locator(t('report-cancelled')).innerText()).toBe('1');
    await shot(page, '06-clerk-report');
  });

  step('30 days later the last reservation has lapsed (voided by the job); the resident sees theirs collected', async () => {
    await server.restart({ clockOffsetMs: 31 * 86_400_000 });
    await until('lapsed reservation voided', async () => statusOf(ids.lapsing), 'voided', SYNC_TIMEOUT * 2);
    const stock = await getOk<{ items: { id: string; onShelf: number; available: number }[] }>(committeeApi, `/api/villages/${villageId}/shop/items`).catch(async () => {
      await committeeApi.login(COMMITTEE.username, COMMITTEE.password);
      return getOk<{ items: { id: string; onShelf: number; available: number }[] }>(committeeApi, `/api/villages/${villageId}/shop/items`);
    });
    expect(stock.items.find((i) => i.id === itemId)).toMatchObject({ onShelf: 2, available: 2 });
    // A month later the phone's session has ended: the resident signs in again.
    const page = resident.page;
    await page.goto(`${server.url}/my/points`);
    await page.locator(`${t('session-expired')} button`).click();
    await page.locator(t('login-tab-resident')).click();
    await page.locator(t('resident-phone')).fill(RESIDENT.phone);
    await page.locator(t('resident-pin')).fill(RESIDENT.pin);
    await page.locator(t('resident-submit')).click();
    await page.locator(t('resident-submit')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.goto(`${server.url}/my/points`);
    await until('collected on screen', () => page.locator(t('points-redemption')).first().getAttribute('data-status'), 'handed_over');
    await shot(page, '07-resident-after');
    expect(people.flatMap((p) => p.problems).filter((p) => (p.startsWith('pageerror')))).toEqual([]);
  });
});
