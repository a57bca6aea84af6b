// The person a credit record is about, as credit screens show it: the name and the ID number
// masked (`370283********1234`, security.md / guardrail 6), decrypted from the sealed column on the
// server only to be masked; never in clear in any answer. And the record's photos for reviewers.
import type { Deps } from '../../context';
import type { Queryable } from '../../repositories/queryable';
import { creditSubjects } from '../../repositories/credit';
import { decryptIdNumber } from '../../security/pii';
import { maskIdNumber } from '../../../shared/validation/id-number';
import { evidenceDtosOf } from '../evidence/attach';
import type { EntryEvidenceDto } from '../dto';

export interface CreditSubject { personId: string; name: string; idMasked: string | null }

export async function maskedSubjects(deps: Pick<Deps, 'db' | 'pii'>, db: Queryable, villageId: string, personIds: readonly (string | null)[]): Promise<Map<string, CreditSubject>> {
  const rows = await creditSubjects(db, villageId, personIds.filter((p): p is string => !!p));
  return new Map(rows.map((p) => {
    let idMasked: string | null = null;
    if (p.id_cipher) {
      try { idMasked = maskIdNumber(decryptIdNumber(deps.pii, p.id_cipher)); } catch { idMasked = null; }
    }
    if (!idMasked && p.id_last4) idMasked = `**************${p.id_last4}`;
    return [p.id, { personId: p.id, name: p.name, idMasked }];
  }));
}

/** The photos of these records (GPS stays on the server). */
export const creditEvidence = (db: Queryable, recordIds: readonly string[]): Promise<Map<string, EntryEvidenceDto[]>> => evidenceDtosOf(db, 'creditRecord', recordIds);
