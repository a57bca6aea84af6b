// Photo evidence, content-addressed by SHA-256 (docs/sync-protocol.md "Evidence photos").
// One module, two backends for the bytes:
// - SQLite (the embedded default): files under DATA_DIR/evidence/ — `<hash>.part` while the upload
//   runs, `ab/<hash>` once verified;
// - PostgreSQL: rows of evidence_chunks (bytea), so that several server processes share them.
// The bookkeeping (size, type, bytes received, verified) is the evidence_blobs row on both.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dialect } from '../db/connect';
import { writeTransaction, type TransactionDeps, type WriteTrx } from '../db/transaction';
import { sniffImageType } from '../../shared/domain/evidence';
import { sql } from 'kysely';
import type { CreditRecordEvidenceTable } from '../db/schema';
import type { Queryable } from './queryable';

export interface EvidenceStore extends TransactionDeps {
  dialect: Dialect;
  /** Where the SQLite backend keeps files (DATA_DIR/evidence). */
  dir: string;
}

export interface UploadState { size: number; mime: string; received: number; complete: boolean }

export interface Chunk {
  hash: string;
  start: number;
  total: number;
  mime: string;
  bytes: Uint8Array;
  userId: string;
  now: string;
}

export type AppendResult =
  | { kind: 'complete'; stored: boolean }
  | { kind: 'partial'; received: number }
  | { kind: 'offset_mismatch'; received: number }
  | { kind: 'size_mismatch'; size: number }
  | { kind: 'hash_mismatch' }
  | { kind: 'type_mismatch' };

const partFile = (dir: string, hash: string) => path.join(dir, `${hash}.part`);
const finalFile = (dir: string, hash: string) => path.join(dir, hash.slice(0, 2), hash);

export async function findUpload(db: Queryable, hash: string): Promise<UploadState | null> {
  const r = await db.selectFrom('evidence_blobs').select(['size', 'mime', 'received', 'complete']).where('sha256', '=', hash).executeTakeFirst();
  return r ? { size: r.size, mime: r.mime, received: r.received, complete: r.complete === 1 } : null;
}

/**
 * Appends one chunk at `start`, which must be the bytes received so far (else offset_mismatch with
 * the offset to resume from). The last chunk verifies the SHA-256 and the image type of the whole
 * photo; a photo that fails is forgotten, so a correct upload can start again from 0. A photo
 * already stored answers complete without writing: the same photo twice is stored once.
 */
export async function appendChunk(store: EvidenceStore, c: Chunk): Promise<AppendResult> {
  return writeTransaction(store, async (trx) => {
    await trx.insertInto('evidence_blobs')
      .values({ sha256: c.hash, size: c.total, mime: c.mime, received: 0, complete: 0, uploaded_by: c.userId, created_at: c.now, completed_at: null })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    let q = trx.selectFrom('evidence_blobs').select(['size', 'received', 'complete']).where('sha256', '=', c.hash);
    // PostgreSQL: one chunk at a time per photo (SQLite's BEGIN IMMEDIATE already serializes).
    if (store.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirstOrThrow();
    if (row.complete === 1) return { kind: 'complete', stored: false };
    if (row.size !== c.total) return { kind: 'size_mismatch', size: row.size };
    if (row.received !== c.start) return { kind: 'offset_mismatch', received: row.received };

    await writeBytes(store, trx, c);
    const received = c.start + c.bytes.length;
    if (received < c.total) {
      await trx.updateTable('evidence_blobs').set({ received }).where('sha256', '=', c.hash).execute();
      return { kind: 'partial', received };
    }
    const whole = await readPartial(store, trx, c.hash);
    const failure = createHash('sha256').update(whole).digest('hex') !== c.hash ? 'hash_mismatch'
      : sniffImageType(whole.subarray(0, 16)) !== c.mime ? 'type_mismatch' : null;
    if (failure) {
      await forget(store, trx, c.hash);
      return { kind: failure };
    }
    if (store.dialect === 'sqlite') {
      await fs.mkdir(path.dirname(finalFile(store.dir, c.hash)), { recursive: true });
      await fs.rename(partFile(store.dir, c.hash), finalFile(store.dir, c.hash));
    }
    await trx.updateTable('evidence_blobs').set({ received, complete: 1, completed_at: c.now }).where('sha256', '=', c.hash).execute();
    return { kind: 'complete', stored: true };
  });
}

async function writeBytes(store: EvidenceStore, trx: WriteTrx, c: Chunk): Promise<void> {
  if (store.dialect === 'postgres') {
    await trx.insertInto('evidence_chunks').values({ sha256: c.hash, byte_offset: c.start, data: Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength) }).execute();
    return;
  }
  await fs.mkdir(store.dir, { recursive: true });
  // At `start`, then cut there: bytes a crashed earlier attempt wrote past `received` are overwritten.
  const fh = await fs.open(partFile(store.dir, c.hash), c.start === 0 ? 'w' : 'r+');
  try {
    await fh.write(c.bytes, 0, c.bytes.length, c.start);
    await fh.truncate(c.start + c.bytes.length);
  } finally {
    await fh.close();
  }
}

async function readPartial(store: EvidenceStore, db: Queryable, hash: string): Promise<Buffer> {
  if (store.dialect === 'sqlite') return fs.readFile(partFile(store.dir, hash));
  return readChunks(db, hash);
}

async function readChunks(db: Queryable, hash: string): Promise<Buffer> {
  const rows = await db.selectFrom('evidence_chunks').select('data').where('sha256', '=', hash).orderBy('byte_offset').execute();
  return Buffer.concat(rows.map((r) => Buffer.from(r.data)));
}

async function forget(store: EvidenceStore, trx: WriteTrx, hash: string): Promise<void> {
  if (store.dialect === 'postgres') await trx.deleteFrom('evidence_chunks').where('sha256', '=', hash).execute();
  else await fs.rm(partFile(store.dir, hash), { force: true });
  await trx.deleteFrom('evidence_blobs').where('sha256', '=', hash).execute();
}

/**
 * Deletes photos no entry references any more (retention, guardrail 8): their bookkeeping rows and,
 * on PostgreSQL, their bytes, in the caller's transaction. On SQLite the files go with
 * removePhotoFiles() once that transaction committed (a rollback must not lose a photo).
 */
export async function deletePhotos(store: EvidenceStore, trx: WriteTrx, hashes: readonly string[]): Promise<void> {
  if (hashes.length === 0) return;
  if (store.dialect === 'postgres') await trx.deleteFrom('evidence_chunks').where('sha256', 'in', hashes).execute();
  await trx.deleteFrom('evidence_blobs').where('sha256', 'in', hashes).execute();
}

/** SQLite: the files of photos deleted by deletePhotos() (verified or still uploading). */
export async function removePhotoFiles(store: EvidenceStore, hashes: readonly string[]): Promise<void> {
  if (store.dialect !== 'sqlite') return;
  for (const h of hashes) {
    await fs.rm(finalFile(store.dir, h), { force: true });
    await fs.rm(partFile(store.dir, h), { force: true });
  }
}

/** A verified photo's bytes and type; null while it is missing or incomplete. */
export async function readEvidence(store: EvidenceStore, hash: string): Promise<{ mime: string; bytes: Buffer } | null> {
  const state = await findUpload(store.db, hash);
  if (!state?.complete) return null;
  const bytes = store.dialect === 'sqlite' ? await fs.readFile(finalFile(store.dir, hash)) : await readChunks(store.db, hash);
  return { mime: state.mime, bytes };
}

// ---- which entries and credit records carry which photos ---------------------------------------
// Two link tables of the same shape (owner id, sha256, position, size, mime, taken_at): entries'
// (entry_evidence, with the place when the collector allowed it) and credit records'
// (credit_record_evidence of migrations/0020, never a place: guardrail 7, a document's photo needs
// none). One set of functions, parameterised by the link.

export const EVIDENCE_LINKS = {
  entry: { table: 'entry_evidence', owner: 'entry_id' },
  creditRecord: { table: 'credit_record_evidence', owner: 'record_id' },
} as const;
export type EvidenceLink = keyof typeof EVIDENCE_LINKS;

export interface NewEvidence {
  ownerId: string; hash: string; position: number; size: number; mime: string; takenAt: string;
  /** Kept for entries only; a credit record's link table has no place columns. */
  gps?: { lat: number; lon: number; accuracy: number } | null;
}

/** The link table typed as the columns both have (the owner column goes by `ownerRef`). */
const linkTable = (link: EvidenceLink) => `${EVIDENCE_LINKS[link].table} as ev` as 'credit_record_evidence as ev';
const ownerRef = (link: EvidenceLink) => sql.ref(`ev.${EVIDENCE_LINKS[link].owner}`);

export async function insertEvidence(db: Queryable, link: EvidenceLink, rows: readonly NewEvidence[]): Promise<void> {
  const { table, owner } = EVIDENCE_LINKS[link];
  // 500 rows × 9 columns stays under both databases' parameter limits.
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => ({
      [owner]: r.ownerId, sha256: r.hash, position: r.position, size: r.size, mime: r.mime, taken_at: r.takenAt,
      ...(link === 'entry' ? { gps_lat: r.gps?.lat ?? null, gps_lon: r.gps?.lon ?? null, gps_accuracy: r.gps?.accuracy ?? null } : {}),
    }));
    await db.insertInto(table as 'credit_record_evidence').values(values as unknown as CreditRecordEvidenceTable[]).execute();
  }
}

export interface EvidenceRow { ownerId: string; hash: string; takenAt: string; size: number; mime: string; received: boolean }

/** The photos of these entries or records, in the order they were taken (by the link's primary key). */
export async function evidenceOf(db: Queryable, link: EvidenceLink, ownerIds: readonly string[]): Promise<Map<string, EvidenceRow[]>> {
  const out = new Map<string, EvidenceRow[]>();
  for (let i = 0; i < ownerIds.length; i += 500) {
    const rows = await db.selectFrom(linkTable(link))
      .leftJoin('evidence_blobs as b', 'b.sha256', 'ev.sha256')
      .select([sql<string>`${ownerRef(link)}`.as('owner_id'), 'ev.sha256', 'ev.taken_at', 'ev.size', 'ev.mime', 'ev.position', 'b.complete'])
      .where(ownerRef(link), 'in', ownerIds.slice(i, i + 500))
      .orderBy(ownerRef(link)).orderBy('ev.position')
      .execute();
    for (const r of rows) {
      const list = out.get(r.owner_id) ?? [];
      list.push({ ownerId: r.owner_id, hash: r.sha256, takenAt: r.taken_at, size: r.size, mime: r.mime, received: r.complete === 1 });
      out.set(r.owner_id, list);
    }
  }
  return out;
}

/** Removes the photo links of these entries or records (retention); returns the hashes nothing references any more. */
export async function unlinkEvidence(db: Queryable, link: EvidenceLink, ownerIds: readonly string[]): Promise<string[]> {
  if (ownerIds.length === 0) return [];
  const linked = await db.selectFrom(linkTable(link)).select('ev.sha256').distinct().where(ownerRef(link), 'in', ownerIds).execute();
  if (linked.length === 0) return [];
  await db.deleteFrom(linkTable(link)).where(ownerRef(link), 'in', ownerIds).execute();
  return stillUnreferenced(db, linked.map((r) => r.sha256));
}

/** Villages whose entries or credit records reference the photo (who may see it follows from these). */
export async function villagesOfEvidence(db: Queryable, hash: string): Promise<string[]> {
  const rows = await db.selectFrom('entry_evidence as ev')
    .innerJoin('entries as e', 'e.id', 'ev.entry_id')
    .select('e.village_id')
    .where('ev.sha256', '=', hash)
    .union(db.selectFrom('credit_record_evidence as cv')
      .innerJoin('credit_records as r', 'r.id', 'cv.record_id')
      .select('r.village_id')
      .where('cv.sha256', '=', hash))
    .execute();
  return [...new Set(rows.map((r) => r.village_id))];
}

/** Of these photos, those no entry and no credit record references. */
export async function stillUnreferenced(db: Queryable, hashes: readonly string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const still = await db.selectFrom('entry_evidence').select('sha256').where('sha256', 'in', hashes)
    .union(db.selectFrom('credit_record_evidence').select('sha256').where('sha256', 'in', hashes)).execute();
  const kept = new Set(still.map((s) => s.sha256));
  return [...new Set(hashes)].filter((h) => !kept.has(h));
}
