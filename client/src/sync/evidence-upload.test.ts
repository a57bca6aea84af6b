import { describe, expect, it } from 'vitest';
import { uploadEvidenceOf, uploadPhoto, type UploadDeps } from './evidence-upload';
import type { LocalPhoto } from '../db/evidence';
import type { OutboxItem } from '../db/db';
import { ApiError } from '../api/http';

/** A server in memory that keeps what it got, can cut a chunk off, and checks offsets like the real one. */
function fakeServer(opts: { failAtOffset?: number } = {}) {
  const got = new Map<string, number>();
  const complete = new Set<string>();
  let failOnce = opts.failAtOffset;
  const puts: number[] = [];
  const deps: UploadDeps & { uploaded: string[] } = {
    chunkBytes: 100,
    uploaded: [],
    async uploadState(hash) { return { received: got.get(hash) ?? 0, complete: complete.has(hash) }; },
    async putChunk(hash, chunk, start, total) {
      if (complete.has(hash)) return { received: total, complete: true };
      if (failOnce !== undefined && start >= failOnce) {
        failOnce = undefined;
        throw new ApiError(0, 'network_error', 'connection lost');
      }
      puts.push(start);
      const have = got.get(hash) ?? 0;
      if (start !== have) return { received: have, complete: false };
      got.set(hash, start + chunk.size);
      if (start + chunk.size === total) complete.add(hash);
      return { received: start + chunk.size, complete: complete.has(hash) };
    },
    async getPhoto(hash) { return photos.get(hash); },
    async markUploaded(hash) { deps.uploaded.push(hash); },
  };
  return { deps, got, complete, puts };
}

const photos = new Map<string, LocalPhoto>();
function photo(hash: string, size: number): LocalPhoto {
  const p: LocalPhoto = { hash, blob: new Blob([new Uint8Array(size)]), type: 'image/jpeg', size, takenAt: '2026-12-02T08:00:00.000Z', gps: null, createdAt: '', uploaded: 0 };
  photos.set(hash, p);
  return p;
}
const entryItem = (hashes: string[]) => ({ kind: 'entry.create', payload: { evidence: hashes.map((hash) => ({ hash })) } }) as unknown as OutboxItem;

describe('uploadPhoto', () => {
  it('resumes an upload cut off at 90 % from the server’s offset, without resending what it has', async () => {
    const s = fakeServer({ failAtOffset: 900 });
    const p = photo('a'.repeat(64), 1000);
    await expect(uploadPhoto(s.deps, p)).rejects.toMatchObject({ isNetwork: true });
    expect(s.got.get(p.hash)).toBe(900);
    await uploadPhoto(s.deps, p);
    expect(s.complete.has(p.hash)).toBe(true);
    expect(s.puts).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(s.deps.uploaded).toEqual([p.hash]);
  });

  it('sends nothing for a photo the server already has', async () => {
    const s = fakeServer();
    const p = photo('b'.repeat(64), 250);
    s.complete.add(p.hash);
    await uploadPhoto(s.deps, p);
    expect(s.puts).toEqual([]);
    expect(s.deps.uploaded).toEqual([p.hash]);
  });
});

describe('uploadEvidenceOf', () => {
  it('uploads every photo of the items before they are sent, and skips uploaded ones', async () => {
    const s = fakeServer();
    const p1 = photo('c'.repeat(64), 150);
    const p2 = { ...photo('d'.repeat(64), 50), uploaded: 1 as const };
    photos.set(p2.hash, p2);
    const items = [entryItem([p1.hash, p2.hash]), entryItem([])];
    expect(await uploadEvidenceOf(s.deps, items)).toEqual(items);
    expect(s.deps.uploaded).toEqual([p1.hash]);
  });

  it('throws on a network failure (no entry leaves before its photos), but not for a photo the server refused', async () => {
    const s = fakeServer({ failAtOffset: 0 });
    const p = photo('e'.repeat(64), 100);
    await expect(uploadEvidenceOf(s.deps, [entryItem([p.hash])])).rejects.toBeInstanceOf(ApiError);
    const refusing = fakeServer();
    refusing.deps.putChunk = async () => { throw new ApiError(422, 'hash_mismatch', '照片内容与其校验值不符'); };
    expect(await uploadEvidenceOf(refusing.deps, [entryItem([p.hash])])).toHaveLength(1);
  });
});
