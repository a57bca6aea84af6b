// File helpers of backup and restore: hashing, durable copies, the manifest.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MANIFEST = 'manifest.json';
export const SQLITE_FILE = 'cunxin.sqlite';
export const PG_DUMP_FILE = 'cunxin.pgdump';
export const EVIDENCE_DIR = 'evidence';
/** Names never written into a backup, wherever they turn up (the PII key protects what is inside). */
export const NEVER_BACKED_UP = new Set(['secret.key', 'pii.key']);

export interface ManifestFile { path: string; bytes: number; sha256: string }
export interface Manifest {
  format: 1;
  createdAt: string;
  dialect: 'sqlite' | 'postgres';
  /** Migrations applied in the backed-up database: a restore into an older server is refused. */
  migrations: string[];
  files: ManifestFile[];
  /** Always false: the PII key is kept apart; restoring needs the same key (PII_KEY or the key file). */
  containsPiiKey: false;
}

export function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies a folder tree (regular files only, uploads in progress `*.part` and keys left out), durably. */
export function copyTree(from: string, to: string, skip: (name: string) => boolean = () => false): string[] {
  const copied: string[] = [];
  const walk = (rel: string) => {
    fs.mkdirSync(path.join(to, rel), { recursive: true });
    for (const d of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
      const r = path.join(rel, d.name);
      if (NEVER_BACKED_UP.has(d.name) || d.name.endsWith('.part') || skip(d.name)) continue;
      if (d.isDirectory()) walk(r);
      else if (d.isFile()) {
        fs.copyFileSync(path.join(from, r), path.join(to, r));
        fsyncPath(path.join(to, r));
        copied.push(r);
      }
    }
  };
  walk('');
  return copied;
}

export function describeFiles(root: string, rels: string[]): ManifestFile[] {
  return rels.map((rel) => ({ path: rel.split(path.sep).join('/'), bytes: fs.statSync(path.join(root, rel)).size, sha256: sha256File(path.join(root, rel)) }));
}

export function readManifest(folder: string): Manifest {
  const file = path.join(folder, MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`不是备份目录 / not a backup folder (no ${MANIFEST}): ${folder}`);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (m.format !== 1) throw new Error(`unknown backup format ${String(m.format)}`);
  return m;
}

/** Every file the manifest lists is there with its recorded size and hash. */
export function verifyFiles(folder: string, m: Manifest): string[] {
  const problems: string[] = [];
  for (const f of m.files) {
    const p = path.join(folder, f.path);
    if (!fs.existsSync(p)) problems.push(`missing ${f.path}`);
    else if (fs.statSync(p).size !== f.bytes || sha256File(p) !== f.sha256) problems.push(`changed ${f.path}`);
  }
  return problems;
}

/** backups/cunxin-20260902T101500Z (UTC, sortable). */
export function stampOf(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
