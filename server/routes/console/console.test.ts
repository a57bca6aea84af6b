// The township console's API (issue 11): charts from kept tallies, anomaly checks audited in the
// same transaction, the audit log, and exports as CSV (BOM) and XLSX (typed cells, frozen Chinese
// header) that LibreOffice opens to the same table; staff of another township see none of it.
import ExcelJS from 'exceljs';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { openSession } from '../../auth/login';
import { sessionCookieName } from '../../auth/session-token';
import { listAudit } from '../../repositories/audit';
import { parseCsv } from '../../exports/parse-csv';
import { recordConsent } from '../../repositories/consents';
import { CONSENT_PURPOSES } from '../../../shared/domain/consent';
import { ROW_SOURCES } from '../../exports/sources';
import { ExportThread } from '../../exports/thread';
import { libreofficeCsvs, LIBREOFFICE, SKIP_WITHOUT_LIBREOFFICE } from '../../test/libreoffice';

/** Polls until the audit log of the township holds `n` rows of an action (exports audit once written). */
async function auditRows(fx: Fixture, action: string, n: number) {
  for (let i = 0; i < 100; i++) {
    const rows = (await listAudit(fx.deps.db, fx.ids.t1, { limit: 100 })).filter((r) => r.action === action);
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no audit row ${action}`);
}

describe.each(await testDialects())('township console on %s', (dialect) => {
  let fx: Fixture;
  let otherTownshipCookie = '';
  let flagId = '';
  let otherFlagId = '';
  beforeAll(async () => {
    fx = await createFixture(dialect);
    const h1b = await fx.addHousehold(fx.ids.v1, '002', '赵六');
    for (let i = 0; i < 3; i++) await fx.addEntry({ householdId: fx.ids.h1, points: 5, state: 'effective', occurredOn: '2025-03-0' + (i + 1) });
    await fx.addEntry({ householdId: h1b, points: -3, state: 'effective', occurredOn: '2025-05-20' });
    await fx.addEntry({ householdId: fx.ids.h1, points: 2, occurredOn: '2025-06-10' }); // awaiting review
    await fx.addEntry({ householdId: fx.ids.h2, points: 4, state: 'effective', occurredOn: '2025-04-11' });
    // Exports carry only households that consented to the purpose (server/routes/residents/consent-places.test.ts).
    for (const [householdId, villageId] of [[fx.ids.h1, fx.ids.v1], [h1b, fx.ids.v1], [fx.ids.h2, fx.ids.v2], [fx.ids.h3, fx.ids.v3]]) {
      for (const purpose of CONSENT_PURPOSES) await recordConsent(fx.deps.db, { householdId, villageId, purpose, granted: true, recordedBy: fx.ids.users.committee, at: fx.deps.now().toISOString() });
    }
    await fx.addEntry({ householdId: fx.ids.h3, points: 9, state: 'effective', occurredOn: '2025-04-11' }); // other township
    const at = fx.deps.now().toISOString();
    await fx.deps.db.insertInto('credit_records').values({
      id: uuidv7(), village_id: fx.ids.v1, household_id: fx.ids.h1, person_id: fx.ids.p1, kind: 'honour', source: 'township', occurred_on: '2025-02-02',
      document_no: '', note: '', state: 'submitted', recorder_id: fx.ids.users.collector, device_id: 'd', content_hash: 'x', client_created_at: at, created_at: at, updated_at: at,
    }).execute();
    flagId = uuidv7();
    otherFlagId = uuidv7();
    await fx.deps.db.insertInto('anomaly_flags').values([
      { id: flagId, township_id: fx.ids.t1, village_id: fx.ids.v1, kind: 'household_burst', subject_id: fx.ids.h1, day: '2025-03-01', score: 7, reason_zh: '同一户一天内记录过多', computed_at: at },
      { id: otherFlagId, township_id: fx.ids.t2, village_id: fx.ids.v3, kind: 'household_burst', subject_id: fx.ids.h3, day: '2025-04-11', score: 7, reason_zh: '邻镇的提示', computed_at: at },
    ]).execute();
    // A township officer of the other township (T2).
    const other = uuidv7();
    await fx.deps.db.insertInto('users').values({ id: other, username: 'township2', display_name: '邻镇干部', role: 'township', township_id: fx.ids.t2, household_id: null, phone: null, password_hash: null, pin_hash: null, created_at: at }).execute();
    otherTownshipCookie = `${sessionCookieName(fx.deps.config)}=${await openSession(fx.deps, other)}`;
  });
  afterAll(async () => { await fx.close(); });

  const asOther = (url: string, init: RequestInit = {}) => fx.app.request(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: otherTownshipCookie } });

  it('charts the year from kept tallies: monthly trend, ranking, star levels and backlog', async () => {
    const res = await fx.request('township', 'GET', '/api/township/charts?year=2025');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.months).toHaveLength(12);
    expect(body.villages.map((v: { name: string }) => v.name).sort()).toEqual(['东村', '西村']);
    const march = body.trend.find((t: { villageId: string; month: string }) => t.villageId === fx.ids.v1 && t.month === '2025-03');
    expect(march).toMatchObject({ entries: 3, points: 15 });
    expect(body.stars.reduce((n: number, s: { households: number }) => n + s.households, 0)).toBe(3);
    expect(body.backlog).toEqual([expect.objectContaining({ villageId: fx.ids.v1, pending: 1 })]);
    // Both villages at 100% participation: the higher median (东村) goes first.
    expect(body.ranking.map((r: { villageId: string }) => r.villageId)).toEqual([fx.ids.v1, fx.ids.v2]);
  });

  it('marks a flag checked with a note, audited with it; a recomputed flag stays checked', async () => {
    expect((await fx.request('township', 'POST', `/api/township/anomalies/${flagId}/check`, { note: '' })).status).toBe(400);
    const res = await fx.request('township', 'POST', `/api/township/anomalies/${flagId}/check`, { note: '已电话核实，属实' });
    expect(res.status).toBe(200);
    const audit = await auditRows(fx, 'anomaly.check', 1);
    expect(audit[0]).toMatchObject({ actorId: fx.ids.users.township, subjectKind: 'household_burst', subjectId: fx.ids.h1 });
    // The background job replaces flags with new ids: the check is kept by what the flag is about.
    await fx.deps.db.updateTable('anomaly_flags').set({ id: uuidv7() }).where('id', '=', flagId).execute();
    const flags = (await (await fx.request('township', 'GET', '/api/township/anomalies')).json()).flags;
    expect(flags).toEqual([expect.objectContaining({ subjectId: fx.ids.h1, check: expect.objectContaining({ note: '已电话核实，属实', checkedByName: 'township用户' }) })]);
    // Another township's flag is not there to check.
    expect((await fx.request('township', 'POST', `/api/township/anomalies/${otherFlagId}/check`, { note: '越界' })).status).toBe(404);
  });

  it('exports entries as CSV with a BOM, Chinese headers, typed values and no ID numbers; audited with the row count', async () => {
    const res = await fx.request('township', 'GET', '/api/township/exports/entries?year=2025&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('积分记录'));
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8'));
    expect(rows[0]).toEqual(['村庄', '户号', '户主', '发生日期', '指标代码', '指标', '分值', '状态', '记录人', '录入时间']);
    expect(rows).toHaveLength(1 + 6); // own township only
    expect(rows.some((r) => r[0] === '南村')).toBe(false);
    expect(rows.find((r) => r[6] === '-3')).toEqual(expect.arrayContaining(['东村', '002', '赵六', '2025-05-20', '已生效']));
    const audit = await auditRows(fx, 'export.entries', 1);
    expect(audit[0]).toMatchObject({ actorId: fx.ids.users.township, rowCount: 6, detail: expect.objectContaining({ format: 'csv', year: 2025, complete: true }) });
  });

  it('exports credit records with the ID number masked, never in clear', async () => {
    const text = await (await fx.request('township', 'GET', '/api/township/exports/credit-records?year=2025')).text();
    const rows = parseCsv(text);
    expect(rows[1]).toEqual(expect.arrayContaining(['张三', '荣誉表彰', '2025-02-02']));
    expect(rows[1][4]).toMatch(/^\*{14}\d{3}[\dX]$/);
    expect(text).not.toMatch(/\d{17}[\dX]/);
  });

  it('exports XLSX with typed cells and a frozen Chinese header', async () => {
    const res = await fx.request('township', 'GET', '/api/township/exports/entries?year=2025&format=xlsx');
    expect(res.status).toBe(200);
    const xlsx = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('积分记录');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).getCell(1).value).toBe('村庄');
    const row = ws.getRow(2);
    expect(row.getCell(4).value).toBeInstanceOf(Date);
    expect(typeof row.getCell(7).value).toBe('number');
  });

  // Every row source of server/exports/sources (the roster export: server/routes/office/roster.test.ts).
  it.skipIf(!LIBREOFFICE)(`every export's XLSX opens in LibreOffice and reads as its CSV: ${ROW_SOURCES.map((s) => s.key).join(', ')}${SKIP_WITHOUT_LIBREOFFICE}`, async () => {
    const xlsx: Record<string, Uint8Array> = {};
    const csv: Record<string, string[][]> = {};
    for (const source of ROW_SOURCES) {
      const x = await fx.request('township', 'GET', `/api/township/exports/${source.key}?year=2025&format=xlsx`);
      expect(x.status, source.key).toBe(200);
      expect(x.headers.get('content-type')).toContain('spreadsheetml');
      xlsx[source.key] = new Uint8Array(await x.arrayBuffer());
      csv[source.key] = parseCsv(await (await fx.request('township', 'GET', `/api/township/exports/${source.key}?year=2025&format=csv`)).text());
      expect(csv[source.key][0], source.key).toEqual(source.columns.map((c) => c.header));
    }
    const read = libreofficeCsvs(xlsx);
    for (const source of ROW_SOURCES) expect(parseCsv(read[source.key]), source.key).toEqual(csv[source.key]);
    // Data rows, not only headers, for the ledgers and the ranking (payouts: in the payouts test).
    for (const key of ['ranking', 'village-tallies', 'entries', 'credit-records']) expect(csv[key].length, key).toBeGreaterThan(1);
  }, 240_000);

  it('on the export thread (as the server runs them) an export is the same file, audited as complete', async () => {
    const thread = new ExportThread({ databaseUrl: fx.database.databaseUrl, sqlitePath: fx.database.sqlitePath });
    const get = async (format: string) => new Uint8Array(await (await fx.request('township', 'GET', `/api/township/exports/entries?year=2025&format=${format}`)).arrayBuffer());
    const audited = (await listAudit(fx.deps.db, fx.ids.t1, { limit: 100 })).filter((r) => r.action === 'export.entries').length;
    try {
      const here = { csv: await get('csv'), xlsx: await get('xlsx') };
      fx.deps.exportRunner = thread;
      const there = { csv: await get('csv'), xlsx: await get('xlsx') };
      expect(Buffer.from(there.csv).toString('utf8')).toBe(Buffer.from(here.csv).toString('utf8'));
      const rows = async (bytes: Uint8Array) => {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
        return wb.worksheets[0].getSheetValues().map((r) => JSON.stringify(r));
      };
      expect(await rows(there.xlsx)).toEqual(await rows(here.xlsx));
      const audit = await auditRows(fx, 'export.entries', audited + 4);
      expect(audit[0]).toMatchObject({ rowCount: 6, detail: expect.objectContaining({ complete: true }) });
    } finally {
      delete fx.deps.exportRunner;
      await thread.close();
    }
  }, 120_000);

  it('exports the ranking and the village tallies in both formats', async () => {
    const ranking = parseCsv(await (await fx.request('township', 'GET', '/api/township/exports/ranking?year=2025')).text());
    expect(ranking[0].slice(0, 4)).toEqual(['名次', '村庄', '户数', '参与率']);
    expect(ranking[1].slice(0, 4)).toEqual(['1', '东村', '2', '100.0%']);
    const tallies = parseCsv(await (await fx.request('township', 'GET', '/api/township/exports/village-tallies?year=2025')).text());
    expect(tallies.find((r) => r[0] === '东村')?.slice(0, 3)).toEqual(['东村', '2', '5']);
    const xlsx = await fx.request('admin', 'GET', '/api/township/exports/ranking?year=2025&format=xlsx');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('reads the audit log newest first, a page at a time, with the actor\'s name', async () => {
    await auditRows(fx, 'export.ranking', 2);
    const first = await (await fx.request('township', 'GET', '/api/township/audit?limit=2')).json();
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0].actorName).toMatch(/用户$/);
    expect(first.nextBefore).toBeTruthy();
    const next = await (await fx.request('township', 'GET', `/api/township/audit?limit=50&before=${encodeURIComponent(first.nextBefore)}`)).json();
    expect(next.entries.map((e: { id: string }) => e.id)).not.toContain(first.entries[0].id);
    expect(first.entries.concat(next.entries).map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['anomaly.check', 'export.entries']));
  });

  it('staff of another township see their own township only: 404 on this one\'s villages, households and flags', async () => {
    for (const url of [`/api/villages/${fx.ids.v1}/households?year=2025`, `/api/households/${fx.ids.h1}`]) {
      expect((await asOther(url)).status, url).toBe(404);
    }
    expect((await asOther(`/api/township/anomalies/${flagId}/check`, { method: 'POST', body: JSON.stringify({ note: 'x' }), headers: { 'content-type': 'application/json' } })).status).toBe(404);
    const exported = parseCsv(await (await asOther('/api/township/exports/entries?year=2025')).text());
    expect(exported.slice(1).map((r) => r[0])).toEqual(['南村']);
    const audit = await (await asOther('/api/township/audit')).json();
    expect(audit.entries.every((e: { action: string }) => e.action === 'export.entries')).toBe(true);
    const charts = await (await asOther('/api/township/charts?year=2025')).json();
    expect(charts.villages.map((v: { name: string }) => v.name)).toEqual(['南村']);
  });

  it('is for township staff and admins: a collector or resident gets 403 on every console route', async () => {
    const urls = ['/api/township/charts', '/api/township/audit', '/api/township/exports/ranking', '/api/township/exports/village-tallies',
      '/api/township/exports/entries', '/api/township/exports/credit-records'];
    for (const user of ['collector', 'resident', 'committee'] as const) {
      for (const url of urls) expect((await fx.request(user, 'GET', url)).status, `${user} ${url}`).toBe(403);
      expect((await fx.request(user, 'POST', `/api/township/anomalies/${flagId}/check`, { note: 'x' })).status).toBe(403);
    }
  });
});
