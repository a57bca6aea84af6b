// The audit log (migrations/0012): one append-only home for "who did what, when, to which subject,
// how many rows" that township staff read. Callers write inside the transaction of the act itself,
// so an act and its audit row land together. `detail` must never carry names, phones or ID numbers.
import { uuidv7 } from 'uuidv7';
import type { Queryable } from './queryable';
import type { AuditAction } from '../../shared/domain/audit-actions';

export interface AuditRecord {
  townshipId: string;
  villageId?: string | null;
  actorId: string;
  /** Listed in shared/domain/audit-actions.ts, which the audit screen translates. */
  action: AuditAction;
  subjectKind?: string;
  subjectId?: string;
  rowCount?: number | null;
  detail?: Record<string, unknown>;
  at: string;
}

export async function recordAudit(db: Queryable, record: AuditRecord): Promise<string> {
  const id = uuidv7();
  await db.insertInto('audit_log').values({
    id, township_id: record.townshipId, village_id: record.villageId ?? null, actor_id: record.actorId, action: record.action,
    subject_kind: record.subjectKind ?? '', subject_id: record.subjectId ?? '', row_count: record.rowCount ?? null,
    detail: JSON.stringify(record.detail ?? {}), at: record.at,
  }).execute();
  return id;
}

export interface AuditRow {
  id: string; villageId: string | null; actorId: string; action: string; subjectKind: string; subjectId: string;
  rowCount: number | null; detail: Record<string, unknown>; at: string;
}

/** A township's audit log, newest first, a page at a time (keyset on `at`, id). */
export async function listAudit(
  db: Queryable,
  townshipId: string,
  opts: { actionPrefix?: string; before?: { at: string; id: string }; limit: number },
): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('township_id', '=', townshipId);
  if (opts.actionPrefix) q = q.where('action', 'like', `${opts.actionPrefix}%`);
  if (opts.before) {
    const { at, id } = opts.before;
    q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: r.id, villageId: r.village_id, actorId: r.actor_id, action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id,
    rowCount: r.row_count === null ? null : Number(r.row_count), detail: JSON.parse(r.detail) as Record<string, unknown>, at: r.at,
  }));
}
