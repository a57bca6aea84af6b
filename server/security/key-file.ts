// Where the generated PII master key lives, apart from the data it protects: PII_KEY_FILE, else
// KEY_DIR/pii.key, else a sibling of DATA_DIR (`data/` → `data-keys/pii.key`). A copy or backup of
// DATA_DIR therefore carries no key; a backup tool asks piiKeyLocation() what to leave out.
//
// Installs from before kept the key as DATA_DIR/secret.key. It is moved (written to the new place
// with mode 0600, synced, then removed from the data directory) the first time the server starts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

export const LEGACY_KEY_NAME = 'secret.key';

export interface KeyLocation {
  /** The file the key is read from, or null when PII_KEY comes from the environment. */
  file: string | null;
  /** The pre-0011 place (DATA_DIR/secret.key): a backup of DATA_DIR must skip it if it still exists. */
  legacyFile: string;
}

/** For backups and operators: which key file this configuration uses, and the legacy one to exclude. */
export function piiKeyLocation(config: Pick<Config, 'piiKeyHex' | 'piiKeyFile' | 'dataDir'>): KeyLocation {
  return { file: config.piiKeyHex ? null : config.piiKeyFile, legacyFile: path.join(config.dataDir, LEGACY_KEY_NAME) };
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function writePrivate(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

export interface LoadedKey { hex: string; movedFrom: string | null; generated: boolean }

/**
 * The master key: PII_KEY, else the key file; a legacy DATA_DIR/secret.key is moved there first;
 * otherwise a new key is generated. Refuses a key file inside DATA_DIR.
 */
export function loadOrCreatePiiKey(config: Pick<Config, 'piiKeyHex' | 'piiKeyFile' | 'dataDir'>): LoadedKey {
  if (config.piiKeyHex) return { hex: config.piiKeyHex, movedFrom: null, generated: false };
  const { file, legacyFile } = piiKeyLocation(config);
  if (!file) throw new Error('no PII key file configured');
  if (isInside(config.dataDir, file)) {
    throw new Error(`PII_KEY_FILE (${file}) is inside DATA_DIR (${config.dataDir}): a copy of the data would carry its key. Set KEY_DIR elsewhere.`);
  }
  if (fs.existsSync(file)) {
    const hex = fs.readFileSync(file, 'utf8').trim();
    if (fs.existsSync(legacyFile)) {
      const legacy = fs.readFileSync(legacyFile, 'utf8').trim();
      if (legacy !== hex) throw new Error(`two different PII keys: ${file} and ${legacyFile}; keep the one the data was written with and remove the other`);
      fs.rmSync(legacyFile);
      return { hex, movedFrom: legacyFile, generated: false };
    }
    return { hex, movedFrom: null, generated: false };
  }
  if (fs.existsSync(legacyFile)) {
    const hex = fs.readFileSync(legacyFile, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${legacyFile} does not hold a 64-hex-digit key`);
    writePrivate(file, hex + '\n');
    fs.rmSync(legacyFile);
    return { hex, movedFrom: legacyFile, generated: false };
  }
  const hex = crypto.randomBytes(32).toString('hex');
  writePrivate(file, hex + '\n');
  return { hex, movedFrom: null, generated: true };
}
