// Seals an ID number to the server's public key with WebCrypto before anything stores it
// (scheme "e1", described in server/security/id-transport.ts and docs/sync-protocol.md): ECDH
// P-256 with an ephemeral key, HKDF-SHA256, AES-256-GCM. The phone cannot open what it sealed;
// only the last 4 characters stay readable on the phone, for display.

export interface IdSealKey { keyId: string; publicKey: string }

const INFO = new TextEncoder().encode('cunxin-id-seal-v1');

function toB64url(bytes: ArrayBuffer | Uint8Array): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u8) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** `e1.<keyId>.<epk>.<iv>.<ciphertext>`: the only form in which an ID number is kept on the phone. */
export async function sealIdNumber(key: IdSealKey, idNumber: string): Promise<string> {
  const subtle = globalThis.crypto.subtle;
  const serverKey = await subtle.importKey('raw', fromB64url(key.publicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const eph = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']) as CryptoKeyPair;
  const secret = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, eph.privateKey, 256);
  const hkdf = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const aes = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: INFO }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt'],
  );
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const body = await subtle.encrypt({ name: 'AES-GCM', iv }, aes, new TextEncoder().encode(idNumber));
  const epk = await subtle.exportKey('raw', eph.publicKey);
  return ['e1', key.keyId, toB64url(epk), toB64url(iv), toB64url(body)].join('.');
}
