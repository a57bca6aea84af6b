// Evidence photos for the entry form: camera file → compressed, hashed, placed (if allowed) →
// stored on the phone. A photo that cannot be stored (storage full) stays in hand, in memory, with
// the reason, until the collector retries or removes it: it is never silently lost.
import { defineStore } from 'pinia';
import { MAX_EVIDENCE_BYTES, type EvidenceRef } from '../../../shared/domain/evidence';
import { deletePhoto, getPhoto, markUploaded, storePhoto, type LocalPhoto } from '../db/evidence';
import { putChunk, uploadState } from '../api/evidence';
import { uploadPhoto } from '../sync/evidence-upload';
import { compressPhoto, currentPosition, hasRoomFor, isQuotaError, sha256Hex } from '../platform/photo';

export type PhotoProblem = 'not_image' | 'compress_failed' | 'too_large' | 'quota';

export class PhotoError extends Error {
  constructor(readonly problem: PhotoProblem, readonly photo: LocalPhoto | null = null) {
    super(problem);
    this.name = 'PhotoError';
  }
}

export const refOf = (p: LocalPhoto): EvidenceRef => ({
  hash: p.hash, size: p.size, type: p.type, takenAt: p.takenAt, ...(p.gps ? { gps: p.gps } : {}),
});

export const useEvidenceStore = defineStore('evidence', () => {
  /** Camera file → a photo ready to store (not stored yet). */
  async function prepare(file: File, withPlace: boolean, now = new Date()): Promise<LocalPhoto> {
    if (!file.type.startsWith('image/')) throw new PhotoError('not_image');
    const [blob, gps] = await Promise.all([
      compressPhoto(file).catch(() => { throw new PhotoError('compress_failed'); }),
      withPlace ? currentPosition() : Promise.resolve(null),
    ]);
    if (blob.size > MAX_EVIDENCE_BYTES) throw new PhotoError('too_large');
    return {
      hash: await sha256Hex(blob), blob, type: 'image/jpeg', size: blob.size, takenAt: now.toISOString(), gps,
      createdAt: new Date().toISOString(), uploaded: 0,
    };
  }

  /** A drawn signature (PNG from the signature pad) → evidence ready to store, like a photo (no place). */
  async function prepareSignature(png: Blob, now = new Date()): Promise<LocalPhoto> {
    if (png.type !== 'image/png') throw new PhotoError('not_image');
    if (png.size > MAX_EVIDENCE_BYTES) throw new PhotoError('too_large');
    return { hash: await sha256Hex(png), blob: png, type: 'image/png', size: png.size, takenAt: now.toISOString(), gps: null, createdAt: new Date().toISOString(), uploaded: 0 };
  }

  /** Stores it, or throws PhotoError('quota', photo) with the photo still in hand. */
  async function keep(photo: LocalPhoto): Promise<EvidenceRef> {
    if ((await hasRoomFor(photo.size)) === false) throw new PhotoError('quota', photo);
    try {
      await storePhoto(photo);
    } catch (e) {
      if (isQuotaError(e)) throw new PhotoError('quota', photo);
      throw e;
    }
    return refOf(photo);
  }

  /** Removed from the form before the entry was saved. */
  async function discard(hash: string): Promise<void> {
    await deletePhoto(hash);
  }

  async function blobOf(hash: string): Promise<Blob | null> {
    return (await getPhoto(hash))?.blob ?? null;
  }

  /**
   * An online screen (the office's credit entry) uploads its photos itself, before it saves the
   * record: resumable and content-addressed like the sync runner's; any failure (network, or the
   * server refusing the photo) is thrown for the screen to say.
   */
  async function uploadNow(hashes: readonly string[]): Promise<void> {
    for (const hash of hashes) {
      const photo = await getPhoto(hash);
      if (photo) await uploadPhoto({ uploadState, putChunk, getPhoto, markUploaded }, photo);
    }
  }

  return { prepare, prepareSignature, keep, discard, blobOf, uploadNow };
});
