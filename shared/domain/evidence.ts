// Photo evidence of an entry (issue 13): which entries need it, the limits of a photo, and the
// upload's Content-Range rules. Pure; the phone and the server both use it.

/** JPEG, PNG and WebP only: what a phone camera and the compressor produce. */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
/** The server's hard limit per photo. The phone compresses to EVIDENCE_TARGET_BYTES first. */
export const MAX_EVIDENCE_BYTES = 2 * 1024 * 1024;
export const EVIDENCE_TARGET_BYTES = 300 * 1024;
export const EVIDENCE_MAX_SIDE_PX = 1600;
export const MAX_EVIDENCE_PER_ENTRY = 5;
/** Bytes per PUT: small enough that a weak connection finishes a chunk, under the 512 KiB body limit. */
export const EVIDENCE_CHUNK_BYTES = 128 * 1024;

export interface EvidenceGps { lat: number; lon: number; accuracy: number }
/** What an entry.create payload says about one photo (the bytes travel separately). */
export interface EvidenceRef { hash: string; size: number; type: string; takenAt: string; gps?: EvidenceGps }

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * An entry needs a photo when its indicator says so, and for every deduction (guardrail 2).
 * A correcting entry (reverses another) takes back an entry exactly and brings no new facts.
 */
export function evidenceNeeded(indicator: { evidenceRequired: boolean; sign: number }, reverses: string | null): boolean {
  if (reverses !== null) return false;
  return indicator.evidenceRequired || indicator.sign < 0;
}

export const EVIDENCE_MESSAGES = {
  evidence_required: '该指标需要拍照留证，请添加照片',
  evidence_too_many: `每条记录最多 ${MAX_EVIDENCE_PER_ENTRY} 张照片`,
  evidence_duplicate: '同一张照片添加了两次',
  evidence_too_large: `照片不能超过 ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`,
  evidence_type: '只接受 JPEG、PNG 或 WebP 照片',
} as const;
export type EvidenceCode = keyof typeof EVIDENCE_MESSAGES;

/** The first rule a list of photos breaks for an entry, or null. */
export function checkEvidence(needed: boolean, refs: readonly EvidenceRef[]): EvidenceCode | null {
  if (needed && refs.length === 0) return 'evidence_required';
  if (refs.length > MAX_EVIDENCE_PER_ENTRY) return 'evidence_too_many';
  if (new Set(refs.map((r) => r.hash)).size !== refs.length) return 'evidence_duplicate';
  for (const r of refs) {
    if (!(EVIDENCE_TYPES as readonly string[]).includes(r.type)) return 'evidence_type';
    if (r.size > MAX_EVIDENCE_BYTES) return 'evidence_too_large';
  }
  return null;
}

export interface ContentRange { start: number; end: number; total: number }

/** `bytes 0-131071/250000` → inclusive start/end and the photo's total size; null when malformed. */
export function parseContentRange(header: string | undefined): ContentRange | null {
  const m = /^bytes (\d{1,10})-(\d{1,10})\/(\d{1,10})$/.exec((header ?? '').trim());
  if (!m) return null;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (start > end || end >= total) return null;
  return { start, end, total };
}

/** The image type the file's first bytes show, whatever the request claimed. */
export function sniffImageType(head: Uint8Array): EvidenceType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}
