// Photos taken as evidence, kept on the phone until the server has them (docs/sync-protocol.md
// "Evidence photos"). A database of its own ('cunxin-evidence'): large blobs stay apart from the
// outbox and the pulled tables, and its schema moves independently of db.ts's versions.
import { Dexie, type Table } from 'dexie';
import type { EvidenceGps } from '../../../shared/domain/evidence';

export interface LocalPhoto {
  /** SHA-256 of the bytes (hex): the photo's address on the server too. */
  hash: string;
  blob: Blob;
  type: string;
  size: number;
  takenAt: string;
  /** Only when the collector allowed it; evidence metadata, never shown on public screens. */
  gps: EvidenceGps | null;
  createdAt: string;
  /** 1 once the server verified the whole photo (an index: Dexie cannot index booleans). */
  uploaded: 0 | 1;
}

class EvidenceDatabase extends Dexie {
  photos!: Table<LocalPhoto, string>;
  constructor() {
    super('cunxin-evidence');
    this.version(1).stores({ photos: 'hash, uploaded' });
  }
}

export const evidenceDb = new EvidenceDatabase();

/** Stores a photo (the same photo twice is kept once). Throws the browser's QuotaExceededError. */
export async function storePhoto(photo: LocalPhoto): Promise<void> {
  const existing = await evidenceDb.photos.get(photo.hash);
  if (!existing) await evidenceDb.photos.put(photo);
}

export const getPhoto = (hash: string) => evidenceDb.photos.get(hash);
export const getPhotos = async (hashes: readonly string[]) => (await evidenceDb.photos.bulkGet([...hashes])).filter((p): p is LocalPhoto => !!p);

export async function markUploaded(hash: string): Promise<void> {
  await evidenceDb.photos.update(hash, { uploaded: 1 });
}

/** A photo removed from a form before it was saved with an entry. */
export async function deletePhoto(hash: string): Promise<void> {
  await evidenceDb.photos.delete(hash);
}

export const countNotUploaded = () => evidenceDb.photos.where('uploaded').equals(0).count();

/** Logout removes every personal record from the phone: the photos too. */
export async function clearPhotos(): Promise<void> {
  await evidenceDb.photos.clear();
}
