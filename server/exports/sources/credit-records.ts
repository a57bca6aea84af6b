// 信用信息: the credit-information records of the township's year; the person's ID number masked;
// only households consenting to credit records (CONSENT_PLACES.credit_records_export).
import type { RowSource } from '../types';
import { pageVillageCreditRecords } from '../../repositories/console';
import { CREDIT_KIND_RULES, CREDIT_SOURCE_NAMES, type CreditKind, type CreditSource } from '../../../shared/domain/credit';
import { CREDIT_STATE_NAMES } from '../../../shared/domain/credit-transitions';
import { maskIdLast4 } from '../cells';
import { villagePages } from './paged';

const STATE_ZH: Record<string, string> = CREDIT_STATE_NAMES;

export const creditRecordsSource: RowSource = {
  key: 'credit-records',
  titleZh: '信用信息',
  columns: [
    { header: '村庄', type: 'text' }, { header: '户号', type: 'text' }, { header: '户主', type: 'text' }, { header: '当事人', type: 'text' },
    { header: '身份证号', type: 'text', width: 22 }, { header: '类别', type: 'text', width: 16 }, { header: '来源', type: 'text' },
    { header: '文书号', type: 'text', width: 24 }, { header: '状态', type: 'text', width: 10 }, { header: '发生日期', type: 'date' },
    { header: '录入时间', type: 'datetime' },
  ],
  pages: (ctx) => villagePages(ctx, 'credit_records_export', pageVillageCreditRecords, (r, village) => [
    village, r.householdNo, r.headName, r.personName ?? '', maskIdLast4(r.idLast4),
    CREDIT_KIND_RULES[r.kind as CreditKind]?.zh ?? r.kind, CREDIT_SOURCE_NAMES[r.source as CreditSource]?.zh ?? r.source,
    r.documentNo, STATE_ZH[r.state] ?? r.state, r.occurredOn, r.createdAt,
  ]),
};
