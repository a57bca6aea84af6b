// What a restore changes in the restored database itself (server/backup/restore.ts).
import { sql } from 'kysely';
import type { Queryable } from './queryable';

/**
 * Moves every scope's change counter on by `gap`. Phones that synced after the backup was taken
 * hold cursors beyond the restored counters; without the gap, the changes written after the
 * restore would be numbered below their cursors and never reach them. Gaps in the numbers are
 * harmless: a pull returns the changes after the cursor in order, whatever their numbers.
 */
export async function advanceChangeCounters(db: Queryable, gap: number): Promise<void> {
  await db.updateTable('villages').set({ change_seq: sql<number>`change_seq + ${gap}` }).execute();
  await db.updateTable('townships').set({ change_seq: sql<number>`change_seq + ${gap}` }).execute();
}
