// Slow clients (slowloris) must not hold sockets: all headers within 10 s, the whole request (a
// 512 KiB batch over a poor 2G link takes ~60 s) within 120 s, an idle keep-alive socket 5 s.
// Node checks the first two every `connectionsCheckingInterval`.
export const HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 120_000, keepAliveTimeout: 5_000 } as const;
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

export type HttpTimeouts = { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number };

/** The options for @hono/node-server's serve({ serverOptions }). */
export function serverOptions(t: HttpTimeouts = HTTP_TIMEOUTS) {
  return { ...t, connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS };
}
