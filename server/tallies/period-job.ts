// Freezes each village's standings, stars and public board when its appraisal period closes
// (cadence per township or village), in the background, village by village; a closed period is
// never rewritten. The board shows honours only (★3 and above), only with the household's
// consent, never a household headed by a minor (guardrails 4, 5).
import { writeTransaction, type TransactionDeps } from '../db/transaction';
import { isPeriodClosed, listBoardCandidates, listVillagesWithCadence, sumEffectiveByHousehold, writePeriodSnapshot } from '../repositories/periods';
import { effectiveCadence, lastClosedPeriod } from '../../shared/domain/cadence';
import { PUBLIC_BOARD_MIN_STARS, starLevel } from '../../shared/domain/stars';

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Snapshots every village whose last ended period has none yet; returns how many were written. */
export async function closeEndedPeriods(deps: TransactionDeps, today: string, at: string): Promise<number> {
  let written = 0;
  let after = '';
  for (;;) {
    const page = await listVillagesWithCadence(deps.db, after, 100);
    if (page.length === 0) break;
    for (const v of page) {
      after = v.villageId;
      const cadence = effectiveCadence(v.townshipCadence, v.villageCadence);
      const period = lastClosedPeriod(cadence, today);
      if (await isPeriodClosed(deps.db, v.villageId, period.key)) continue;
      await writeTransaction(deps, async (trx) => {
        if (await isPeriodClosed(trx, v.villageId, period.key)) return; // another process froze it meanwhile
        // Standing is for the year: from 1 January of the period's year to the period's end.
        const sums = new Map((await sumEffectiveByHousehold(trx, v.villageId, `${period.to.slice(0, 4)}-01-01`, period.to)).map((s) => [s.householdId, s]));
        const rows = (await listBoardCandidates(trx, v.villageId)).map((h) => {
          const s = sums.get(h.id);
          const standing = v.basePoints + (s?.points ?? 0);
          const stars = starLevel(standing, s?.maxDeduction ?? 0);
          return { householdId: h.id, standing, stars, onBoard: stars >= PUBLIC_BOARD_MIN_STARS && h.consent && !h.headIsMinor };
        });
        await writePeriodSnapshot(trx, { villageId: v.villageId, periodKey: period.key, cadence, at, rows });
      });
      written++;
      await yieldToRequests();
    }
  }
  return written;
}
