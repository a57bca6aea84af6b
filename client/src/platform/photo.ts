// The camera photo's way into evidence: compressed on the phone (long side ≤ 1600 px, ≤ 300 KB),
// hashed with WebCrypto, the place when the collector allows it, and room checked before storing.
import imageCompression from 'browser-image-compression';
import {
  EVIDENCE_MAX_SIDE_PX, EVIDENCE_TARGET_BYTES, type EvidenceGps,
} from '../../../shared/domain/evidence';

export async function compressPhoto(file: File): Promise<Blob> {
  return imageCompression(file, {
    maxSizeMB: EVIDENCE_TARGET_BYTES / 1024 / 1024,
    maxWidthOrHeight: EVIDENCE_MAX_SIDE_PX,
    fileType: 'image/jpeg',
    initialQuality: 0.8,
    // Its worker loads the library from a CDN, which the CSP (script-src 'self') refuses.
    useWebWorker: false,
  });
}

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The phone's position if the collector allows it within a few seconds; never required. */
export function currentPosition(timeoutMs = 5000): Promise<EvidenceGps | null> {
  if (typeof navigator === 'undefined' || !navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => resolve(null),
      { timeout: timeoutMs, maximumAge: 60_000, enableHighAccuracy: false },
    );
  });
}

/**
 * False when the browser says the photo would not fit: checked before storing, so the collector
 * hears it while the photo is still in hand, not after it was lost. Null: the browser cannot tell.
 */
export async function hasRoomFor(bytes: number): Promise<boolean | null> {
  const sm = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!sm?.estimate) return null;
  const e = await sm.estimate().catch(() => null);
  if (typeof e?.quota !== 'number' || typeof e.usage !== 'number') return null;
  // Twice the photo: IndexedDB needs room for its own bookkeeping and the write itself.
  return e.quota - e.usage > bytes * 2;
}

export const isQuotaError = (e: unknown) =>
  e instanceof Error && (e.name === 'QuotaExceededError' || (e as { inner?: { name?: string } }).inner?.name === 'QuotaExceededError');
