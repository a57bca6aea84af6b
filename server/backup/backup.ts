// `npm run backup`: a consistent online backup into <to>/cunxin-<UTC stamp>/ while phones sync.
//
// SQLite: `VACUUM INTO` copies the database as of one read transaction (WAL: writers go on
// meanwhile, and unlike the page-by-page backup API it never restarts when they write). Evidence
// files (DATA_DIR/evidence/) are copied afterwards: they are written before the rows that name
// them and never changed, so every file a backed-up row refers to is in the copy.
// PostgreSQL: `pg_dump -Fc` (one snapshot; other sessions go on), plus the evidence folder if the
// data directory has one.
// Never in a backup: the PII key (secret.key, PII_KEY). Restoring needs the same key.
// The folder is written as `<name>.partial` and renamed when complete.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../config';
import { copyTree, describeFiles, EVIDENCE_DIR, fsyncPath, MANIFEST, PG_DUMP_FILE, SQLITE_FILE, stampOf, type Manifest } from './files';

export interface BackupResult { folder: string; manifest: Manifest }

function sqliteMigrations(file: string): string[] {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

async function postgresMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

function backupSqlite(sqlitePath: string, into: string): void {
  if (!fs.existsSync(sqlitePath)) throw new Error(`数据库文件不存在 / no database at ${sqlitePath}`);
  const source = new SQLite(sqlitePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 10000');
    source.prepare('vacuum into ?').run(path.join(into, SQLITE_FILE));
  } finally {
    source.close();
  }
  fsyncPath(path.join(into, SQLITE_FILE));
}

function backupPostgres(url: string, into: string): void {
  const r = spawnSync('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(into, PG_DUMP_FILE)}`, `--dbname=${url}`], { encoding: 'utf8' });
  if (r.error) throw new Error(`pg_dump 无法运行 / could not run pg_dump (install the PostgreSQL client): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
  fsyncPath(path.join(into, PG_DUMP_FILE));
}

export async function runBackup(config: Config, to: string, now = new Date()): Promise<BackupResult> {
  const name = `cunxin-${stampOf(now)}`;
  const folder = path.resolve(to, name);
  const partial = `${folder}.partial`;
  if (fs.existsSync(folder)) throw new Error(`已存在 / already exists: ${folder}`);
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true, mode: 0o700 });
  try {
    const dialect = config.databaseUrl ? 'postgres' : 'sqlite';
    const files: string[] = [];
    if (config.databaseUrl) {
      backupPostgres(config.databaseUrl, partial);
      files.push(PG_DUMP_FILE);
    } else {
      backupSqlite(config.sqlitePath, partial);
      files.push(SQLITE_FILE);
    }
    const evidence = path.join(config.dataDir, EVIDENCE_DIR);
    if (fs.existsSync(evidence)) {
      files.push(...copyTree(evidence, path.join(partial, EVIDENCE_DIR)).map((f) => path.join(EVIDENCE_DIR, f)));
    }
    const manifest: Manifest = {
      format: 1, createdAt: now.toISOString(), dialect,
      migrations: config.databaseUrl ? await postgresMigrations(config.databaseUrl) : sqliteMigrations(path.join(partial, SQLITE_FILE)),
      files: describeFiles(partial, files), containsPiiKey: false,
    };
    fs.writeFileSync(path.join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    fsyncPath(path.join(partial, MANIFEST));
    fs.renameSync(partial, folder);
    fsyncPath(path.dirname(folder));
    return { folder, manifest };
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}
