// Photo uploads (docs/sync-protocol.md "Evidence photos"): raw bytes, so plain fetch rather than
// the JSON hc client; answers and errors read the same way as every api/ call.
import { ApiError, NETWORK_ERROR } from './http';

export interface UploadState { received: number; complete: boolean }

async function send(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (e) {
    throw new ApiError(0, NETWORK_ERROR, e instanceof Error ? e.message : String(e));
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body };
}

function failure(status: number, body: Record<string, unknown>): ApiError {
  const err = body.error as { code?: string; message?: string } | undefined;
  return new ApiError(status, err?.code ?? 'http_error', err?.message ?? `HTTP ${status}`);
}

export async function uploadState(hash: string): Promise<UploadState> {
  const { status, body } = await send(`/api/evidence/${hash}/upload`, { method: 'GET' });
  if (status !== 200) throw failure(status, body);
  return { received: Number(body.received), complete: body.complete === true };
}

/**
 * One chunk at `start`. Answers the server's count of bytes and whether the photo is complete;
 * a 409 upload_offset answers the offset to go on from instead of failing.
 */
export async function putChunk(hash: string, chunk: Blob, start: number, total: number, type: string): Promise<UploadState> {
  const { status, body } = await send(`/api/evidence/${hash}`, {
    method: 'PUT',
    headers: { 'Content-Type': type, 'Content-Range': `bytes ${start}-${start + chunk.size - 1}/${total}` },
    body: chunk,
  });
  if (status === 200 || status === 201 || status === 202) return { received: Number(body.received), complete: body.complete === true };
  if (status === 409 && (body.error as { code?: string } | undefined)?.code === 'upload_offset') {
    return { received: Number(body.received), complete: false };
  }
  throw failure(status, body);
}
