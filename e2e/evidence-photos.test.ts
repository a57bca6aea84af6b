// Photo evidence end to end (issue 13): at a phone viewport, offline, a collector records 5
// deductions, each with a camera photo (compressed and hashed on the phone, kept in IndexedDB);
// back online the sync uploads the photos before the entries (one upload is cut off and resumes
// from the server's offset), and the server holds every photo under the hash the phone computed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { goOffline, goOnline, launchPerson, screenshot, t, waitForServiceWorker, type Person } from './support/browser';
import { cameraPhoto, phonePhotos, serverPhoto } from './support/photos';
import { serverSql, staffLogin, until, SYNC_TIMEOUT, UI_TIMEOUT } from './support/sync-helpers';

const COLLECTOR = { username: 'collector1', password: 'cunxin-collect' };
/** 经劝导后仍乱倒垃圾 (−5): a household deduction without cap; every deduction needs a photo. */
const INDICATOR = 'B06';
const NOTE = 'e2e-photo-';

let server: TestServer;
let person: Person;
let photoDir: string;

beforeAll(async () => {
  photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-photos-'));
  for (let i = 0; i < 5; i++) cameraPhoto(path.join(photoDir, `photo-${i}.png`), i);
  server = await startServer();
  person = await launchPerson({ viewport: { width: 360, height: 640 } });
});
afterAll(async () => {
  await person?.close();
  await server?.stop();
  fs.rmSync(photoDir, { recursive: true, force: true });
});

const phonePhotosNow = () => phonePhotos(person.page);

describe('photo evidence, offline and back', () => {
  it('records 5 entries with photos offline, uploads them (one resumed) before the entries, and the server has them by hash', async () => {
    const { page, context } = person;
    await staffLogin(page, server.url, COLLECTOR);
    await waitForServiceWorker(page);
    await page.locator(t('village-item')).first().click();
    await page.locator(t('household-item')).first().waitFor({ timeout: UI_TIMEOUT });
    const householdIds = await page.locator(t('household-item')).evaluateAll((els) => els.slice(0, 5).map((e) => e.getAttribute('data-household-id')!));
    const villageUrl = page.url();

    await goOffline(context);
    for (let i = 0; i < 5; i++) {
      await page.goto(villageUrl);
      await page.locator(`${t('household-item')}[data-household-id="${householdIds[i]}"]`).click();
      await page.locator(t('new-entry')).first().click();
      await page.locator(`${t('indicator-item')}[data-code="${INDICATOR}"]`).click();
      await page.locator(t('entry-note')).fill(`${NOTE}${i} 村规民约第5条`);
      if (i === 0) {
        // Without a photo the phone refuses to save a deduction, and keeps the form.
        await page.locator(t('entry-save')).click();
        await page.getByText('请先拍照留证再保存').waitFor({ timeout: UI_TIMEOUT });
        expect(await page.locator(t('entry-note')).inputValue()).toContain(`${NOTE}0`);
      }
      await page.locator(t('evidence-input')).setInputFiles(path.join(photoDir, `photo-${i}.png`));
      await page.locator(t('evidence-photo')).first().waitFor({ timeout: 60_000 });
      if (i === 0) await screenshot(page, 'evidence-entry-form-360', { fullPage: true });
      await page.locator(t('entry-save')).click();
      await page.locator(t('entry-save')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    }
    const stored = await phonePhotosNow();
    expect(stored).toHaveLength(5);
    for (const p of stored) {
      expect(p.type).toBe('image/jpeg');
      expect(p.size).toBeLessThanOrEqual(300 * 1024);
      expect(p.uploaded).toBe(0);
    }

    // The network comes back; the first photo's last chunk is cut off once (the upload resumes).
    const log: string[] = [];
    let cut: { hash: string; start: number; total: number } | null = null;
    const handler = async (route: Route) => {
      const req = route.request();
      const m = /\/api\/evidence\/([0-9a-f]{64})$/.exec(new URL(req.url()).pathname);
      const range = req.headers()['content-range'];
      if (m && req.method() === 'PUT' && range && !cut) {
        const [, start, end, total] = /bytes (\d+)-(\d+)\/(\d+)/.exec(range)!.map(Number);
        if (end + 1 === total && start > 0) {
          cut = { hash: m[1], start, total };
          log.push(`cut ${m[1]} at ${start}/${total}`);
          return route.abort('connectionreset');
        }
      }
      log.push(`${req.method()} ${new URL(req.url()).pathname}${range ? ` ${range}` : ''}`);
      return route.continue();
    };
    await page.route('**/api/**', handler);
    await goOnline(context);
    await until('5 entries on the server', async () => serverSql<{ n: number }>(server, 'SELECT count(*) AS n FROM entries WHERE note LIKE ?', `${NOTE}%`)[0].n, 5, SYNC_TIMEOUT * 2);
    await until('every photo uploaded on the phone', async () => (await phonePhotosNow()).every((p) => p.uploaded === 1), true, SYNC_TIMEOUT);
    await page.unroute('**/api/**', handler);

    // Resumed: after the cut, the phone asked for the offset and sent only the rest.
    expect(cut).not.toBeNull();
    const { hash: cutHash, start: cutAt } = cut!;
    const after = log.slice(log.findIndex((l) => l.startsWith('cut')) + 1);
    expect(after).toContain(`GET /api/evidence/${cutHash}/upload`);
    expect(after.filter((l) => l.startsWith(`PUT /api/evidence/${cutHash}`))).toEqual([
      expect.stringContaining(`bytes ${cutAt}-`),
    ]);
    console.log(`upload of ${cutHash.slice(0, 12)}… cut at ${cutAt} of ${cut!.total} bytes (${Math.round((cutAt / cut!.total) * 100)} %), resumed from there`);
    // No entry left before its photos: every sync that carried an entry came after its photo's last PUT.
    const lastPut = Math.max(...stored.map((p) => log.findLastIndex((l) => l.startsWith(`PUT /api/evidence/${p.hash}`))));
    const firstSync = log.findIndex((l) => l.startsWith('POST /api/sync'));
    expect(lastPut).toBeLessThan(log.findLastIndex((l) => l.startsWith('POST /api/sync')));
    expect(firstSync).toBeGreaterThanOrEqual(0);

    // The server: every photo complete, under the phone's hash, and the bytes hash to it.
    for (const p of stored) expect(serverPhoto(server, p.hash), p.hash).toEqual({ size: p.size, complete: 1, fileSha256: p.hash });
    const links = serverSql<{ note: string; sha256: string }>(server,
      'SELECT e.note AS note, ev.sha256 AS sha256 FROM entry_evidence ev JOIN entries e ON e.id = ev.entry_id WHERE e.note LIKE ? ORDER BY e.note', `${NOTE}%`);
    expect(links).toHaveLength(5);
    expect(new Set(links.map((l) => l.sha256))).toEqual(new Set(stored.map((p) => p.hash)));
    // Offline and the cut connection log "Failed to load resource"; nothing else may.
    expect(person.problems.filter((p) => (p.startsWith('console.error') || p.startsWith('pageerror')) && !/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|CONNECTION_RESET)/.test(p))).toEqual([]);
  });
});
