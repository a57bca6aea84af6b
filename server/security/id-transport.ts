// ID numbers on their way from the phone (issue 13, guardrail 6): the phone never stores a clear
// ID number, not even in its outbox. It seals the number to this server's public key the moment
// it is typed (client/src/platform/id-seal.ts), keeps only the last 4, and the server opens the
// seal when it applies the mutation, then stores it as every ID number is stored (pii.ts).
//
// Scheme "e1" (ECIES on P-256, as WebCrypto offers it on every phone browser):
//   the phone makes an ephemeral P-256 key pair, ECDH with the server's public key gives a
//   32-byte secret, HKDF-SHA256 (empty salt, info "cunxin-id-seal-v1") turns it into an AES-256-GCM
//   key, and the number is encrypted with a random 12-byte IV. Sealed form (base64url parts):
//     e1.<keyId>.<ephemeral public key, raw uncompressed 65 bytes>.<iv>.<ciphertext+tag>
// The server's key pair is derived from the PII master key (HKDF label "cunxin-id-transport"), so
// every process sharing PII_KEY holds the same pair and nothing else has to be kept or rotated
// apart from it. The private key never leaves the process; GET /api/sync/id-key publishes the
// public one.
import crypto from 'node:crypto';

export const SEAL_VERSION = 'e1';
export const SEAL_INFO = 'cunxin-id-seal-v1';
/** Longest sealed value accepted: 18 characters sealed are ~170; leaves room, refuses junk. */
export const MAX_SEALED_LENGTH = 400;

export interface IdTransportKey {
  /** First 16 hex digits of sha256(public key): names the key in sealed values. */
  keyId: string;
  /** Raw uncompressed P-256 point (65 bytes), base64url. */
  publicKey: string;
  /** Private scalar; never serialised, never sent. */
  readonly ecdh: crypto.ECDH;
}

/** The transport key pair for a PII master key (hex), the same in every process. */
export function idTransportKeyFrom(masterHex: string): IdTransportKey {
  const master = Buffer.from(masterHex, 'hex');
  for (let attempt = 0; ; attempt++) {
    const scalar = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), `cunxin-id-transport/${attempt}`, 32));
    const ecdh = crypto.createECDH('prime256v1');
    try {
      // Refused only for 0 or a value ≥ the group order (probability ~2⁻³²): then try the next label.
      ecdh.setPrivateKey(scalar);
    } catch {
      continue;
    }
    const pub = ecdh.getPublicKey();
    return { keyId: crypto.createHash('sha256').update(pub).digest('hex').slice(0, 16), publicKey: pub.toString('base64url'), ecdh };
  }
}

export type OpenResult = { ok: true; value: string } | { ok: false; code: 'sealed_key' | 'sealed_invalid' };

/** Opens a sealed ID number; any tampering, a wrong key or a malformed value is refused. */
export function openSealedId(key: IdTransportKey, sealed: string): OpenResult {
  const parts = sealed.split('.');
  if (sealed.length > MAX_SEALED_LENGTH || parts.length !== 5 || parts[0] !== SEAL_VERSION) return { ok: false, code: 'sealed_invalid' };
  const [, keyId, epk, iv, body] = parts;
  if (keyId !== key.keyId) return { ok: false, code: 'sealed_key' };
  try {
    const secret = key.ecdh.computeSecret(Buffer.from(epk, 'base64url'));
    const aesKey = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), SEAL_INFO, 32));
    const data = Buffer.from(body, 'base64url');
    const ivBytes = Buffer.from(iv, 'base64url');
    if (ivBytes.length !== 12 || data.length < 17) return { ok: false, code: 'sealed_invalid' };
    const decipher = crypto.createDecipheriv('aes-256-gcm', aesKey, ivBytes);
    decipher.setAuthTag(data.subarray(data.length - 16));
    const clear = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    return { ok: true, value: clear };
  } catch {
    return { ok: false, code: 'sealed_invalid' };
  }
}
