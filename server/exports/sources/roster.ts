// 名册: one village's persons as the township clerk keeps them (issue 11, roster import), with an
// opaque row key and masked ID numbers and phones, so that re-importing our own export lands on the
// same rows and changes nothing (roster-plan: the row key matches, a masked value keeps the stored
// one). Scoped to one village (GET /api/township/villages/:villageId/roster-export).
import type { RowSource } from '../types';
import { EXPORT_PAGE } from '../types';
import { listRosterForExport } from '../../repositories/roster-imports';
import { decryptIdNumber } from '../../security/pii';
import { maskIdNumber } from '../../../shared/validation/id-number';
import { maskPhone } from '../../../shared/validation/phone';
import { encodeRowKey, STATUS_LABELS } from '../../../shared/domain/roster-import';

/** The header the importer recognises (roster-import.ts header names) — 行键 is the row key. */
export const ROSTER_HEADER = ['户号', '村民小组', '姓名', '与户主关系', '身份证号', '联系电话', '出生日期', '状态', '行键'] as const;

export const rosterSource: RowSource = {
  key: 'roster',
  titleZh: '名册',
  scope: 'village',
  fileStem: (ctx) => `${ctx.villages[0]?.name ?? ''}名册-${ctx.today}`,
  // 户号 and the key stay text (Excel must not drop leading zeros); the birth year is a number.
  columns: [
    { header: ROSTER_HEADER[0], type: 'text', width: 8 }, { header: ROSTER_HEADER[1], type: 'int', width: 8 },
    { header: ROSTER_HEADER[2], type: 'text', width: 12 }, { header: ROSTER_HEADER[3], type: 'text', width: 10 },
    { header: ROSTER_HEADER[4], type: 'text', width: 22 }, { header: ROSTER_HEADER[5], type: 'text', width: 14 },
    { header: ROSTER_HEADER[6], type: 'int', width: 10 }, { header: ROSTER_HEADER[7], type: 'text', width: 8 },
    { header: ROSTER_HEADER[8], type: 'text', width: 26 },
  ],
  async *pages(ctx) {
    const village = ctx.villages[0];
    if (!village) return;
    const persons = await listRosterForExport(ctx.db, village.id);
    // The head first within each household, as clerks list them.
    const rank = (relation: string) => (relation === '户主' ? 0 : 1);
    persons.sort((a, b) => (a.householdNo === b.householdNo ? rank(a.relation) - rank(b.relation) : a.householdNo < b.householdNo ? -1 : 1));
    for (let i = 0; i < persons.length; i += EXPORT_PAGE) {
      yield persons.slice(i, i + EXPORT_PAGE).map((p) => [
        p.householdNo, p.groupNo, p.name, p.relation, p.idCipher ? maskIdNumber(decryptIdNumber(ctx.pii, p.idCipher)) : '',
        p.phone ? maskPhone(p.phone) : '', p.birthYear, STATUS_LABELS.active, encodeRowKey(p.personId),
      ]);
    }
  },
};
