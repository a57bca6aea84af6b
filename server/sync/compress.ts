// Answers of POST /api/sync are gzipped when the phone accepts it: a bootstrap page of 5,000
// column-packed rows shrinks about tenfold (docs/performance.md). Compression runs on libuv's
// thread pool (zlib.gzip), not on the event loop.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Context } from 'hono';

const gzip = promisify(zlib.gzip);
/** Smaller answers (an empty pull) are not worth a gzip header and a thread-pool trip. */
const MIN_BYTES = 1024;

/** True if Accept-Encoding lists gzip (or *) without q=0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';').map((s) => s.trim());
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** `value` as a JSON answer, gzipped when the request accepts it and it is large enough. */
export async function jsonAnswer(c: Context, value: unknown, status: 200 = 200): Promise<Response> {
  const text = JSON.stringify(value);
  c.header('Vary', 'Accept-Encoding');
  if (text.length < MIN_BYTES || !acceptsGzip(c.req.header('accept-encoding'))) {
    return c.body(text, status, { 'Content-Type': 'application/json' });
  }
  const body = await gzip(Buffer.from(text, 'utf8'));
  return c.body(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), status, {
    'Content-Type': 'application/json',
    'Content-Encoding': 'gzip',
  });
}
