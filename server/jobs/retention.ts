// The retention job (guardrail 8): negative moral entries three years old are anonymised — note,
// earlier versions' notes and photo links removed (and photos no entry references any more
// deleted), the fact kept — in small batches, one transaction each, until none is due. Each batch
// logs the entries as changed in their villages, so phones pull the anonymised rows. Run by the
// job runner (server/jobs/runner.ts) once across processes; a batch done twice changes nothing.
import type { Deps } from '../context';
import { writeTransaction } from '../db/transaction';
import { recordChanges } from '../db/changes';
import { anonymiseEntries, listDeductionsToAnonymise } from '../repositories/retention';
import { deletePhotos, removePhotoFiles } from '../repositories/evidence';
import { evidenceStore } from '../routes/evidence/routes';
import { chinaToday } from '../routes/clock';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { anonymiseCutoff } from '../../shared/domain/retention';

export const RETENTION_JOB = 'anonymise-deductions';
export const RETENTION_EVERY_MS = 6 * 60 * 60_000;
export const RETENTION_BATCH = 200;

/** Anonymises every negative entry due on `now` (China's date); returns how many. */
export async function anonymiseOldDeductions(deps: Deps, now: Date, batch = RETENTION_BATCH): Promise<number> {
  const cutoff = anonymiseCutoff(chinaToday(now));
  const store = evidenceStore(deps);
  let done = 0;
  for (;;) {
    const { count, orphans } = await writeTransaction(deps, async (trx) => {
      const due = await listDeductionsToAnonymise(trx, cutoff, batch);
      const orphans = await anonymiseEntries(trx, due.map((d) => d.id), now.toISOString());
      await deletePhotos(store, trx, orphans);
      const byVillage = new Map<string, string[]>();
      for (const d of due) byVillage.set(d.villageId, [...(byVillage.get(d.villageId) ?? []), d.id]);
      for (const [villageId, ids] of byVillage) await recordChanges(trx, scopeOfVillage(villageId), 'entry', ids);
      return { count: due.length, orphans };
    });
    await removePhotoFiles(store, orphans);
    done += count;
    if (count < batch) return done;
  }
}
