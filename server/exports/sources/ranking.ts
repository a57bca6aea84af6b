// 村庄排名: the township's ranking of the year (default metric), ranked villages first, then those
// without entries in the year (no place).
import type { RowSource } from '../types';
import { townshipRanking } from '../../routes/ranking/rates';
import { DEFAULT_RANKING_METRIC } from '../../../shared/domain/ranking';

export const rankingSource: RowSource = {
  key: 'ranking',
  titleZh: '村庄排名',
  columns: [
    { header: '名次', type: 'int', width: 8 }, { header: '村庄', type: 'text' }, { header: '户数', type: 'int' },
    { header: '参与率', type: 'percent' }, { header: '户均积分中位数', type: 'decimal' }, { header: '三星及以上户占比', type: 'percent' },
    { header: '按时公示率', type: 'percent' }, { header: '异议率', type: 'percent' }, { header: '本年记录', type: 'int' },
    { header: '已生效记录', type: 'int' }, { header: '待审核', type: 'int' }, { header: '发放积分', type: 'int' },
    { header: '说明', type: 'text', width: 60 },
  ],
  async *pages(ctx) {
    const { ranked, unranked } = await townshipRanking(ctx.db, { villages: ctx.villages, year: ctx.year, base: ctx.basePoints, today: ctx.today, metric: DEFAULT_RANKING_METRIC });
    yield [
      ...ranked.map((r) => [r.rank, r.villageName, r.households, r.participationRate, r.medianStanding, r.star3Share, r.noticesOnTimeRate,
        r.objectionRate, r.entriesThisYear, r.effectiveEntries, r.pendingReview, r.pointsIssued, r.explanation]),
      ...unranked.map((r) => [null, r.villageName, r.households, null, r.medianStanding, r.star3Share, null, null, 0, 0, r.pendingReview, r.pointsIssued,
        `${r.villageName}本年没有记录，不参加排名。`]),
    ];
  },
};
