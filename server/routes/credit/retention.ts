// Guardrail 8 for the credit ledger: a negative credit record is kept at most five years from its
// date. The job removes records past that (with their events and requests), tells phones to drop
// them (a tombstone in the pull) and writes an audit row per township; positive records stay.
// Their photos go too, unless an entry or another record carries the same photo.
import type { Deps } from '../../context';
import { writeTransaction } from '../../db/transaction';
import { deletePhotos, removePhotoFiles, unlinkEvidence } from '../../repositories/evidence';
import { evidenceStore } from '../evidence/routes';
import { recordChanges } from '../../db/changes';
import { recordAudit } from '../../repositories/audit';
import { listCreditKinds, listCreditRecordsOnOrBefore, negativeKindCodes, purgeCreditRecord } from '../../repositories/credit';
import { addYears, negativeKeptUntil } from '../../../shared/domain/credit-grade';
import { scopeOfVillage } from '../../../shared/protocol/sync';
import { chinaToday } from '../clock';

export async function purgeExpiredNegativeCredit(deps: Deps, now: Date, limit = 500): Promise<number> {
  const store = evidenceStore(deps);
  const today = chinaToday(now);
  // Everything of a negative kind dated on or before five years ago is a candidate.
  const candidates = await listCreditRecordsOnOrBefore(deps.db, addYears(today, -5), await negativeKindCodes(deps.db), limit);
  const negativeByTownship = new Map<string, Set<string>>();
  let purged = 0;
  for (const r of candidates) {
    if (!negativeByTownship.has(r.township_id)) {
      negativeByTownship.set(r.township_id, new Set((await listCreditKinds(deps.db, r.township_id)).filter((k) => k.negative).map((k) => k.code)));
    }
    if (!negativeByTownship.get(r.township_id)!.has(r.kind) || negativeKeptUntil(r.occurred_on) > today) continue;
    const orphans = await writeTransaction(deps, async (trx) => {
      const unlinked = await unlinkEvidence(trx, 'creditRecord', [r.id]);
      await deletePhotos(store, trx, unlinked);
      await purgeCreditRecord(trx, r.village_id, r.id);
      await recordChanges(trx, scopeOfVillage(r.village_id), 'creditRecord', [r.id], 'delete');
      await recordAudit(trx, {
        townshipId: r.township_id, villageId: r.village_id, actorId: 'system', action: 'credit.negative_purged', subjectKind: 'credit_record',
        subjectId: r.id, rowCount: 1, detail: { kind: r.kind }, at: now.toISOString(),
      });
      return unlinked;
    });
    await removePhotoFiles(store, orphans);
    purged++;
  }
  return purged;
}
