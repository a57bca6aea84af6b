// Roster import through the API on SQLite and PostgreSQL (issue 11): a messy XLSX and a GBK CSV
// with their dry-run reports, all-or-nothing, idempotent (the same file again changes nothing),
// the result in the phones' pull, the history with file and report, and the export's round trip.
import iconv from 'iconv-lite';
import * as XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, TEST_ID_NUMBER, type Fixture } from '../../test/fixtures';
import { makeSyntheticIdNumber } from '../../../shared/validation/id-number';
import { decodeRows } from '../../../shared/protocol/tables';
import { scopeOfVillage, type SyncResponse } from '../../../shared/protocol/sync';
import { request as syncRequest } from '../../test/sync-fixture';
import { pendingDryRuns } from './roster-routes';
import { parseCsv } from '../../exports/parse-csv';
import { libreofficeCsvs, LIBREOFFICE, SKIP_WITHOUT_LIBREOFFICE } from '../../test/libreoffice';

const ID_1 = makeSyntheticIdNumber('370283', '19800101', 11);
const ID_2 = makeSyntheticIdNumber('370283', '19820202', 22);
const ID_3 = makeSyntheticIdNumber('370283', '20100303', 33);
const ID_4 = makeSyntheticIdNumber('370283', '19700404', 44);
const fullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A clerk's workbook: a title row, varying headers, every messy case of the issue. */
export function messyWorkbook(): Uint8Array {
  const rows: unknown[][] = [
    ['东村2026年户籍花名册'],
    ['户编号', '姓 名', '与户主的关系', '公民身份号码', '手机号码', '组别', '出生年月', '人员状态'],
    ['0101', '王 建国', '户主', fullWidth(ID_1), '１３９００１３９０００', '第二组', null, null],
    ['0101', '李秀英', '妻', ` ${ID_2} `, null, '2', null, null],
    ['0101', '王小宝', '子', null, null, '2', 40179, null], // no ID, Excel serial date (2010-01-01)
    ['0101', '王小宝', '子', null, null, '2', 40179, null], // duplicate row
    [null, null, null, null, null, null, null, null], // blank line
    ['0102', '赵大山', '户主', 370283197004044000, null, '3', null, null], // ID number as a number cell
    ['', '孙无户', '户主', ID_3, null, '3', null, null], // blank household number
    ['0103', '周错号', '户主', `${ID_4.slice(0, 17)}${ID_4.endsWith('1') ? '2' : '1'}`, null, '3', null, null], // invalid check digit
    ['001', '张三', '户主', TEST_ID_NUMBER, null, null, null, '已故'], // existing person, deceased
  ];
  const ws = XLSX.utils.aoa_to_sheet(rows);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, '花名册');
  return new Uint8Array(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

/** The same clerk's GBK CSV: other header names, a new household, a person moved out. */
export function gbkCsv(): Uint8Array {
  const text = ['户号,姓名,与户主关系,身份证号,联系电话,村民小组,状态', `0104,钱多多,户主,${ID_4},13700137000,4,`, '001,张小明,子,,,,迁出', ''].join('\r\n');
  return new Uint8Array(iconv.encode(text, 'gbk'));
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe.each(await testDialects())('roster import on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });
  const base = () => `/api/township/villages/${fx.ids.v1}/roster-imports`;

  async function upload(fileName: string, bytes: Uint8Array) {
    const res = await fx.request('township', 'POST', base(), { fileName, contentBase64: b64(bytes) });
    expect(res.status).toBe(202);
    const { import: imp } = await res.json();
    await pendingDryRuns.get(imp.id);
    const detail = await (await fx.request('township', 'GET', `${base()}/${imp.id}`)).json();
    return detail as { import: { id: string; status: string; counts: Record<string, number> }; rows: { line: number; action: string; reason: string; changes: string[]; idMasked: string | null }[] };
  }
  const apply = (id: string, skipErrorRows = false) => fx.request('township', 'POST', `${base()}/${id}/apply`, { skipErrorRows });
  const personCount = async () => Number((await fx.deps.db.selectFrom('persons').select(fx.deps.db.fn.countAll().as('n')).where('village_id', '=', fx.ids.v1).where('deleted', '=', 0).executeTakeFirstOrThrow()).n);

  it('a messy XLSX: the dry run says what each row would do, with the reason in Chinese', async () => {
    const { import: imp, rows } = await upload('东村花名册.xlsx', messyWorkbook());
    expect(imp.status).toBe('ready');
    const byLine = Object.fromEntries(rows.map((r) => [r.line, r]));
    expect(byLine[3]).toMatchObject({ action: 'create', changes: ['新增户', '新增村民'], idMasked: `370283********${ID_1.slice(-4)}` });
    expect(byLine[4].action).toBe('create');
    expect(byLine[5].action).toBe('create');
    expect(byLine[6]).toMatchObject({ action: 'skipped', reason: '与第5行完全相同，已忽略' });
    expect(byLine[7]).toMatchObject({ action: 'skipped', reason: '空行' });
    expect(byLine[8].action).toBe('error');
    expect(byLine[8].reason).toContain('存成了数字');
    expect(byLine[9].reason).toContain('户号为空');
    expect(byLine[10].reason).toContain('校验位');
    expect(byLine[11]).toMatchObject({ action: 'update', changes: ['已故'] });
    expect(imp.counts).toEqual({ create: 3, update: 1, unchanged: 0, error: 3, skipped: 2 });
    // The report never holds a clear ID number.
    expect(JSON.stringify(rows)).not.toContain(ID_1);
  });

  it('imports all or nothing: errors refuse it unless skipped; a roster changed since the preview refuses it', async () => {
    const { import: imp } = await upload('东村花名册.xlsx', messyWorkbook());
    const before = await personCount();
    const refused = await apply(imp.id);
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.message).toContain('3 行有错误');
    // Someone registers household 0101 after the preview: the plan no longer holds, nothing is written.
    const other = await fx.addHousehold(fx.ids.v1, '0101', '王建国');
    const stale = await apply(imp.id, true);
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe('roster_changed');
    expect(await personCount()).toBe(before);
    await fx.deps.db.deleteFrom('changes').where('entity_id', '=', other).execute();
    await fx.deps.db.deleteFrom('households').where('id', '=', other).execute();
  });

  it('imports the valid rows, phones pull them, and the same file again changes nothing', async () => {
    const { import: imp } = await upload('东村花名册.xlsx', messyWorkbook());
    const before = await personCount();
    const res = await apply(imp.id, true);
    expect(res.status).toBe(200);
    const { result, import: done } = await res.json();
    expect(result).toMatchObject({ households: 1, persons: 4, skippedErrors: 3 });
    expect(done.status).toBe('applied');
    expect(await personCount()).toBe(before + 3 - 1);
    const again = await apply(imp.id, true);
    expect(again.status).toBe(409);

    // A collector's phone pulls the new household and persons, and the deceased person's tombstone.
    const pull = await fx.request('collector', 'POST', '/api/sync', syncRequest([], { cursors: { [scopeOfVillage(fx.ids.v1)]: 0 } }));
    const body = await pull.json() as SyncResponse;
    const page = body.changes.find((c) => c.scope === scopeOfVillage(fx.ids.v1))!;
    const pulledNames = decodeRows('person', page.tables.person!).map((p) => p.name);
    expect(pulledNames).toEqual(expect.arrayContaining(['王建国', '李秀英', '王小宝']));
    expect(page.deleted.map((d) => d.id)).toContain(fx.ids.p1);
    expect(decodeRows('household', page.tables.household!).map((h) => h.householdNo)).toContain('0101');

    // The same file once more: nothing would change, and importing it writes nothing.
    const second = await upload('东村花名册.xlsx', messyWorkbook());
    expect(second.import.counts).toMatchObject({ create: 0, update: 0, error: 3 });
    const quiet = await apply(second.import.id, true);
    expect((await quiet.json()).result).toMatchObject({ households: 0, persons: 0 });
    expect(await personCount()).toBe(before + 2);
  });

  it('a GBK CSV with other header names: a new household and a person moved out', async () => {
    const { import: imp, rows } = await upload('roster-gbk.csv', gbkCsv());
    expect(rows.map((r) => r.action)).toEqual(['create', 'update']);
    // 张三 died in the first import: with 张小明 gone the whole household has moved out.
    expect(rows[1].changes).toEqual(['迁出', '全户迁出']);
    expect((await apply(imp.id)).status).toBe(200);
    const h = await fx.deps.db.selectFrom('households').select(['head_name', 'group_no', 'phone']).where('village_id', '=', fx.ids.v1).where('household_no', '=', '0104').executeTakeFirstOrThrow();
    expect(h).toEqual({ head_name: '钱多多', group_no: 4, phone: '13700137000' });
  });

  it('keeps every import with its file and report, audited', async () => {
    const list = (await (await fx.request('township', 'GET', base())).json()).imports as { id: string; fileName: string; status: string }[];
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(list[0]).toMatchObject({ fileName: 'roster-gbk.csv', status: 'applied' });
    const file = await fx.request('township', 'GET', `${base()}/${list[0].id}/file`);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(gbkCsv());
    // The stored file is encrypted: no clear ID number in the table.
    const stored = await fx.deps.db.selectFrom('roster_imports').select('file_cipher').execute();
    expect(stored.every((r) => !r.file_cipher.includes(b64(gbkCsv()).slice(0, 20)))).toBe(true);
    const audit = await fx.deps.db.selectFrom('audit_log').select(['action', 'row_count']).where('action', 'like', 'roster.%').execute();
    expect(audit.filter((a) => a.action === 'roster.import').length).toBe(3);
    expect(audit.filter((a) => a.action === 'roster.upload').length).toBeGreaterThanOrEqual(4);
  });

  it.each(['csv', 'xlsx'] as const)('the %s export (row key, masked ID numbers) re-imports onto the same rows: a round trip changes nothing', async (format) => {
    const res = await fx.request('township', 'GET', `/api/township/villages/${fx.ids.v1}/roster-export?format=${format}`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = format === 'csv' ? Buffer.from(bytes).toString('utf8') : XLSX.utils.sheet_to_csv(XLSX.read(bytes).Sheets['名册']);
    if (format === 'csv') expect(text.startsWith('\uFEFF户号,村民小组,姓名')).toBe(true);
    expect(text).toContain(`370283********${ID_1.slice(-4)}`);
    expect(text).not.toContain(ID_1);
    expect(text).toContain('137****7000');
    const { import: imp, rows } = await upload(`export.${format}`, bytes);
    expect(rows.length).toBe(4); // 王建国, 李秀英, 王小宝 and 钱多多 are on the roster
    expect(imp.counts).toEqual({ create: 0, update: 0, unchanged: rows.length, error: 0, skipped: 0 });
    expect((await (await apply(imp.id)).json()).result).toMatchObject({ households: 0, persons: 0 });
    const audit = await fx.deps.db.selectFrom('audit_log').select(['row_count', 'detail']).where('action', '=', 'export.roster').execute();
    expect(audit.at(-1)).toMatchObject({ row_count: rows.length });
  });

  it.skipIf(!LIBREOFFICE)(`the roster XLSX opens in LibreOffice and reads as the roster CSV, a frozen Chinese header first${SKIP_WITHOUT_LIBREOFFICE}`, async () => {
    const get = async (format: string) => fx.request('township', 'GET', `/api/township/villages/${fx.ids.v1}/roster-export?format=${format}`);
    const xlsxRes = await get('xlsx');
    expect(xlsxRes.headers.get('content-disposition')).toContain(encodeURIComponent('东村名册-'));
    const xlsx = new Uint8Array(await xlsxRes.arrayBuffer());
    const csv = parseCsv(await (await get('csv')).text());
    expect(csv[0]).toEqual(['户号', '村民小组', '姓名', '与户主关系', '身份证号', '联系电话', '出生日期', '状态', '行键']);
    expect(csv.length).toBeGreaterThan(4);
    expect(parseCsv(libreofficeCsvs({ roster: xlsx }).roster)).toEqual(csv);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx) as unknown as ArrayBuffer);
    expect(wb.worksheets[0].views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  }, 240_000);

  it('refuses a file that is not a roster, and another township\'s village is 404', async () => {
    const res = await fx.request('township', 'POST', base(), { fileName: 'a.pdf', contentBase64: b64(new Uint8Array([1, 2, 3])) });
    expect(res.status).toBe(415);
    const noHeader = await upload('x.csv', new TextEncoder().encode('a,b\n1,2\n'));
    expect(noHeader.import).toMatchObject({ status: 'failed' });
    expect((await fx.request('township', 'POST', `/api/township/villages/${fx.ids.v3}/roster-imports`, { fileName: 'a.csv', contentBase64: b64(gbkCsv()) })).status).toBe(404);
    expect((await fx.request('collector', 'GET', `/api/township/villages/${fx.ids.v1}/roster-export`)).status).toBe(403);
  });
});
