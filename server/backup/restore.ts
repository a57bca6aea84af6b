// `npm run restore -- <backup folder> [--force]`: brings a backup of server/backup/backup.ts back.
//
// Refuses while a server uses the target (SQLite: a live pid in DATA_DIR/server.pid; PostgreSQL:
// other sessions connected to the database) unless --force. Checks every file against the
// manifest and the SQLite copy with PRAGMA integrity_check before anything is replaced. What it
// replaces is kept beside it (`cunxin.sqlite.before-restore-<stamp>`, `evidence.before-restore-…`).
// PostgreSQL: pg_restore --clean into the configured database (restore into a fresh one when you can).
// The backup holds no PII key: the server must run with the key the data was written with.
// Afterwards every change counter moves on by RESTORE_CURSOR_GAP, so that phones whose cursors are
// ahead of the restored database still receive what is written from now on.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../config';
import { runningServerPid } from './pid-file';
import { copyTree, EVIDENCE_DIR, fsyncPath, PG_DUMP_FILE, readManifest, SQLITE_FILE, stampOf, verifyFiles, type Manifest } from './files';
import { MIGRATIONS } from '../../migrations/index';
import { openDatabase } from '../db/connect';
import { advanceChangeCounters } from '../repositories/restore';

/**
 * Every scope's change counter moves on by this much in a restored database, past the cursors of
 * phones that synced after the backup was taken (repositories/restore.ts).
 */
export const RESTORE_CURSOR_GAP = 1_000_000;

export interface RestoreOptions { force?: boolean; now?: Date }
export interface RestoreResult { manifest: Manifest; keptAside: string[] }

export class RestoreRefused extends Error {}

function integrityOf(file: string): string {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

async function otherSessions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return rows[0].n;
  } finally {
    await client.end();
  }
}

function moveAside(p: string, stamp: string, kept: string[]): void {
  if (!fs.existsSync(p)) return;
  const aside = `${p}.before-restore-${stamp}`;
  fs.renameSync(p, aside);
  kept.push(aside);
}

export async function runRestore(config: Config, folder: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const manifest = readManifest(folder);
  const problems = verifyFiles(folder, manifest);
  if (problems.length) throw new RestoreRefused(`备份不完整 / backup damaged: ${problems.join(', ')}`);
  const unknown = manifest.migrations.filter((m) => !(m in MIGRATIONS));
  if (unknown.length) throw new RestoreRefused(`备份来自更新的版本 / backup is from a newer server (migrations ${unknown.join(', ')}): upgrade first`);
  const target: 'sqlite' | 'postgres' = config.databaseUrl ? 'postgres' : 'sqlite';
  if (manifest.dialect !== target) throw new RestoreRefused(`备份是 ${manifest.dialect}，目标是 ${target} / backup is ${manifest.dialect}, target is ${target}`);
  const stamp = stampOf(opts.now ?? new Date());
  const keptAside: string[] = [];

  if (config.databaseUrl) {
    const others = await otherSessions(config.databaseUrl);
    if (others > 0 && !opts.force) throw new RestoreRefused(`数据库正在使用（${others} 个连接）/ the database has ${others} other sessions (a running server?): stop it, or --force`);
    const r = spawnSync('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${config.databaseUrl}`, path.join(folder, PG_DUMP_FILE)], { encoding: 'utf8' });
    if (r.error) throw new Error(`pg_restore 无法运行 / could not run pg_restore: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`pg_restore failed: ${r.stderr}`);
  } else {
    const pid = runningServerPid(config.dataDir);
    if (pid !== null && !opts.force) throw new RestoreRefused(`服务器正在运行（pid ${pid}）/ a server (pid ${pid}) uses ${config.dataDir}: stop it first, or --force`);
    const source = path.join(folder, SQLITE_FILE);
    const verdict = integrityOf(source);
    if (verdict !== 'ok') throw new RestoreRefused(`备份数据库损坏 / integrity_check of the backup: ${verdict}`);
    fs.mkdirSync(config.dataDir, { recursive: true });
    const incoming = `${config.sqlitePath}.restoring`;
    fs.copyFileSync(source, incoming);
    fsyncPath(incoming);
    // The old file goes aside with its WAL: a WAL must never be replayed into another database.
    moveAside(config.sqlitePath, stamp, keptAside);
    moveAside(`${config.sqlitePath}-wal`, stamp, keptAside);
    fs.rmSync(`${config.sqlitePath}-shm`, { force: true });
    fs.renameSync(incoming, config.sqlitePath);
    fsyncPath(config.dataDir);
  }

  const restored = openDatabase({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, poolSize: 1 });
  try {
    await advanceChangeCounters(restored.db, RESTORE_CURSOR_GAP);
  } finally {
    await restored.close();
  }

  const evidence = path.join(folder, EVIDENCE_DIR);
  if (fs.existsSync(evidence)) {
    const dest = path.join(config.dataDir, EVIDENCE_DIR);
    moveAside(dest, stamp, keptAside);
    copyTree(evidence, dest);
  }
  return { manifest, keptAside };
}
