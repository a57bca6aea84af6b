// The token in a notice's QR link (/o/<token>): 144 bits, derived with the server's key from the
// notice id (HMAC), so the committee can print the sheet again at any time, while the database
// holds only its SHA-256 (notice_links.token_hash). Receipt tokens of QR filers are random and
// likewise stored only as a hash.
import crypto from 'node:crypto';
import type { PiiKeys } from '../../security/pii';

const TOKEN_BYTES = 18; // 144 bits, 24 characters of base64url

function linkKey(keys: PiiKeys): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', keys.hashKey, Buffer.alloc(0), 'cunxin-notice-link', 32));
}

export function noticeLinkToken(keys: PiiKeys, noticeId: string): string {
  return crypto.createHmac('sha256', linkKey(keys)).update(noticeId).digest().subarray(0, TOKEN_BYTES).toString('base64url');
}

export function randomReceiptToken(): string {
  return crypto.randomBytes(TOKEN_BYTES).toString('base64url');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A token as it may appear in a path: base64url, the exact length (anything else is not looked up). */
export const isWellFormedToken = (t: string): boolean => /^[A-Za-z0-9_-]{24}$/.test(t);

/** The page a QR link opens (client route, public). */
export const objectionPagePath = (token: string) => `/o/${token}`;
export const receiptPagePath = (receipt: string) => `/o/receipt/${receipt}`;
