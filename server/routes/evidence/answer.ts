// What PUT /api/evidence/:sha256 answers for each outcome of a chunk (pure; docs/sync-protocol.md).
import type { AppendResult } from '../../repositories/evidence';

export interface UploadAnswer {
  status: 200 | 201 | 202 | 409 | 422;
  body: { received: number; complete: boolean } | { error: { code: string; message: string }; received?: number };
}

export function uploadAnswer(r: AppendResult, total: number): UploadAnswer {
  switch (r.kind) {
    case 'complete':
      // 201 when this chunk completed the photo, 200 when it was stored already (the same photo twice).
      return { status: r.stored ? 201 : 200, body: { received: total, complete: true } };
    case 'partial':
      // 202: kept, not complete yet; the next chunk starts at `received`.
      return { status: 202, body: { received: r.received, complete: false } };
    case 'offset_mismatch':
      return { status: 409, body: { error: { code: 'upload_offset', message: `上传位置不对，请从第 ${r.received} 字节继续` }, received: r.received } };
    case 'size_mismatch':
      return { status: 409, body: { error: { code: 'upload_size', message: `照片大小与已开始的上传（${r.size} 字节）不一致` }, received: 0 } };
    case 'hash_mismatch':
      return { status: 422, body: { error: { code: 'hash_mismatch', message: '照片内容与其校验值不符，已丢弃，请重新上传' } } };
    case 'type_mismatch':
      return { status: 422, body: { error: { code: 'type_mismatch', message: '文件内容不是所声明的图片格式，已丢弃' } } };
  }
}
