// Unsent work to a file and back: the last resort when a phone cannot reach the server for a long
// time, is about to be wiped, or its storage may be evicted (sync.md). The file carries the outbox
// items with their ORIGINAL mutation ids and the local entries they create with their original
// entry ids, so sending them from another phone (or again from this one) can never make a second
// row: the server answers a known id `duplicate`, and locally an id already present is skipped.
// ID numbers are never on the phone, so they cannot be in the file either.
import { z } from 'zod';
import { db, type LocalEntry, type OutboxItem } from './db';
import { getDeviceId, META } from './meta';
import { markExported } from './outbox';
import { hasServerRow } from './entries';
import { mutationEntityId, mutationSchema, type Mutation } from '../../../shared/protocol/sync';

export const UNSENT_FORMAT = 'cunxin-unsent';
export const UNSENT_FORMAT_VERSION = 1;

/** One outbox item in the file: the protocol mutation plus what the phone needs to show it. */
export interface ExportedItem {
  mutation: Mutation;
  status: 'pending' | 'attention';
  lastError: { code: string; message: string } | null;
  villageId: string | null;
}

export interface UnsentFile {
  format: typeof UNSENT_FORMAT;
  version: typeof UNSENT_FORMAT_VERSION;
  exportedAt: string;
  deviceId: string;
  userId: string;
  userName: string;
  items: ExportedItem[];
  /** The local entries created by the `entry.create` items (state 'queued' on this phone). */
  entries: LocalEntry[];
}

// The protocol's own UUID check (shared/protocol/sync.ts), not zod's stricter RFC variant rule.
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const issueSchema = z.object({ status: z.enum(['rejected', 'forbidden', 'conflict']), code: z.string(), message: z.string() });

/** Entries as the file carries them: the fields of a local entry, nothing else kept. */
const entrySchema = z.object({
  id: uuid,
  villageId: uuid,
  householdId: uuid,
  personId: uuid.nullable(),
  catalogVersionId: uuid,
  indicatorCode: z.string().min(1).max(40),
  occurredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  points: z.number().int(),
  note: z.string().max(500),
  recorderId: uuid,
  state: z.string(),
  reverses: uuid.nullable(),
  createdAt: z.string(),
  // Files written before issue 12 lack these.
  stateReason: z.string().max(500).default(''),
  revision: z.number().int().min(1).default(1),
  syncIssue: issueSchema.nullable().optional(),
});

const fileSchema = z.object({
  format: z.literal(UNSENT_FORMAT),
  version: z.number().int(),
  exportedAt: z.string(),
  deviceId: z.string(),
  userId: z.string(),
  userName: z.string(),
  items: z.array(z.object({
    mutation: mutationSchema,
    status: z.enum(['pending', 'attention']),
    lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
    villageId: uuid.nullable(),
  })),
  entries: z.array(entrySchema),
});

export type TransferErrorCode = 'not_a_file' | 'newer_version' | 'other_user' | 'damaged';

/** Why a file cannot be imported; `userName` is the owner for 'other_user'. */
export class TransferError extends Error {
  readonly code: TransferErrorCode;
  readonly userName: string;
  constructor(code: TransferErrorCode, userName = '') {
    super(code);
    this.name = 'TransferError';
    this.code = code;
    this.userName = userName;
  }
}

/** `村信-未发送-2026-11-28.json`, dated in the phone's time zone. */
export function unsentFileName(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `村信-未发送-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}.json`;
}

/**
 * Builds the file of `userId`'s outbox items (pending and refused, oldest first) and the entries
 * they create, and marks the items exported (a logout needs that). Nothing leaves the outbox.
 */
export async function exportUnsent(userId: string, userName: string, now: Date = new Date()): Promise<UnsentFile> {
  const deviceId = await getDeviceId();
  return db.transaction('rw', [db.meta, db.outbox, db.entries], async () => {
    const items = (await db.outbox.orderBy('deviceSeq').toArray()).filter((i) => i.userId === userId);
    const entryIds = items.filter((i) => i.kind === 'entry.create').map((i) => i.entityId);
    const entries = (await db.entries.bulkGet(entryIds)).filter((e): e is LocalEntry => !!e);
    const file: UnsentFile = {
      format: UNSENT_FORMAT,
      version: UNSENT_FORMAT_VERSION,
      exportedAt: now.toISOString(),
      deviceId,
      userId,
      userName,
      items: items.map((i) => ({
        mutation: { id: i.id, kind: i.kind, deviceSeq: i.deviceSeq, at: i.at, payload: i.payload } as Mutation,
        status: i.status,
        lastError: i.lastError,
        villageId: i.villageId ?? entries.find((e) => e.id === i.entityId)?.villageId ?? null,
      })),
      entries: entries.map(entryForFile),
    };
    await markExported(items.map((i) => i.id), now);
    await db.meta.put({ key: META.lastExportAt, value: file.exportedAt });
    return file;
  });
}

/** Only the entry's own fields: nothing else of the phone goes into the file. */
function entryForFile(e: LocalEntry): LocalEntry {
  return {
    id: e.id, villageId: e.villageId, householdId: e.householdId, personId: e.personId,
    catalogVersionId: e.catalogVersionId, indicatorCode: e.indicatorCode, occurredOn: e.occurredOn,
    points: e.points, note: e.note, recorderId: e.recorderId, state: e.state, reverses: e.reverses,
    createdAt: e.createdAt, stateReason: e.stateReason ?? '', revision: e.revision ?? 1, syncIssue: e.syncIssue ?? null,
  };
}

/** Reads and checks a file's text; throws TransferError for anything that is not our file. */
export function parseUnsentFile(text: string): UnsentFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TransferError('not_a_file');
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (!head || typeof head !== 'object' || head.format !== UNSENT_FORMAT) throw new TransferError('not_a_file');
  if (typeof head.version === 'number' && head.version > UNSENT_FORMAT_VERSION) throw new TransferError('newer_version');
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success || parsed.data.version !== UNSENT_FORMAT_VERSION) throw new TransferError('damaged');
  return parsed.data as UnsentFile;
}

export interface ImportResult {
  /** Items added to the outbox. */
  added: number;
  /** Items skipped: already in the outbox, or already acknowledged by the server. */
  skipped: number;
}

/**
 * Puts a file's items back into the outbox of `userId` (who must be the file's user: another
 * user's work must never be sent under this session). Mutation and entry ids are kept, so nothing
 * can be doubled: an item whose id is already in the outbox, or whose entry this phone already
 * holds in a state the server gave it, is skipped; an item already applied on the server comes
 * back `duplicate` when sent and simply leaves the outbox. The device sequence is allocated anew
 * (in the file's order): it is per phone, and the server's dedup ignores it.
 */
export async function importUnsent(file: UnsentFile, userId: string): Promise<ImportResult> {
  if (file.userId !== userId) throw new TransferError('other_user', file.userName);
  const entriesById = new Map(file.entries.map((e) => [e.id, e]));
  const ordered = [...file.items].sort((a, b) => a.mutation.deviceSeq - b.mutation.deviceSeq);
  return db.transaction('rw', [db.meta, db.outbox, db.entries, db.householdEntries, db.creditRecords], async () => {
    let added = 0;
    let skipped = 0;
    const present = new Set(await db.outbox.toCollection().primaryKeys());
    const pendingEntities = new Set((await db.outbox.toArray()).map((i) => `${i.kind}:${i.entityId}`));
    const seq = (await db.meta.get(META.deviceSeq))?.value;
    let deviceSeq = typeof seq === 'number' ? seq : 0;
    for (const x of ordered) {
      const m = x.mutation;
      const entityId = mutationEntityId(m);
      if (present.has(m.id) || pendingEntities.has(`${m.kind}:${entityId}`)) {
        skipped++;
        continue;
      }
      if (m.kind === 'entry.create') {
        const local = await db.entries.get(entityId);
        // The phone already holds this entry as the server sent it, or knows it was acknowledged.
        if ((local && local.state !== 'queued') || (await hasServerRow(m.payload.householdId, entityId))) {
          skipped++;
          continue;
        }
        const fromFile = entriesById.get(entityId);
        if (!local) {
          await db.entries.add(fromFile
            ? { ...fromFile, state: 'queued' }
            : entryFromPayload(m.payload, x.villageId, userId, m.at));
        }
      }
      if (m.kind === 'credit.create' && !(await db.creditRecords.get(entityId))) {
        const p = m.payload;
        await db.creditRecords.add({
          id: p.recordId, villageId: x.villageId ?? '', householdId: p.householdId, personId: p.personId, kind: p.kind,
          source: p.source, occurredOn: p.occurredOn, documentNo: p.documentNo, issuer: p.issuer ?? '', note: p.note, recorderId: userId,
          state: 'queued', createdAt: m.at, stateReason: '', syncIssue: null,
        });
      }
      const item: OutboxItem = {
        ...m,
        deviceSeq: ++deviceSeq,
        status: x.status,
        attempts: 0,
        lastError: x.lastError,
        entityId,
        userId,
        villageId: x.villageId ?? entriesById.get(entityId)?.villageId,
        exportedAt: file.exportedAt,
        keptAt: null,
      };
      if (!item.villageId) delete item.villageId;
      await db.outbox.add(item);
      present.add(m.id);
      pendingEntities.add(`${m.kind}:${entityId}`);
      added++;
    }
    if (added > 0) await db.meta.put({ key: META.deviceSeq, value: deviceSeq });
    return { added, skipped };
  });
}

type EntryCreate = Extract<Mutation, { kind: 'entry.create' }>['payload'];

/** An entry rebuilt from its mutation (a file whose entries list lacks it). */
function entryFromPayload(p: EntryCreate, villageId: string | null, userId: string, at: string): LocalEntry {
  return {
    id: p.entryId, villageId: villageId ?? '', householdId: p.householdId, personId: p.personId,
    catalogVersionId: p.catalogVersionId, indicatorCode: p.indicatorCode, occurredOn: p.occurredOn,
    points: p.points, note: p.note, recorderId: userId, state: 'queued', reverses: p.reverses,
    createdAt: at, stateReason: '', revision: 1, syncIssue: null,
  };
}
