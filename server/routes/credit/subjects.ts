// The person a credit record is about, as credit screens show it: the name and the ID number
// masked (`370283********1234`, security.md / guardrail 6), decrypted from the sealed column on the
// server only to be masked; never in clear in any answer. And the record's photos for reviewers.
import type { Deps } from '../../context';
import type { Queryable } from '../../repositories/queryable';
import { creditSubjects } from '../../repositories/credit';
import { evidenceOfCreditRecords } from '../../repositories/evidence';
import { decryptIdNumber } from '../../security/pii';
import { maskIdNumber } from '../../../shared/validation/id-number';
import { evidenceUrl } from '../evidence/attach';

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

export interface CreditEvidenceDto { hash: string; url: string; takenAt: string; received: boolean }

/** The photos of these records (GPS stays on the server). */
export async function creditEvidence(db: Queryable, recordIds: readonly string[]): Promise<Map<string, CreditEvidenceDto[]>> {
  const rows = recordIds.length ? await evidenceOfCreditRecords(db, recordIds) : new Map();
  return new Map([...rows].map(([id, list]) => [id, list.map((e: { hash: string; takenAt: string; received: boolean }) => ({
    hash: e.hash, url: evidenceUrl(e.hash), takenAt: e.takenAt, received: e.received,
  }))]));
}
