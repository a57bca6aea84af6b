// The roster export (issue 11): the village's persons as CSV (UTF-8 with BOM, so Excel and WPS
// read the Chinese) or XLSX (exceljs; a frozen Chinese header row, numbers as numbers), with an
// opaque row key and masked ID numbers and phones. Re-importing it lands on the same rows and
// changes nothing (roster-plan.ts: the row key matches, a masked value keeps the stored one).
// Self-contained on purpose: it can move into server/exports/ later. Every export is audited.
import ExcelJS from 'exceljs';
import type { Deps } from '../context';
import { writeTransaction } from '../db/transaction';
import { recordAudit } from '../repositories/audit';
import { listRosterForExport } from '../repositories/roster-imports';
import { decryptIdNumber } from '../security/pii';
import { maskIdNumber } from '../../shared/validation/id-number';
import { maskPhone } from '../../shared/validation/phone';
import { encodeRowKey, STATUS_LABELS } from '../../shared/domain/roster-import';

export const EXPORT_HEADER = ['户号', '村民小组', '姓名', '与户主关系', '身份证号', '联系电话', '出生日期', '状态', '行键'] as const;

type Cell = string | number | null;

async function exportRows(deps: Pick<Deps, 'db' | 'pii'>, villageId: string): Promise<Cell[][]> {
  const persons = await listRosterForExport(deps.db, villageId);
  // The head first within each household, as clerks list them.
  const rank = (relation: string) => (relation === '户主' ? 0 : 1);
  persons.sort((a, b) => (a.householdNo === b.householdNo ? rank(a.relation) - rank(b.relation) : a.householdNo < b.householdNo ? -1 : 1));
  return persons.map((p) => [
    p.householdNo, p.groupNo, p.name, p.relation, p.idCipher ? maskIdNumber(decryptIdNumber(deps.pii, p.idCipher)) : '',
    p.phone ? maskPhone(p.phone) : '', p.birthYear, STATUS_LABELS.active, encodeRowKey(p.personId),
  ]);
}

const csvCell = (v: Cell) => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export interface RosterExport { fileName: string; contentType: string; body: Uint8Array; rows: number }

export async function exportRoster(
  deps: Pick<Deps, 'db' | 'dialect' | 'pii' | 'now'>,
  who: { townshipId: string; villageId: string; villageName: string; userId: string },
  format: 'csv' | 'xlsx',
): Promise<RosterExport> {
  const rows = await exportRows(deps, who.villageId);
  const day = deps.now().toISOString().slice(0, 10);
  const fileName = `${who.villageName}名册-${day}.${format}`;
  let body: Uint8Array;
  if (format === 'csv') {
    body = Buffer.from(`\uFEFF${[EXPORT_HEADER as readonly Cell[], ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');
  } else {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名册', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = EXPORT_HEADER.map((h, i) => ({ header: h, width: [8, 8, 12, 10, 22, 14, 10, 8, 26][i] }));
    ws.getRow(1).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    // 户号 and the key stay text: Excel must not drop leading zeros.
    ws.getColumn(1).numFmt = '@';
    body = new Uint8Array(await wb.xlsx.writeBuffer());
  }
  await writeTransaction(deps, (trx) => recordAudit(trx, {
    townshipId: who.townshipId, villageId: who.villageId, actorId: who.userId, action: 'export.roster', subjectKind: 'village', subjectId: who.villageId,
    rowCount: rows.length, detail: { format }, at: deps.now().toISOString(),
  }));
  return {
    fileName, body, rows: rows.length,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}
