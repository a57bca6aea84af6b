// The export thread gives way to sync (give-way.ts): it sleeps between two pages or slices while a
// POST /api/sync is in flight, wakes as soon as the last one is answered, and its bytes are the
// same as without waiting.
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture } from '../test/fixtures';
import { recordConsent } from '../repositories/consents';
import { CONSENT_PURPOSES } from '../../shared/domain/consent';
import { ExportThread } from './thread';
import { InFlightGauge, countSyncInFlight, syncInFlight } from './give-way';
import type { AppEnv } from '../context';

describe('InFlightGauge', () => {
  it('waits while a request is in flight, at most its bound, and wakes when the last one leaves', async () => {
    const gauge = new InFlightGauge();
    expect(gauge.waitIdle(1000)).toBeLessThan(50); // nothing in flight: no wait
    gauge.enter();
    gauge.enter();
    expect(gauge.inFlight).toBe(2);
    const bounded = gauge.waitIdle(60);
    expect(bounded).toBeGreaterThanOrEqual(59);
    expect(bounded).toBeLessThan(1000);
    // Another thread answers both requests after ~150 ms: the wait ends then, long before its bound.
    const other = new Worker(
      `const { workerData } = require('node:worker_threads');
       const c = new Int32Array(workerData);
       setTimeout(() => { Atomics.sub(c, 0, 1); setTimeout(() => { Atomics.sub(c, 0, 1); Atomics.notify(c, 0); }, 50); }, 100);`,
      { eval: true, workerData: gauge.buffer },
    );
    const waited = gauge.waitIdle(10_000);
    await other.terminate();
    expect(gauge.inFlight).toBe(0);
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(5000);
  });

  it('counts a sync request while it is served, also when it fails', async () => {
    const app = new Hono<AppEnv>();
    let during = -1;
    app.post('/ok', countSyncInFlight, (c) => { during = syncInFlight.inFlight; return c.text('ok'); });
    app.post('/fails', countSyncInFlight, () => { throw new Error('boom'); });
    app.onError((_err, c) => c.text('failed', 500));
    const before = syncInFlight.inFlight;
    expect((await app.request('/ok', { method: 'POST' })).status).toBe(200);
    expect(during).toBe(before + 1);
    expect((await app.request('/fails', { method: 'POST' })).status).toBe(500);
    expect(syncInFlight.inFlight).toBe(before);
  });
});

describe.each(await testDialects())('the export thread gives way to sync on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture(dialect);
    for (let i = 0; i < 30; i++) {
      await fx.addEntry({ householdId: fx.ids.h1, points: 1 + (i % 5), state: 'effective', occurredOn: `2025-03-${String(1 + (i % 28)).padStart(2, '0')}` });
    }
    for (const purpose of CONSENT_PURPOSES) {
      await recordConsent(fx.deps.db, { householdId: fx.ids.h1, villageId: fx.ids.v1, purpose, granted: true, recordedBy: fx.ids.users.committee, at: fx.deps.now().toISOString() });
    }
  });
  afterAll(() => fx.close());

  it('holds an export while a push is in flight, resumes when it is answered, and writes the same bytes', async () => {
    const get = async (format: string) => {
      const res = await fx.request('township', 'GET', `/api/township/exports/entries?year=2025&format=${format}`);
      return { res, bytes: async () => new Uint8Array(await res.arrayBuffer()) };
    };
    const free = new ExportThread({ databaseUrl: fx.database.databaseUrl, sqlitePath: fx.database.sqlitePath, giveWayMs: 0 });
    const gauge = new InFlightGauge();
    // A bound far above the test's patience: the thread waits for as long as the push is in flight.
    const polite = new ExportThread({ databaseUrl: fx.database.databaseUrl, sqlitePath: fx.database.sqlitePath, gauge, giveWayMs: 60_000 });
    try {
      fx.deps.exportRunner = free;
      const expected = { csv: await (await get('csv')).bytes(), xlsx: await (await get('xlsx')).bytes() };
      expect(Buffer.from(expected.csv).toString('utf8').split('\r\n').length).toBe(32); // header, 30 rows, ''

      fx.deps.exportRunner = polite;
      for (const format of ['csv', 'xlsx'] as const) {
        // Nothing in flight: the thread (started by this first export) does not wait.
        const t0 = performance.now();
        const first = await (await get(format)).bytes();
        const unhindered = performance.now() - t0;
        expect(await same(format, first, expected[format])).toBe(true);
        // A push is being served: the thread holds the export between two pages or slices, for
        // longer than the whole export took unhindered.
        gauge.enter();
        const { bytes } = await get(format);
        let done = false;
        const read = bytes().then((b) => { done = true; return b; });
        await new Promise((r) => setTimeout(r, Math.max(1500, 3 * unhindered)));
        expect(done, `${format} finished while a push was in flight`).toBe(false);
        gauge.leave(); // answered: the thread wakes at once and finishes
        expect(await same(format, await read, expected[format])).toBe(true);
      }
    } finally {
      delete fx.deps.exportRunner;
      await free.close();
      await polite.close();
    }
  }, 120_000);
});

async function same(format: 'csv' | 'xlsx', got: Uint8Array, expected: Uint8Array): Promise<boolean> {
  if (format === 'csv') return Buffer.from(got).equals(Buffer.from(expected));
  return JSON.stringify(await sheetRows(got)) === JSON.stringify(await sheetRows(expected));
}

/** The sheet's values (an XLSX's zip carries timestamps, so two files of one export differ in bytes). */
async function sheetRows(bytes: Uint8Array): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb.worksheets[0].getSheetValues().map((r) => JSON.stringify(r));
}
