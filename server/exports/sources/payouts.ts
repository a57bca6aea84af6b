// 激励兑现: the payout items of the township's lists of the year (periods '2025', '2025-Q1', …),
// village by village: who was due how much, and whether it was paid, left unpaid or returned. The
// money is always accounted for; stars and standing only of households consenting to moral points
// (CONSENT_PLACES.payouts_export_standing), blank otherwise.
import type { RowSource } from '../types';
import { listVillagePayoutRows } from '../../repositories/payouts';
import { householdsShownIn } from '../../repositories/consents';
import { ITEM_STATUS_ZH, LIST_STATUS_ZH } from '../../../shared/domain/payouts';

export const payoutsSource: RowSource = {
  key: 'payouts',
  titleZh: '激励兑现',
  columns: [
    { header: '村庄', type: 'text' }, { header: '期间', type: 'text' }, { header: '名单状态', type: 'text' }, { header: '户号', type: 'text' },
    { header: '户主', type: 'text' }, { header: '星级', type: 'int' }, { header: '积分', type: 'int' }, { header: '金额（元）', type: 'decimal' },
    { header: '发放状态', type: 'text' }, { header: '说明', type: 'text', width: 24 }, { header: '办理时间', type: 'datetime' },
  ],
  async *pages(ctx) {
    for (const village of ctx.villages) {
      const rows = await listVillagePayoutRows(ctx.db, village.id, ctx.year);
      if (rows.length === 0) continue;
      const shown = await householdsShownIn(ctx.db, village.id, 'payouts_export_standing');
      yield rows.map((r) => [
        village.name, r.periodKey, LIST_STATUS_ZH[r.listStatus] ?? r.listStatus, r.householdNo, r.headName,
        shown.has(r.householdId) ? r.stars : null, shown.has(r.householdId) ? r.standing : null,
        r.amountFen / 100, ITEM_STATUS_ZH[r.itemStatus] ?? r.itemStatus, r.reason, r.settledAt,
      ]);
    }
  },
};
