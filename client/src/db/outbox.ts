// The outbox: every local change is written together with the mutation that carries it to the
// server, in ONE transaction, so a crash can never leave an entry without its mutation (or the
// reverse). deviceSeq is allocated inside that transaction, so it strictly increases per device.
import { uuidv7 } from 'uuidv7';
import { db, type LocalCreditRecord, type LocalEntry, type OutboxItem, type SyncIssue } from './db';
import { META } from './meta';
import { hasServerRow } from './entries';
import type { Mutation, MutationResult } from '../../../shared/protocol/sync';
import type { HouseholdDto } from '../../../shared/protocol/tables';
import { needsAttention, shouldLeaveOutbox } from '../../../shared/sync/result-rules';
import type { EvidenceRef } from '../../../shared/domain/evidence';

export interface NewEntryInput {
  villageId: string;
  householdId: string;
  personId: string | null;
  catalogVersionId: string;
  indicatorCode: string;
  occurredOn: string;
  points: number;
  note: string;
  reverses?: string | null;
  /** Photos stored in db/evidence.ts, referenced by hash (issue 13). */
  evidence?: EvidenceRef[];
}

/** Allocates the next device sequence number; call only inside a transaction that includes meta. */
async function nextDeviceSeq(): Promise<number> {
  const row = await db.meta.get(META.deviceSeq);
  const next = (typeof row?.value === 'number' ? row.value : 0) + 1;
  await db.meta.put({ key: META.deviceSeq, value: next });
  return next;
}

/** Records a new entry locally (state 'queued') and queues its `entry.create` mutation. */
export async function enqueueEntryCreate(
  input: NewEntryInput,
  recorderId: string,
  now: Date = new Date(),
  /**
   * `draftId`: the form's draft, deleted in the same transaction: saved once, never twice after a
   * crash. `entryId`: chosen by the caller (a screen that shows the entry before it is stored).
   */
  options: { draftId?: string; entryId?: string } = {},
): Promise<{ entry: LocalEntry; item: OutboxItem }> {
  const at = now.toISOString();
  const entryId = options.entryId ?? uuidv7();
  const entry: LocalEntry = {
    id: entryId,
    villageId: input.villageId,
    householdId: input.householdId,
    personId: input.personId,
    catalogVersionId: input.catalogVersionId,
    indicatorCode: input.indicatorCode,
    occurredOn: input.occurredOn,
    points: input.points,
    note: input.note,
    recorderId,
    state: 'queued',
    reverses: input.reverses ?? null,
    createdAt: at,
    stateReason: '',
    revision: 1,
    syncIssue: null,
  };
  return db.transaction('rw', [db.meta, db.entries, db.outbox, db.drafts], async () => {
    const deviceSeq = await nextDeviceSeq();
    if (options.draftId) await db.drafts.delete(options.draftId);
    const item: OutboxItem = {
      id: uuidv7(),
      kind: 'entry.create',
      deviceSeq,
      at,
      payload: {
        entryId,
        householdId: entry.householdId,
        personId: entry.personId,
        catalogVersionId: entry.catalogVersionId,
        indicatorCode: entry.indicatorCode,
        occurredOn: entry.occurredOn,
        points: entry.points,
        note: entry.note,
        reverses: entry.reverses,
        ...(input.evidence?.length ? { evidence: plainEvidence(input.evidence) } : {}),
      },
      status: 'pending',
      attempts: 0,
      lastError: null,
      entityId: entryId,
      userId: recorderId,
      villageId: input.villageId,
      exportedAt: null,
      keptAt: null,
    };
    await db.entries.add(entry);
    await db.outbox.add(item);
    return { entry, item };
  });
}

/** A new credit-information record as the form gives it (document number and note normalised). */
export interface NewCreditInput {
  villageId: string;
  householdId: string;
  personId: string | null;
  kind: string;
  source: string;
  occurredOn: string;
  documentNo: string;
  /** The court or office that issued the document ('' when none; a negative kind needs it). */
  issuer: string;
  note: string;
  /** Photos stored in db/evidence.ts, referenced by hash (uploaded before the record is sent). */
  evidence?: EvidenceRef[];
}

/** Plain copies: a form's reactive array cannot be cloned into IndexedDB. */
const plainEvidence = (refs: readonly EvidenceRef[]): EvidenceRef[] =>
  refs.map(({ hash, size, type, takenAt, gps }) => ({ hash, size, type, takenAt, ...(gps ? { gps: { lat: gps.lat, lon: gps.lon, accuracy: gps.accuracy } } : {}) }));

/** Records a credit record locally ('queued') and queues its `credit.create`, in one transaction. */
export async function enqueueCreditCreate(
  input: NewCreditInput,
  recorderId: string,
  now: Date = new Date(),
  options: { draftId?: string } = {},
): Promise<{ record: LocalCreditRecord; item: OutboxItem }> {
  const at = now.toISOString();
  const recordId = uuidv7();
  const record: LocalCreditRecord = {
    id: recordId, villageId: input.villageId, householdId: input.householdId, personId: input.personId, kind: input.kind,
    source: input.source, occurredOn: input.occurredOn, documentNo: input.documentNo, issuer: input.issuer, note: input.note, recorderId,
    state: 'queued', createdAt: at, stateReason: '', syncIssue: null,
    ...(input.evidence?.length ? { evidenceHashes: input.evidence.map((e) => e.hash) } : {}),
  };
  return db.transaction('rw', [db.meta, db.creditRecords, db.outbox, db.drafts], async () => {
    const deviceSeq = await nextDeviceSeq();
    if (options.draftId) await db.drafts.delete(options.draftId);
    const item: OutboxItem = {
      id: uuidv7(), kind: 'credit.create', deviceSeq, at,
      payload: {
        recordId, householdId: input.householdId, personId: input.personId, kind: input.kind, source: input.source,
        occurredOn: input.occurredOn, documentNo: input.documentNo, note: input.note,
        ...(input.issuer ? { issuer: input.issuer } : {}),
        ...(input.evidence?.length ? { evidence: plainEvidence(input.evidence) } : {}),
      },
      status: 'pending', attempts: 0, lastError: null, entityId: recordId, userId: recorderId, villageId: input.villageId,
      exportedAt: null, keptAt: null,
    };
    await db.creditRecords.add(record);
    await db.outbox.add(item);
    return { record, item };
  });
}

/** Fields a collector edits on a household (already normalised: shared/validation name and phone). */
export interface HouseholdEdit {
  headName?: string;
  phone?: string | null;
  groupNo?: number;
}

/**
 * Writes a household edit locally and queues its `household.update` with only the fields that
 * differ from the local row, based on the local household version (the server merges field by
 * field and reports a field changed elsewhere since that version as a conflict). Returns null
 * when nothing changed or the household is not on the phone.
 */
export async function enqueueHouseholdUpdate(
  householdId: string,
  edit: HouseholdEdit,
  userId: string,
  now: Date = new Date(),
): Promise<{ household: HouseholdDto; item: OutboxItem } | null> {
  return db.transaction('rw', [db.meta, db.households, db.outbox], async () => {
    const household = await db.households.get(householdId);
    if (!household) return null;
    const fields: HouseholdEdit = {};
    if (edit.headName !== undefined && edit.headName !== household.headName) fields.headName = edit.headName;
    if (edit.phone !== undefined && edit.phone !== household.phone) fields.phone = edit.phone;
    if (edit.groupNo !== undefined && edit.groupNo !== household.groupNo) fields.groupNo = edit.groupNo;
    if (Object.keys(fields).length === 0) return null;
    const deviceSeq = await nextDeviceSeq();
    const item: OutboxItem = {
      id: uuidv7(),
      kind: 'household.update',
      deviceSeq,
      at: now.toISOString(),
      // The local version stays the server's: it is the base this edit starts from.
      payload: { householdId, baseVersion: Math.max(1, household.version), fields },
      status: 'pending',
      attempts: 0,
      lastError: null,
      entityId: householdId,
      userId,
      villageId: household.villageId,
      exportedAt: null,
      keptAt: null,
    };
    const updated: HouseholdDto = { ...household, ...fields };
    await db.households.put(updated);
    await db.outbox.add(item);
    return { household: updated, item };
  });
}

/** Pending items of one user, oldest first (by device sequence). */
export async function pendingItems(userId: string, limit: number): Promise<OutboxItem[]> {
  const items = await db.outbox.orderBy('deviceSeq').filter((i) => i.status === 'pending' && i.userId === userId).limit(limit).toArray();
  return items;
}

/** The wire form of an outbox item: only the fields of the protocol's Mutation. */
export function toMutation(item: OutboxItem): Mutation {
  const { id, kind, deviceSeq, at, payload } = item;
  return { id, kind, deviceSeq, at, payload } as Mutation;
}

/**
 * Applies the server's per-item answers (rules in shared/sync/result-rules.ts). applied/duplicate:
 * the server has it, the item leaves the outbox. rejected/conflict/forbidden: the item leaves the
 * send queue but is kept as 'attention' with its reason, for the collector to see; it never blocks
 * the rest. Items sent without an answer stay pending (attempts + 1).
 */
export async function applyResults(sent: OutboxItem[], results: MutationResult[]): Promise<void> {
  const byId = new Map(results.map((r) => [r.id, r]));
  await db.transaction('rw', [db.outbox, db.entries, db.householdEntries, db.creditRecords], async () => {
    for (const item of sent) {
      const r = byId.get(item.id);
      if (!r || !shouldLeaveOutbox(r.status)) {
        // No answer, or a status this app does not know: keep it and send it again (safe: the
        // server deduplicates by id).
        await db.outbox.update(item.id, { attempts: item.attempts + 1 });
        continue;
      }
      if (needsAttention(r.status)) {
        const issue: SyncIssue = {
          status: r.status as SyncIssue['status'], code: r.code ?? r.status, message: r.message ?? '',
        };
        await db.outbox.update(item.id, {
          status: 'attention',
          attempts: item.attempts + 1,
          lastError: { code: issue.code, message: issue.message, ...(r.fields?.length ? { fields: r.fields } : {}) },
        });
        if (item.kind === 'credit.create') await db.creditRecords.update(item.entityId, { syncIssue: issue });
        else await db.entries.update(item.entityId, { syncIssue: issue });
        continue;
      }
      // applied / duplicate: the server has it.
      await db.outbox.delete(item.id);
      if (item.kind === 'credit.create') {
        // Until the pulled row replaces it (same id), the local copy shows 'submitted'.
        const local = await db.creditRecords.get(item.entityId);
        if (local?.state === 'queued') await db.creditRecords.update(item.entityId, { state: 'submitted', syncIssue: null });
      }
      if (item.kind === 'entry.create') {
        // The server's row may already be on the phone (an earlier answer was lost): it stands
        // for the entry now. Otherwise the local copy shows 'submitted' until the row arrives.
        if (await hasServerRow(item.payload.householdId, item.entityId)) await db.entries.delete(item.entityId);
        else await db.entries.update(item.entityId, { state: 'submitted', syncIssue: null });
      }
    }
  });
}

/** Gives up an item the server refused: removes it and, for a never-accepted entry, the entry. */
export async function discardAttentionItem(itemId: string): Promise<void> {
  await db.transaction('rw', [db.outbox, db.entries, db.creditRecords], async () => {
    const item = await db.outbox.get(itemId);
    if (!item || item.status !== 'attention') return;
    await db.outbox.delete(itemId);
    if (item.kind === 'credit.create') {
      const record = await db.creditRecords.get(item.entityId);
      if (record?.state === 'queued') await db.creditRecords.delete(item.entityId);
    }
    if (item.kind === 'entry.create') {
      const entry = await db.entries.get(item.entityId);
      if (entry?.state === 'queued') await db.entries.delete(item.entityId);
    }
  });
}

/** Items of `userId` the server has not acknowledged yet (pending ones only). */
export async function pendingCountOf(userId: string): Promise<number> {
  return db.outbox.where('status').equals('pending').filter((i) => i.userId === userId).count();
}

/**
 * The collector keeps a refused item on the phone (to show the committee, or to record it again
 * later): it stays in the outbox as 'attention', is never sent, and is no longer flagged as new.
 */
export async function keepAttentionItem(itemId: string, now: Date = new Date()): Promise<void> {
  await db.outbox.where('id').equals(itemId).modify((i) => {
    if (i.status === 'attention') i.keptAt = now.toISOString();
  });
}

/** Notes that these items were written to an export file (logout checks it). */
export async function markExported(itemIds: string[], now: Date = new Date()): Promise<void> {
  const at = now.toISOString();
  await db.outbox.where('id').anyOf(itemIds).modify((i) => {
    i.exportedAt = at;
  });
}

/** What logging out would lose, over every user's items on this phone. */
export interface UnsentWork {
  pending: number;
  attention: number;
  /** Pending items never written to an export file: these block a logout. */
  unexported: number;
}

export async function unsentWork(): Promise<UnsentWork> {
  const out: UnsentWork = { pending: 0, attention: 0, unexported: 0 };
  await db.outbox.each((i) => {
    if (i.status === 'pending') {
      out.pending++;
      if (!i.exportedAt) out.unexported++;
    } else out.attention++;
  });
  return out;
}

/**
 * The village of an outbox item: stored on it since issue 3, else through its entry or household.
 * Undefined when the phone cannot tell (then no village may be purged, to be safe).
 * Call inside a transaction that includes outbox, entries and households.
 */
export async function villageOfItem(item: OutboxItem): Promise<string | undefined> {
  if (item.villageId) return item.villageId;
  if (item.kind === 'household.update') return (await db.households.get(item.payload.householdId))?.villageId;
  if (item.kind === 'entry.create') return (await db.entries.get(item.entityId))?.villageId;
  if (item.kind === 'entry.withdraw') return (await db.entries.get(item.payload.entryId))?.villageId;
  // Person, roster and credit items always carry their village (no older item without one exists).
  return undefined;
}

export async function countByStatus(): Promise<{ pending: number; attention: number }> {
  const [pending, attention] = await Promise.all([
    db.outbox.where('status').equals('pending').count(),
    db.outbox.where('status').equals('attention').count(),
  ]);
  return { pending, attention };
}

/**
 * Queues a points-shop hand-over (`shop.handover`, issue 8): the clerk hands the item over, maybe
 * offline; the server posts the reservation at sync, or rejects the item with why. Its photo is
 * uploaded before it like an entry's (sync/evidence-upload.ts).
 */
export async function enqueueShopHandover(
  input: { redemptionId: string; villageId: string; proofKind: 'photo' | 'signature'; proofSha256: string },
  userId: string,
  now: Date = new Date(),
): Promise<OutboxItem> {
  return db.transaction('rw', [db.meta, db.outbox], async () => {
    const deviceSeq = await nextDeviceSeq();
    const item: OutboxItem = {
      id: uuidv7(), kind: 'shop.handover', deviceSeq, at: now.toISOString(),
      payload: { redemptionId: input.redemptionId, proofKind: input.proofKind, proofSha256: input.proofSha256 },
      status: 'pending', attempts: 0, lastError: null, entityId: input.redemptionId, userId, villageId: input.villageId,
      exportedAt: null, keptAt: null,
    };
    await db.outbox.add(item);
    return item;
  });
}

/** The queued or refused hand-overs of this phone, by redemption id. */
export async function shopHandoversByRedemption(): Promise<Map<string, OutboxItem>> {
  const items = await db.outbox.filter((i) => i.kind === 'shop.handover').toArray();
  return new Map(items.map((i) => [i.entityId, i]));
}
