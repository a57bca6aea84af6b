// How every api/ module talks to the server: same-origin cookies, JSON both ways, and the
// one error shape of docs/api.md (`{ error: { code, message } }`) turned into ApiError.

/** An API failure. `status` 0 means the request never got an answer (offline, DNS, aborted). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** From a 429/503 answer's Retry-After: how long the server asked us to wait (ms), else null. */
  readonly retryAfterMs: number | null;

  constructor(status: number, code: string, message: string, retryAfterMs: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export const NETWORK_ERROR = 'network_error';

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 outside the login endpoints: the session has expired or was revoked. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The part of a fetch Response (or hono's ClientResponse) that call() reads. */
export interface JsonResponse<T> {
  ok: boolean;
  status: number;
  statusText: string;
  json(): Promise<T>;
  text(): Promise<string>;
  headers?: { get(name: string): string | null };
}

/**
 * Retry-After of a 429/503 answer in milliseconds (RFC 9110: delay-seconds or an HTTP date);
 * null when absent, unreadable, or on any other status.
 */
export function retryAfterMs(status: number, header: string | null | undefined, now = Date.now()): number | null {
  if ((status !== 429 && status !== 503) || !header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export interface CallOptions {
  /** Login endpoints answer 401 for bad credentials: that is not an expired session. */
  skipUnauthorizedHook?: boolean;
}

/**
 * Sends a request (usually through the typed `hc` client) and returns its JSON body. A request
 * that got no answer becomes ApiError(0, 'network_error'); a non-2xx answer becomes ApiError with
 * the server's `{ error: { code, message } }`.
 */
export async function call<T>(send: () => Promise<JsonResponse<T>>, opts: CallOptions = {}): Promise<T> {
  let res: JsonResponse<T>;
  try {
    res = await send();
  } catch (e) {
    throw new ApiError(0, NETWORK_ERROR, e instanceof Error ? e.message : String(e));
  }
  const text = await res.text().catch(() => '');
  let data: unknown = null;
  let parsed = false;
  if (text) {
    try {
      data = JSON.parse(text);
      parsed = true;
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof err?.code === 'string' ? err.code : `http_${res.status}`;
    const message = typeof err?.message === 'string' ? err.message : res.statusText || `HTTP ${res.status}`;
    if (res.status === 401 && !opts.skipUnauthorizedHook) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(res.status, code, message, retryAfterMs(res.status, res.headers?.get('retry-after')));
  }
  if (!parsed) throw new ApiError(res.status, 'bad_response', 'Response is not JSON');
  return data as T;
}
