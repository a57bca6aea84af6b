// Uploads the photos of entries and credit records before they are sent (docs/sync-protocol.md "Evidence photos"):
// resumable (the server says how much it has; a photo cut off at 90 % goes on from there) and
// content-addressed (a photo the server has already is not sent again).
import { EVIDENCE_CHUNK_BYTES } from '../../../shared/domain/evidence';
import type { OutboxItem } from '../db/db';
import type { LocalPhoto } from '../db/evidence';
import type { UploadState } from '../api/evidence';
import { ApiError } from '../api/http';

export interface UploadDeps {
  uploadState(hash: string): Promise<UploadState>;
  putChunk(hash: string, chunk: Blob, start: number, total: number, type: string): Promise<UploadState>;
  getPhoto(hash: string): Promise<LocalPhoto | undefined>;
  markUploaded(hash: string): Promise<void>;
  chunkBytes?: number;
}

/** Sends what the server lacks of one photo; resolves once the server verified it. */
export async function uploadPhoto(deps: UploadDeps, photo: LocalPhoto): Promise<void> {
  const chunk = deps.chunkBytes ?? EVIDENCE_CHUNK_BYTES;
  let state = await deps.uploadState(photo.hash);
  // Each answer (also a refused stale offset) tells where to go on; a stuck server ends the loop.
  for (let guard = 0; !state.complete && guard < 4 * Math.ceil(photo.size / chunk) + 4; guard++) {
    const start = state.received;
    state = await deps.putChunk(photo.hash, photo.blob.slice(start, start + chunk), start, photo.size, photo.type);
  }
  if (!state.complete) throw new Error(`photo ${photo.hash} did not complete`);
  await deps.markUploaded(photo.hash);
}

const photoHashes = (item: OutboxItem): string[] =>
  item.kind === 'entry.create' || item.kind === 'entry.resubmit' || item.kind === 'credit.create' ? (item.payload.evidence ?? []).map((e) => e.hash)
    : item.kind === 'shop.handover' ? [item.payload.proofSha256] : [];

/**
 * Uploads the photos of the items about to be sent. Every item is returned: one whose photo is not
 * on this phone any more (imported from another phone's file) goes with its reference only, and
 * the server shows the photo as not received. A network failure throws: the run is retried later
 * and no entry leaves before its photos.
 */
export async function uploadEvidenceOf(deps: UploadDeps, items: readonly OutboxItem[]): Promise<OutboxItem[]> {
  for (const item of items) {
    for (const hash of photoHashes(item)) {
      const photo = await deps.getPhoto(hash);
      if (!photo || photo.uploaded === 1) continue;
      try {
        await uploadPhoto(deps, photo);
      } catch (e) {
        // The server refused the photo itself (damaged on the phone: hash or type mismatch, too
        // large): the entry still goes, with the reference; it must not hold the outbox forever.
        const refused = e instanceof ApiError && !e.isNetwork && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429;
        if (!refused) throw e;
      }
    }
  }
  return [...items];
}
