// Headers on every response, API and static files alike (security.md "Access").
// The CSP allows only same-origin scripts, workers and connections; inline styles stay allowed
// because Vant sets style attributes at runtime. data:/blob: images cover photo evidence previews.
import type { MiddlewareHandler } from 'hono';
import { servedOverHttps } from './client-address';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  // Vant's icon font is served from /fonts (the build drops its data:/CDN face).
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  // Only over HTTPS (directly, or X-Forwarded-Proto from a trusted proxy): on plain http the header
  // means nothing, and a LAN install on http must stay reachable.
  if (servedOverHttps(c)) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
};
