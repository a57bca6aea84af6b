// Retention (guardrail 8): the SQL of anonymising negative moral entries three years old
// (server/jobs/retention.ts runs it). Reads the due ones through the partial index
// entries_deductions_to_anonymise (migrations/0019_retention.ts), a small batch at a time.
import type { Queryable } from './queryable';
import { unlinkEvidence } from './evidence';

export interface DueAnonymisation { id: string; villageId: string }

/** Negative entries not yet anonymised that happened on or before `cutoff`, oldest first. */
export async function listDeductionsToAnonymise(db: Queryable, cutoff: string, limit: number): Promise<DueAnonymisation[]> {
  const rows = await db.selectFrom('entries').select(['id', 'village_id'])
    .where('points', '<', 0).where('anonymised_at', 'is', null).where('occurred_on', '<=', cutoff)
    .orderBy('occurred_on').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, villageId: r.village_id }));
}

/**
 * Removes the notes (the entry's and its earlier versions') and the photo links of `ids` and marks
 * them anonymised; the fact stays. Returns the photo hashes that no entry references any more.
 */
export async function anonymiseEntries(db: Queryable, ids: readonly string[], at: string): Promise<string[]> {
  if (ids.length === 0) return [];
  await db.updateTable('entries').set({ note: '', anonymised_at: at }).where('id', 'in', ids).execute();
  await db.updateTable('entry_revisions').set({ note: '' }).where('entry_id', 'in', ids).where('note', '<>', '').execute();
  // A photo a credit record carries too stays (repositories/evidence.ts stillUnreferenced).
  return unlinkEvidence(db, 'entry', ids);
}
