// Test support for photo evidence: synthetic JPEG-looking bytes, a chunked upload through the app,
// and linking a photo to an entry or a credit record without a sync push.
import crypto from 'node:crypto';
import type { Fixture, FixtureUser } from './fixtures';
import { insertEvidence, type EvidenceLink } from '../repositories/evidence';

/** `size` bytes that start like a JPEG (FF D8 FF E0) and are otherwise random: unique per call. */
export function fakeJpeg(size: number): Buffer {
  const b = crypto.randomBytes(size);
  b[0] = 0xff; b[1] = 0xd8; b[2] = 0xff; b[3] = 0xe0;
  return b;
}

export const sha256Hex = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** PUT one chunk [start, end] of `bytes` as `user`. */
export async function putChunk(fx: Fixture, user: FixtureUser, hash: string, bytes: Buffer, start: number, end: number, type = 'image/jpeg'): Promise<Response> {
  return fx.app.request(`/api/evidence/${hash}`, {
    method: 'PUT',
    headers: { cookie: await fx.cookie(user), 'content-type': type, 'content-range': `bytes ${start}-${end}/${bytes.length}` },
    body: new Uint8Array(bytes.subarray(start, end + 1)),
  });
}

/** The whole photo in chunks of `chunk` bytes; returns the last answer. */
export async function uploadPhoto(fx: Fixture, user: FixtureUser, bytes: Buffer, chunk = 64 * 1024): Promise<Response> {
  const hash = sha256Hex(bytes);
  let res: Response | null = null;
  for (let start = 0; start < bytes.length; start += chunk) {
    res = await putChunk(fx, user, hash, bytes, start, Math.min(start + chunk, bytes.length) - 1);
    if (res.status !== 202 && res.status !== 201 && res.status !== 200) return res;
  }
  return res!;
}

/** Links a photo to an entry (or, with `link` creditRecord, to a credit record). */
export async function linkEvidence(fx: Fixture, ownerId: string, hash: string, size: number, link: EvidenceLink = 'entry'): Promise<void> {
  await insertEvidence(fx.deps.db, link, [{ ownerId, hash, position: 0, size, mime: 'image/jpeg', takenAt: fx.deps.now().toISOString(), gps: null }]);
}
