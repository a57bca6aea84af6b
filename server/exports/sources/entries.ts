// 积分记录: every moral-points entry of the township's year, with its state (no ID numbers);
// only households consenting to moral points (CONSENT_PLACES.entries_export).
import type { RowSource } from '../types';
import { pageVillageEntries } from '../../repositories/console';
import { ENTRY_STATE_ZH } from '../../../shared/domain/entry-transitions';
import type { EntryState } from '../../../shared/domain/entry-state';
import { villagePages } from './paged';

export const entriesSource: RowSource = {
  key: 'entries',
  titleZh: '积分记录',
  columns: [
    { header: '村庄', type: 'text' }, { header: '户号', type: 'text' }, { header: '户主', type: 'text' }, { header: '发生日期', type: 'date' },
    { header: '指标代码', type: 'text', width: 10 }, { header: '指标', type: 'text', width: 28 }, { header: '分值', type: 'int', width: 8 },
    { header: '状态', type: 'text', width: 10 }, { header: '记录人', type: 'text' }, { header: '录入时间', type: 'datetime' },
  ],
  pages: (ctx) => villagePages(ctx, 'entries_export', pageVillageEntries, (r, village) => [
    village, r.householdNo, r.headName, r.occurredOn, r.indicatorCode, r.indicatorName, r.points,
    ENTRY_STATE_ZH[r.state as EntryState] ?? r.state, r.recorderName, r.createdAt,
  ]),
};
