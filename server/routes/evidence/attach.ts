// The evidence field of entries and credit records answered to staff (docs/api.md "Photo
// evidence"): the photo's address, when it was taken, and whether its upload is complete. GPS stays
// on the server.
import type { Queryable } from '../../repositories/queryable';
import { evidenceOf, type EvidenceLink } from '../../repositories/evidence';
import type { EntryEvidenceDto } from '../dto';

export const evidenceUrl = (hash: string) => `/api/evidence/${hash}`;

/** The photos of these entries or credit records as answered, one query per 500 (the link's primary key). */
export async function evidenceDtosOf(db: Queryable, link: EvidenceLink, ownerIds: readonly string[]): Promise<Map<string, EntryEvidenceDto[]>> {
  const rows = await evidenceOf(db, link, ownerIds);
  return new Map([...rows].map(([id, list]) => [id, list.map((e) => ({ hash: e.hash, url: evidenceUrl(e.hash), takenAt: e.takenAt, received: e.received }))]));
}

/** `rows` with `evidence` added. */
export async function withEvidence<T extends { id: string }>(db: Queryable, rows: readonly T[]): Promise<(T & { evidence: EntryEvidenceDto[] })[]> {
  const byEntry = await evidenceDtosOf(db, 'entry', rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, evidence: byEntry.get(r.id) ?? [] }));
}
