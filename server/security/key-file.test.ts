// Files at rest: the PII key lives outside DATA_DIR (a copy of the data carries no key), a legacy
// DATA_DIR/secret.key is moved out, files are private to the service user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultKeyDir, loadConfig } from '../config';
import { loadOrCreatePiiKey, piiKeyLocation } from './key-file';
import { restrictDataDir } from './file-modes';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
const fresh = () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-keys-'));
  return loadConfig({ DATA_DIR: path.join(root, 'data') });
};

describe('PII key file', () => {
  it('defaults to a sibling of DATA_DIR, never inside it, and is generated 0600 in a 0700 directory', () => {
    const config = fresh();
    expect(config.piiKeyFile).toBe(path.join(root, 'data-keys', 'pii.key'));
    expect(defaultKeyDir(config.dataDir)).toBe(path.join(root, 'data-keys'));
    const key = loadOrCreatePiiKey(config);
    expect(key).toMatchObject({ generated: true, movedFrom: null });
    expect(key.hex).toMatch(/^[0-9a-f]{64}$/);
    expect(mode(config.piiKeyFile)).toBe(0o600);
    expect(mode(path.dirname(config.piiKeyFile))).toBe(0o700);
    expect(fs.existsSync(config.dataDir) ? fs.readdirSync(config.dataDir) : []).toEqual([]);
    // Same key next time.
    expect(loadOrCreatePiiKey(config)).toMatchObject({ hex: key.hex, generated: false });
  });

  it('moves a legacy DATA_DIR/secret.key out of the data directory, keeping the key', () => {
    const config = fresh();
    fs.mkdirSync(config.dataDir, { recursive: true });
    const legacy = path.join(config.dataDir, 'secret.key');
    fs.writeFileSync(legacy, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    const key = loadOrCreatePiiKey(config);
    expect(key).toEqual({ hex: 'ab'.repeat(32), movedFrom: legacy, generated: false });
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.readFileSync(config.piiKeyFile, 'utf8').trim()).toBe('ab'.repeat(32));
    expect(mode(config.piiKeyFile)).toBe(0o600);
  });

  it('refuses two different keys, and a key file inside DATA_DIR', () => {
    const config = fresh();
    loadOrCreatePiiKey(config);
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(path.join(config.dataDir, 'secret.key'), 'cd'.repeat(32));
    expect(() => loadOrCreatePiiKey(config)).toThrow(/two different PII keys/);
    const inside = loadConfig({ DATA_DIR: config.dataDir, KEY_DIR: path.join(config.dataDir, 'keys') });
    expect(() => loadOrCreatePiiKey(inside)).toThrow(/inside DATA_DIR/);
  });

  it('tells a backup tool which files to leave out; PII_KEY from the environment has no file', () => {
    const config = fresh();
    expect(piiKeyLocation(config)).toEqual({ file: config.piiKeyFile, legacyFile: path.join(config.dataDir, 'secret.key') });
    const fromEnv = loadConfig({ DATA_DIR: config.dataDir, PII_KEY: 'ef'.repeat(32) });
    expect(piiKeyLocation(fromEnv).file).toBeNull();
    expect(loadOrCreatePiiKey(fromEnv)).toMatchObject({ hex: 'ef'.repeat(32) });
    const explicit = loadConfig({ DATA_DIR: config.dataDir, PII_KEY_FILE: path.join(root, 'elsewhere', 'k') });
    expect(explicit.piiKeyFile).toBe(path.join(root, 'elsewhere', 'k'));
  });
});

describe('restrictDataDir', () => {
  it('makes an earlier install\'s 0644 database files 0600 and the directory 0700', () => {
    const config = fresh();
    fs.mkdirSync(path.join(config.dataDir, 'evidence'), { recursive: true, mode: 0o755 });
    for (const f of ['cunxin.sqlite', 'cunxin.sqlite-wal', 'cunxin.sqlite-shm']) fs.writeFileSync(path.join(config.dataDir, f), '', { mode: 0o644 });
    fs.chmodSync(config.dataDir, 0o755);
    restrictDataDir(config.dataDir);
    expect(mode(config.dataDir)).toBe(0o700);
    expect(mode(path.join(config.dataDir, 'evidence'))).toBe(0o700);
    for (const f of ['cunxin.sqlite', 'cunxin.sqlite-wal', 'cunxin.sqlite-shm']) expect(mode(path.join(config.dataDir, f)), f).toBe(0o600);
  });
});
