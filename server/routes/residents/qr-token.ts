// Household QR slips: 256 random bits (≥128, security.md), base64url; only sha256(token) is stored.
// The slip's link carries the token in the URL fragment (`/q#<token>`), which browsers never send
// to a server, and the app POSTs it, so it reaches no access log.
import crypto from 'node:crypto';

export const newQrToken = (): string => crypto.randomBytes(32).toString('base64url');
export const hashQrToken = (token: string): string => crypto.createHash('sha256').update(`cunxin-qr:${token}`).digest('base64url');
export const QR_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** The path a slip's QR code opens (the origin is the server's own, added by the client). */
export const qrSlipPath = (token: string): string => `/q#${token}`;
