// Personal data at rest (guardrail 6): ID numbers are stored encrypted (AES-256-GCM), with a keyed
// hash (HMAC-SHA256) for lookup and the last 4 characters for display. The clear number is never
// logged, never put in a URL or export, and never sent to a phone.
import crypto from 'node:crypto';
import path from 'node:path';
import { idTransportKeyFrom, type IdTransportKey } from './id-transport';
import { defaultKeyDir } from '../config';
import { loadOrCreatePiiKey } from './key-file';

/** `transport`: the key pair phones seal ID numbers to (id-transport.ts); derived from the same master. */
export interface PiiKeys { encKey: Buffer; hashKey: Buffer; transport: IdTransportKey }

/** Derives separate encryption and hashing keys from one master key. */
export function piiKeysFrom(masterHex: string): PiiKeys {
  const master = Buffer.from(masterHex, 'hex');
  const derive = (label: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), label, 32));
  return { encKey: derive('cunxin-pii-enc'), hashKey: derive('cunxin-pii-hash'), transport: idTransportKeyFrom(masterHex) };
}

/**
 * The master key from config, else the key file outside the data directory (server/security/
 * key-file.ts: by default `<DATA_DIR>-keys/pii.key`, generated once with mode 0600; a legacy
 * DATA_DIR/secret.key is moved there).
 */
export function loadOrCreateMasterKey(configured: string | null, dataDir: string, keyFile?: string): string {
  const piiKeyFile = keyFile ?? path.join(defaultKeyDir(path.resolve(dataDir)), 'pii.key');
  return loadOrCreatePiiKey({ piiKeyHex: configured, dataDir: path.resolve(dataDir), piiKeyFile }).hex;
}

export function hashIdNumber(keys: PiiKeys, idNumber: string): string {
  return crypto.createHmac('sha256', keys.hashKey).update(idNumber).digest('base64url');
}

export function encryptIdNumber(keys: PiiKeys, idNumber: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keys.encKey, iv);
  const body = Buffer.concat([cipher.update(idNumber, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptIdNumber(keys: PiiKeys, sealed: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new Error('unknown PII cipher format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', keys.encKey, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** The three stored columns for a validated (normalised) ID number. */
export function protectIdNumber(keys: PiiKeys, idNumber: string): { idHash: string; idLast4: string; idCipher: string } {
  return { idHash: hashIdNumber(keys, idNumber), idLast4: idNumber.slice(-4), idCipher: encryptIdNumber(keys, idNumber) };
}
