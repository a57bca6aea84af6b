// The committee's review: the paged, filtered queue of a village's submitted entries, an entry's
// review facts (basis, approvers), the basis a first approver states, and an entry's full history
// (events with who, earlier versions, its reversal pairing).
//
// The queue reads through entries_review_queue (village_id, state, created_at, id): a page is a
// range scan from the cursor, whatever the backlog; filters narrow it further.
import type { Queryable } from './queryable';
import { ENTRY_COLS, toEntry, type QueueRow } from './entries';
import type { EntryDto } from '../../shared/protocol/tables';
import type { EntryState } from '../../shared/domain/entry-state';
import { BASIS_KINDS, type Basis, type BasisKind } from '../../shared/domain/review-rules';
import { forUpdateIfSupported } from './locks';

export interface QueueFilter {
  villageId: string;
  indicatorCode?: string;
  recorderId?: string;
  householdId?: string;
  /** occurred_on range, inclusive, 'YYYY-MM-DD'. */
  from?: string;
  to?: string;
  /** Only deductions / only positive entries. */
  sign?: 'deduction' | 'positive';
  /** Only entries that carry photo evidence (true) / none (false); read on entry_evidence's primary key. */
  hasEvidence?: boolean;
}

export interface QueueCursor { createdAt: string; id: string }

export type ReviewRow = QueueRow & { basis: Basis | null };

const toBasis = (kind: string | null, text: string | null): Basis | null =>
  kind && (BASIS_KINDS as readonly string[]).includes(kind) ? { kind: kind as BasisKind, text: text ?? '' } : null;

/** One page of submitted entries of a village, oldest first (first in, first reviewed). */
export async function listQueuePage(db: Queryable, f: QueueFilter, after: QueueCursor | null, limit: number): Promise<ReviewRow[]> {
  const rows = await db
    .selectFrom('entries')
    .innerJoin('households', 'households.id', 'entries.household_id')
    .leftJoin('indicators', (j) => j.onRef('indicators.catalog_version_id', '=', 'entries.catalog_version_id').onRef('indicators.code', '=', 'entries.indicator_code'))
    .leftJoin('users', 'users.id', 'entries.recorder_id')
    .select(ENTRY_COLS)
    .select(['entries.basis_kind', 'entries.basis_text', 'households.household_no', 'households.head_name', 'indicators.name_zh', 'indicators.name_en', 'users.display_name'])
    .where('entries.village_id', '=', f.villageId)
    .where('entries.state', '=', 'submitted')
    .$if(f.indicatorCode !== undefined, (q) => q.where('entries.indicator_code', '=', f.indicatorCode!))
    .$if(f.recorderId !== undefined, (q) => q.where('entries.recorder_id', '=', f.recorderId!))
    .$if(f.householdId !== undefined, (q) => q.where('entries.household_id', '=', f.householdId!))
    .$if(f.from !== undefined, (q) => q.where('entries.occurred_on', '>=', f.from!))
    .$if(f.to !== undefined, (q) => q.where('entries.occurred_on', '<=', f.to!))
    .$if(f.sign === 'deduction', (q) => q.where('entries.points', '<', 0))
    .$if(f.sign === 'positive', (q) => q.where('entries.points', '>', 0))
    .$if(f.hasEvidence !== undefined, (q) => q.where((eb) => {
      const photos = eb.exists(eb.selectFrom('entry_evidence').select('entry_evidence.entry_id').whereRef('entry_evidence.entry_id', '=', 'entries.id'));
      return f.hasEvidence ? photos : eb.not(photos);
    }))
    .$if(after !== null, (q) => q.where((eb) => eb.or([
      eb('entries.created_at', '>', after!.createdAt),
      eb.and([eb('entries.created_at', '=', after!.createdAt), eb('entries.id', '>', after!.id)]),
    ])))
    .orderBy('entries.created_at')
    .orderBy('entries.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...toEntry(r), householdNo: r.household_no, headName: r.head_name,
    indicatorNameZh: r.name_zh ?? r.indicator_code, indicatorNameEn: r.name_en ?? r.name_zh ?? r.indicator_code,
    recorderName: r.display_name ?? '', basis: toBasis(r.basis_kind, r.basis_text),
  }));
}

/** How many entries of the village wait for review (index-only count on entries_review_queue). */
export async function countQueue(db: Queryable, villageId: string): Promise<number> {
  const r = await db.selectFrom('entries').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('village_id', '=', villageId).where('state', '=', 'submitted').executeTakeFirstOrThrow();
  return Number(r.n);
}

/** An entry with its stated basis, locked on PostgreSQL (two approvers deciding at once are serialised). */
export async function findEntryForReview(db: Queryable, id: string): Promise<(EntryDto & { basis: Basis | null }) | null> {
  const qb = db.selectFrom('entries').select(ENTRY_COLS).select(['entries.basis_kind', 'entries.basis_text']).where('entries.id', '=', id);
  const row = await forUpdateIfSupported(db, qb).executeTakeFirst();
  return row ? { ...toEntry(row), basis: toBasis(row.basis_kind, row.basis_text) } : null;
}

/** The basis a deduction's first approver states; set once (a second approver confirms it). */
export async function setBasis(db: Queryable, entryId: string, basis: Basis): Promise<void> {
  await db.updateTable('entries').set({ basis_kind: basis.kind, basis_text: basis.text })
    .where('id', '=', entryId).where('basis_kind', 'is', null).execute();
}

/** Distinct first approvers of many entries (entry id → user ids), for the queue. */
export async function listApproversOf(db: Queryable, entryIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < entryIds.length; i += 400) {
    const rows = await db.selectFrom('entry_events').select(['entry_id', 'actor_id']).distinct()
      .where('entry_id', 'in', entryIds.slice(i, i + 400))
      .where('from_state', '=', 'submitted').where('to_state', '=', 'submitted')
      .execute();
    for (const r of rows) out.set(r.entry_id, [...(out.get(r.entry_id) ?? []), r.actor_id]);
  }
  return out;
}

export interface EntryEventWithActor {
  id: string; fromState: EntryState | null; toState: EntryState; reason: string; at: string; actorId: string; actorName: string;
}

/** Every event of an entry, oldest first, with the actor's display name ('' for the system). */
export async function listEventsOfEntry(db: Queryable, entryId: string): Promise<EntryEventWithActor[]> {
  const rows = await db.selectFrom('entry_events')
    .leftJoin('users', 'users.id', 'entry_events.actor_id')
    .select(['entry_events.id', 'entry_events.from_state', 'entry_events.to_state', 'entry_events.reason', 'entry_events.at', 'entry_events.actor_id', 'users.display_name'])
    .where('entry_events.entry_id', '=', entryId)
    .orderBy('entry_events.at').orderBy('entry_events.id')
    .execute();
  return rows.map((r) => ({
    id: r.id, fromState: r.from_state as EntryState | null, toState: r.to_state as EntryState, reason: r.reason, at: r.at,
    actorId: r.actor_id, actorName: r.display_name ?? '',
  }));
}

export interface EntryRevisionDto {
  revision: number; personId: string | null; catalogVersionId: string; indicatorCode: string; occurredOn: string;
  points: number; note: string; returnReason: string; replacedAt: string;
}

/** Earlier versions of an entry that its recorder corrected and resubmitted, oldest first. */
export async function listRevisionsOfEntry(db: Queryable, entryId: string): Promise<EntryRevisionDto[]> {
  const rows = await db.selectFrom('entry_revisions').selectAll().where('entry_id', '=', entryId).orderBy('revision').execute();
  return rows.map((r) => ({
    revision: r.revision, personId: r.person_id, catalogVersionId: r.catalog_version_id, indicatorCode: r.indicator_code,
    occurredOn: r.occurred_on, points: r.points, note: r.note, returnReason: r.state_reason, replacedAt: r.replaced_at,
  }));
}

/** Entries that reverse `entryId` (newest first): the other half of a reversal pair. */
export async function listReversalsOf(db: Queryable, entryId: string): Promise<EntryDto[]> {
  const rows = await db.selectFrom('entries').select(ENTRY_COLS).where('entries.reverses', '=', entryId).orderBy('entries.id', 'desc').execute();
  return rows.map(toEntry);
}

/** Entries by id (the originals that queue items reverse), in any state. */
export async function findEntriesByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, EntryDto & { indicatorNameZh: string }>> {
  const out = new Map<string, EntryDto & { indicatorNameZh: string }>();
  for (let i = 0; i < ids.length; i += 400) {
    const rows = await db.selectFrom('entries')
      .leftJoin('indicators', (j) => j.onRef('indicators.catalog_version_id', '=', 'entries.catalog_version_id').onRef('indicators.code', '=', 'entries.indicator_code'))
      .select(ENTRY_COLS).select('indicators.name_zh')
      .where('entries.id', 'in', ids.slice(i, i + 400)).execute();
    for (const r of rows) out.set(r.id, { ...toEntry(r), indicatorNameZh: r.name_zh ?? r.indicator_code });
  }
  return out;
}
