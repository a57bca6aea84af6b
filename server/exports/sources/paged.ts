// Reads a township's rows of a year village by village, each in keyset pages (date, id), so that at
// most one page is in memory; shared by the row sources of the ledgers (entries, credit records).
// Rows of households not consenting to the export's place (CONSENT_PLACES) are left out.
import type { Queryable } from '../../repositories/queryable';
import type { PageKey } from '../../repositories/console';
import { householdsShownIn } from '../../repositories/consents';
import type { ConsentPlace } from '../../../shared/domain/consent';
import type { ExportCell, ExportContext } from '../types';
import { EXPORT_PAGE } from '../types';

export async function* villagePages<T extends { id: string; occurredOn: string; householdId: string }>(
  ctx: ExportContext,
  place: ConsentPlace,
  read: (db: Queryable, villageId: string, from: string, to: string, after: PageKey | null, limit: number) => Promise<T[]>,
  toCells: (row: T, villageName: string) => ExportCell[],
): AsyncIterable<ExportCell[][]> {
  const from = `${ctx.year}-01-01`;
  const to = `${ctx.year}-12-31`;
  for (const v of ctx.villages) {
    const shown = await householdsShownIn(ctx.db, v.id, place);
    let after: PageKey | null = null;
    for (;;) {
      const rows = await read(ctx.db, v.id, from, to, after, EXPORT_PAGE);
      if (rows.length === 0) break;
      const kept = rows.filter((r) => shown.has(r.householdId));
      if (kept.length) yield kept.map((r) => toCells(r, v.name));
      if (rows.length < EXPORT_PAGE) break;
      const last = rows[rows.length - 1];
      after = { occurredOn: last.occurredOn, id: last.id };
    }
  }
}
