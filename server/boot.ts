// What every server process opens before it serves (server/main.ts, the benchmark's server, the
// crash harness's broken variant): the database, migrated; the PII keys; the clock; and on SQLite
// the writer thread for pushed batches (server/sync/writer/). close() ends them in order.
import type { Config } from './config';
import type { Deps } from './context';
import { openDatabase } from './db/connect';
import { migrateToLatest } from './db/migrate';
import { piiKeysFrom } from './security/pii';
import { loadOrCreatePiiKey } from './security/key-file';
import { restrictDataDir } from './security/file-modes';
import { log } from './ops/log';
import { writerThreadFor } from './sync/writer/writer-thread';
import { exportThreadFor } from './exports/thread';
import { writePidFile } from './backup/pid-file';

export interface OpenedServer {
  deps: Deps;
  /** Names of the migrations this start applied (none when the database was current). */
  migrationsApplied: string[];
  /** Lets the writer thread finish what it was sent, then closes the database. */
  close(): Promise<void>;
}

export async function openServerDeps(config: Config): Promise<OpenedServer> {
  // Files of earlier installs were 0644; the process's own umask (main.ts) covers new ones.
  restrictDataDir(config.dataDir);
  const key = loadOrCreatePiiKey(config);
  if (key.movedFrom) log().warn({ from: key.movedFrom, to: config.piiKeyFile }, 'PII key moved out of the data directory');
  else if (key.generated) log().info({ file: config.piiKeyFile }, 'PII key generated');
  const database = openDatabase({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
  const migrationsApplied = await migrateToLatest(database.db);
  // SQLite: says that a server uses this file, so `npm run restore` will not replace it under it.
  const removePidFile = database.dialect === 'sqlite' ? writePidFile(config.dataDir) : () => {};
  const writer = writerThreadFor(config, database.dialect);
  const exporter = exportThreadFor(config);
  const deps: Deps = {
    db: database.db,
    dialect: database.dialect,
    config,
    pii: piiKeysFrom(key.hex),
    now: () => new Date(),
    batchRunner: writer ?? undefined,
    exportRunner: exporter ?? undefined,
    poolStats: database.poolStats,
  };
  return {
    deps,
    migrationsApplied,
    async close() {
      await writer?.close();
      await exporter?.close();
      await database.close();
      removePidFile();
    },
  };
}
