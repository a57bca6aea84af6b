// The recorder's answers to a returned entry (issue 12): correct and resubmit it
// (`entry.resubmit`), or withdraw it (`entry.withdraw`). Like every outbox write, the mutation is
// queued in ONE transaction with its device sequence number, so it survives going offline, a
// reload or a crash, and is sent by the sync runner when the phone is back online.
import { uuidv7 } from 'uuidv7';
import { db, type LocalEntry, type OutboxItem } from './db';
import { META } from './meta';
import { allEntries } from './entries';
import type { NewEntryInput } from './outbox';

/** The corrected fields (the household and the entry's id stay). */
/** The corrected fields; `evidence`: photos the correction adds (the entry's own stay). */
export type EntryCorrection = Pick<NewEntryInput, 'personId' | 'catalogVersionId' | 'indicatorCode' | 'occurredOn' | 'points' | 'note' | 'evidence'>;

export class CorrectionError extends Error {
  constructor(readonly code: 'not_found' | 'not_returned' | 'not_recorder' | 'already_queued', message: string) {
    super(message);
  }
}

/** The entry as the phone knows it (the server's row winning over a local copy), or null. */
export async function findEntry(entryId: string): Promise<LocalEntry | null> {
  const local = await db.entries.get(entryId);
  // A returned entry came from the server, so its row is in householdEntries; a local copy of the
  // same id may still sit in `entries` (our own create, not yet replaced).
  const fromServer = (await allEntries()).find((e) => e.id === entryId);
  return fromServer ?? local ?? null;
}

/** A correction or withdrawal of this entry that is still waiting to be sent. */
export async function pendingAnswerFor(entryId: string): Promise<OutboxItem | null> {
  const items = await db.outbox.where('entityId').equals(entryId)
    .filter((i) => i.kind === 'entry.resubmit' || i.kind === 'entry.withdraw').toArray();
  return items[0] ?? null;
}

async function nextDeviceSeq(): Promise<number> {
  const row = await db.meta.get(META.deviceSeq);
  const next = (typeof row?.value === 'number' ? row.value : 0) + 1;
  await db.meta.put({ key: META.deviceSeq, value: next });
  return next;
}

function checkAnswerable(entry: LocalEntry | null, userId: string): asserts entry is LocalEntry {
  if (!entry) throw new CorrectionError('not_found', 'entry not on this phone');
  if (entry.recorderId !== userId) throw new CorrectionError('not_recorder', 'only its recorder answers a returned entry');
  if (entry.state !== 'returned') throw new CorrectionError('not_returned', `entry is ${entry.state}`);
}

function outboxItem(kind: 'entry.resubmit' | 'entry.withdraw', payload: unknown, entry: LocalEntry, userId: string, deviceSeq: number, at: string): OutboxItem {
  return {
    id: uuidv7(), kind, deviceSeq, at, payload, status: 'pending', attempts: 0, lastError: null,
    entityId: entry.id, userId, villageId: entry.villageId, exportedAt: null, keptAt: null,
  } as OutboxItem;
}

/**
 * Queues the corrected entry for review again. The revision sent is the one that was returned:
 * if it was corrected meanwhile from another phone, the server answers `conflict stale_revision`.
 */
export async function enqueueEntryResubmit(entryId: string, fields: EntryCorrection, userId: string, now: Date = new Date()): Promise<OutboxItem> {
  return db.transaction('rw', [db.meta, db.entries, db.householdEntries, db.outbox], async () => {
    const entry = await findEntry(entryId);
    checkAnswerable(entry, userId);
    if (await pendingAnswerFor(entryId)) throw new CorrectionError('already_queued', 'a correction is waiting to be sent');
    const item = outboxItem('entry.resubmit', {
      entryId, revision: entry.revision ?? 1, personId: fields.personId, catalogVersionId: fields.catalogVersionId,
      indicatorCode: fields.indicatorCode, occurredOn: fields.occurredOn, points: fields.points, note: fields.note,
      // Plain copies: a form's reactive array cannot be cloned into IndexedDB.
      ...(fields.evidence?.length ? { evidence: fields.evidence.map(({ hash, size, type, takenAt, gps }) => ({ hash, size, type, takenAt, ...(gps ? { gps: { lat: gps.lat, lon: gps.lon, accuracy: gps.accuracy } } : {}) })) } : {}),
    }, entry, userId, await nextDeviceSeq(), now.toISOString());
    await db.outbox.add(item);
    return item;
  });
}

/** Queues the withdrawal of a returned entry (it leaves the committee's queue for good). */
export async function enqueueEntryWithdraw(entryId: string, reason: string, userId: string, now: Date = new Date()): Promise<OutboxItem> {
  return db.transaction('rw', [db.meta, db.entries, db.householdEntries, db.outbox], async () => {
    const entry = await findEntry(entryId);
    checkAnswerable(entry, userId);
    if (await pendingAnswerFor(entryId)) throw new CorrectionError('already_queued', 'an answer is waiting to be sent');
    const item = outboxItem('entry.withdraw', { entryId, reason }, entry, userId, await nextDeviceSeq(), now.toISOString());
    await db.outbox.add(item);
    return item;
  });
}
