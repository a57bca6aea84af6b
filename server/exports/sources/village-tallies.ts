// 村庄汇总: each village's kept tallies of the year (one row per village).
import type { RowSource } from '../types';
import { countHouseholdsByVillage, listVillageTallies } from '../../repositories/tallies';

export const villageTalliesSource: RowSource = {
  key: 'village-tallies',
  titleZh: '村庄汇总',
  columns: [
    { header: '村庄', type: 'text' }, { header: '户数', type: 'int' }, { header: '本年记录', type: 'int' }, { header: '已生效记录', type: 'int' },
    { header: '参与户数', type: 'int' }, { header: '发放积分', type: 'int' }, { header: '扣减积分', type: 'int' }, { header: '待审核', type: 'int' },
    { header: '公示记录', type: 'int' }, { header: '按时公示', type: 'int' }, { header: '有异议', type: 'int' },
  ],
  async *pages(ctx) {
    const ids = ctx.villages.map((v) => v.id);
    const [households, tallies] = await Promise.all([countHouseholdsByVillage(ctx.db, ids), listVillageTallies(ctx.db, ids, ctx.year)]);
    yield ctx.villages.map((v) => {
      const t = tallies.get(v.id);
      return [v.name, households.get(v.id) ?? 0, t?.liveEntries ?? 0, t?.effectiveEntries ?? 0, t?.participatingHouseholds ?? 0,
        t?.pointsIssued ?? 0, t?.deductionPoints ?? 0, t?.awaitingReview ?? 0, t?.publicizedEntries ?? 0, t?.publicizedOnTime ?? 0, t?.objectedEntries ?? 0];
    });
  },
};
