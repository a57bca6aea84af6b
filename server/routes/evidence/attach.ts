// The evidence field of entries answered to staff (docs/api.md "Photo evidence"): the photo's
// address, when it was taken, and whether its upload is complete. GPS stays on the server.
import type { Queryable } from '../../repositories/queryable';
import { evidenceOfEntries } from '../../repositories/evidence';
import type { EntryEvidenceDto } from '../dto';

export const evidenceUrl = (hash: string) => `/api/evidence/${hash}`;

/** `rows` with `evidence` added, one query per 500 entries (entry_evidence's primary key). */
export async function withEvidence<T extends { id: string }>(db: Queryable, rows: readonly T[]): Promise<(T & { evidence: EntryEvidenceDto[] })[]> {
  const byEntry = rows.length > 0 ? await evidenceOfEntries(db, rows.map((r) => r.id)) : new Map();
  return rows.map((r) => ({
    ...r,
    evidence: (byEntry.get(r.id) ?? []).map((e: { hash: string; takenAt: string; received: boolean }) => ({
      hash: e.hash, url: evidenceUrl(e.hash), takenAt: e.takenAt, received: e.received,
    })),
  }));
}
