// Photo evidence (docs/sync-protocol.md "Evidence photos"), mounted at /api/evidence:
//   GET  /:sha256/upload  how many bytes the server has (the offset to resume from)
//   PUT  /:sha256         one chunk, Content-Range: bytes start-end/total, Content-Type: the image type
//   GET  /:sha256         the verified photo, for staff who may see an entry that carries it
// Uploads are content-addressed: the address is the SHA-256 the phone computed, the server checks
// it when the last byte arrives, and a photo stored already is never stored again.
import path from 'node:path';
import { Hono, type Context } from 'hono';
import type { AppEnv, Deps } from '../../context';
import { allow, STAFF, WRITERS } from '../../access/rules';
import { requireRole } from '../../access/guards';
import { badRequest, AppError, notFound } from '../../http/errors';
import { appendChunk, findUpload, readEvidence, type EvidenceStore } from '../../repositories/evidence';
import {
  EVIDENCE_CHUNK_BYTES, EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, SHA256_HEX, parseContentRange,
} from '../../../shared/domain/evidence';
import { uploadAnswer } from './answer';

export function evidenceStore(deps: Deps): EvidenceStore {
  return { db: deps.db, dialect: deps.dialect, dir: path.join(deps.config.dataDir, 'evidence') };
}

function hashParam(c: Context<AppEnv>): string {
  const hash = c.req.param('sha256') ?? '';
  if (!SHA256_HEX.test(hash)) throw badRequest('invalid_hash', '照片编号应为 64 位小写十六进制 SHA-256');
  return hash;
}

/** A chunk may be a little larger than the phone's chunk size, never the whole 512 KiB body limit. */
const MAX_CHUNK_BYTES = EVIDENCE_CHUNK_BYTES * 2;

export const evidenceRoutes = new Hono<AppEnv>()
  .get('/:sha256/upload', allow({ roles: WRITERS, scope: 'self' }), async (c) => {
    const hash = hashParam(c);
    const state = await findUpload(c.get('deps').db, hash);
    return c.json({ received: state?.received ?? 0, complete: state?.complete ?? false });
  })
  .put('/:sha256', allow({ roles: WRITERS, scope: 'self' }), async (c) => {
    const user = requireRole(c.get('user'), ...WRITERS);
    const hash = hashParam(c);
    const mime = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!(EVIDENCE_TYPES as readonly string[]).includes(mime)) {
      throw new AppError(415, 'evidence_type', '只接受 JPEG、PNG 或 WebP 照片');
    }
    const range = parseContentRange(c.req.header('content-range'));
    if (!range) throw badRequest('content_range', '缺少或无效的 Content-Range（bytes 起-止/总长）');
    if (range.total > MAX_EVIDENCE_BYTES) throw new AppError(413, 'evidence_too_large', `照片不能超过 ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length !== range.end - range.start + 1) throw badRequest('content_range', '内容长度与 Content-Range 不符');
    if (bytes.length > MAX_CHUNK_BYTES) throw new AppError(413, 'chunk_too_large', `每段不能超过 ${MAX_CHUNK_BYTES / 1024} KiB`);
    const deps = c.get('deps');
    const result = await appendChunk(evidenceStore(deps), {
      hash, start: range.start, total: range.total, mime, bytes, userId: user.id, now: deps.now().toISOString(),
    });
    const answer = uploadAnswer(result, range.total);
    return c.json(answer.body, answer.status);
  })
  .get('/:sha256', allow({ roles: STAFF, scope: 'evidence' }), async (c) => {
    const hash = hashParam(c);
    const photo = await readEvidence(evidenceStore(c.get('deps')), hash);
    if (!photo) throw notFound('照片尚未上传完成');
    return c.body(new Uint8Array(photo.bytes.buffer as ArrayBuffer, photo.bytes.byteOffset, photo.bytes.byteLength), 200, {
      'Content-Type': photo.mime,
      ETag: `"${hash}"`,
    });
  });
