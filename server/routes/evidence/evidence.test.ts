// Photo evidence on the server (issue 13): resumable, content-addressed uploads with limits, the
// entry.create rule that deductions and evidence-required indicators carry photos, and the entry's
// evidence as reviewers see it. On SQLite (files under DATA_DIR/evidence) and PostgreSQL (bytea).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { fakeJpeg, putChunk, sha256Hex, uploadPhoto } from '../../test/evidence';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../../shared/protocol/sync';
import { MAX_EVIDENCE_BYTES } from '../../../shared/domain/evidence';

describe.each(await testDialects())('evidence photos on %s', (dialect) => {
  let fx: Fixture;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-evidence-'));
    fx = await createFixture(dialect, { config: { dataDir } });
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const status = async (hash: string) => (await fx.request('collector', 'GET', `/api/evidence/${hash}/upload`)).json() as Promise<{ received: number; complete: boolean }>;
  const blobRows = async (hash: string) => Number((await fx.deps.db.selectFrom('evidence_blobs').select((eb) => eb.fn.countAll<number>().as('n')).where('sha256', '=', hash).executeTakeFirstOrThrow()).n);
  const storedBytes = async (hash: string): Promise<number> => {
    if (dialect === 'sqlite') return fs.readdirSync(dataDir, { recursive: true }).filter((f) => String(f).includes(hash)).length;
    return Number((await fx.deps.db.selectFrom('evidence_chunks').select((eb) => eb.fn.countAll<number>().as('n')).where('sha256', '=', hash).executeTakeFirstOrThrow()).n);
  };

  it('resumes an upload interrupted at 90 % from the offset the server reports, and verifies it', async () => {
    const photo = fakeJpeg(250_000);
    const hash = sha256Hex(photo);
    const chunk = 25_000;
    // 9 of 10 chunks arrive, then the connection drops.
    for (let start = 0; start < 225_000; start += chunk) {
      expect((await putChunk(fx, 'collector', hash, photo, start, start + chunk - 1)).status).toBe(202);
    }
    expect(await status(hash)).toEqual({ received: 225_000, complete: false });
    // A chunk sent again from an old offset is refused with the offset to resume from.
    const stale = await putChunk(fx, 'collector', hash, photo, 200_000, 224_999);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: { code: 'upload_offset' }, received: 225_000 });
    // Resume: ask where to go on, send the rest.
    const { received } = await status(hash);
    const last = await putChunk(fx, 'collector', hash, photo, received, photo.length - 1);
    expect(last.status).toBe(201);
    expect(await last.json()).toEqual({ received: photo.length, complete: true });
    expect(await status(hash)).toEqual({ received: photo.length, complete: true });
  });

  it('stores the same photo twice once', async () => {
    const photo = fakeJpeg(100_000);
    const hash = sha256Hex(photo);
    expect((await uploadPhoto(fx, 'collector', photo, 40_000)).status).toBe(201);
    const before = await storedBytes(hash);
    // Another collector's phone has the same photo: its first chunk is answered "complete".
    const again = await putChunk(fx, 'collector2', hash, photo, 0, 39_999);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: photo.length, complete: true });
    expect(await blobRows(hash)).toBe(1);
    expect(await storedBytes(hash)).toBe(before);
  });

  it('refuses bytes that do not match their hash, forgets them, and takes the right bytes afterwards', async () => {
    const photo = fakeJpeg(60_000);
    const claimed = sha256Hex(fakeJpeg(60_000));
    const res = await putChunk(fx, 'collector', claimed, photo, 0, photo.length - 1);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'hash_mismatch', message: expect.stringMatching(/校验/) } });
    expect(await status(claimed)).toEqual({ received: 0, complete: false });
    expect(await blobRows(claimed)).toBe(0);
    expect(await storedBytes(claimed)).toBe(0);
  });

  it('keeps to the limits: image types only, by content too, at most 2 MB, a valid range', async () => {
    const photo = fakeJpeg(5000);
    const hash = sha256Hex(photo);
    expect((await putChunk(fx, 'collector', hash, photo, 0, 4999, 'image/gif')).status).toBe(415);
    expect((await putChunk(fx, 'collector', hash, photo, 0, 4999, 'image/svg+xml')).status).toBe(415);
    const text = Buffer.from('<html>not a photo</html>'.repeat(50));
    const typed = await putChunk(fx, 'collector', sha256Hex(text), text, 0, text.length - 1);
    expect(typed.status).toBe(422);
    expect(await typed.json()).toMatchObject({ error: { code: 'type_mismatch' } });
    const big = await fx.app.request(`/api/evidence/${hash}`, {
      method: 'PUT',
      headers: { cookie: await fx.cookie('collector'), 'content-type': 'image/jpeg', 'content-range': `bytes 0-4999/${MAX_EVIDENCE_BYTES + 1}` },
      body: new Uint8Array(photo),
    });
    expect(big.status).toBe(413);
    const noRange = await fx.app.request(`/api/evidence/${hash}`, {
      method: 'PUT', headers: { cookie: await fx.cookie('collector'), 'content-type': 'image/jpeg' }, body: new Uint8Array(photo),
    });
    expect(noRange.status).toBe(400);
    expect((await fx.request('collector', 'GET', '/api/evidence/NOT-A-HASH/upload')).status).toBe(400);
    expect((await fx.request('resident', 'GET', `/api/evidence/${hash}/upload`)).status).toBe(403);
  });

  describe('entries with photos', () => {
    const push = (payload: Record<string, unknown>) => fx.request('collector', 'POST', '/api/sync', {
      protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: uuidv7(), cursors: {},
      mutations: [{ id: uuidv7(), kind: 'entry.create', deviceSeq: 1, at: fx.deps.now().toISOString(), payload: {
        entryId: uuidv7(), householdId: fx.ids.h1, personId: null, catalogVersionId: fx.ids.cv1, occurredOn: fx.deps.now().toISOString().slice(0, 10),
        note: '村规民约第5条', reverses: null, ...payload,
      } }],
    });
    const result = async (res: Response) => ((await res.json()) as { results: { status: string; code?: string; message?: string }[] }).results[0];

    it('refuses a deduction without a photo, per item and with the reason', async () => {
      const r = await result(await push({ indicatorCode: 'B06', points: -5 }));
      expect(r).toMatchObject({ status: 'rejected', code: 'evidence_required', message: expect.stringMatching(/照片/) });
    });

    it('accepts it with a photo, and reviewers see the photo (GPS stays on the server)', async () => {
      const photo = fakeJpeg(30_000);
      const hash = sha256Hex(photo);
      expect((await uploadPhoto(fx, 'collector', photo)).status).toBe(201);
      const pending = fakeJpeg(1000); // referenced, not uploaded yet: accepted, shown as not received
      const takenAt = fx.deps.now().toISOString();
      const r = await result(await push({
        indicatorCode: 'B06', points: -5,
        evidence: [
          { hash, size: photo.length, type: 'image/jpeg', takenAt, gps: { lat: 36.78, lon: 119.95, accuracy: 12 } },
          { hash: sha256Hex(pending), size: pending.length, type: 'image/jpeg', takenAt },
        ],
      }));
      expect(r).toEqual({ id: expect.any(String), status: 'applied' });

      const queue = await (await fx.request('committee', 'GET', `/api/review/queue?villageId=${fx.ids.v1}`)).json() as { entries: { indicatorCode: string; evidence: unknown[] }[] };
      const item = queue.entries.find((e) => e.evidence.length > 0)!;
      expect(item.evidence).toEqual([
        { hash, url: `/api/evidence/${hash}`, takenAt, received: true },
        { hash: sha256Hex(pending), url: `/api/evidence/${sha256Hex(pending)}`, takenAt, received: false },
      ]);
      expect(JSON.stringify(queue)).not.toContain('119.95');
      const got = await fx.request('committee', 'GET', `/api/evidence/${hash}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(sha256Hex(Buffer.from(await got.arrayBuffer()))).toBe(hash);
      // Not uploaded yet: 404 with a reason, for someone who may see it.
      expect((await fx.request('committee', 'GET', `/api/evidence/${sha256Hex(pending)}`)).status).toBe(404);
      const detail = await (await fx.request('collector', 'GET', `/api/households/${fx.ids.h1}`)).json() as { entries: { evidence: unknown[] }[] };
      expect(detail.entries.some((e) => e.evidence.length === 2)).toBe(true);
    });

    it('refuses the same photo twice in one entry and more than five', async () => {
      const photo = fakeJpeg(2000);
      const ref = { hash: sha256Hex(photo), size: photo.length, type: 'image/jpeg', takenAt: fx.deps.now().toISOString() };
      expect(await result(await push({ indicatorCode: 'B06', points: -5, evidence: [ref, ref] }))).toMatchObject({ status: 'rejected', code: 'evidence_duplicate' });
      const six = Array.from({ length: 6 }, () => ({ ...ref, hash: sha256Hex(fakeJpeg(100)) }));
      expect(await result(await push({ indicatorCode: 'B06', points: -5, evidence: six }))).toMatchObject({ status: 'rejected', code: 'evidence_too_many' });
    });
  });
});
