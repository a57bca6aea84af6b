// Files at rest readable by the service user only. main.ts sets umask 077, so every file the
// process creates (the SQLite database, its -wal and -shm files, evidence files, keys) is 0600 and
// every directory 0700. Installs from before have 0644 files: restrictDataDir tightens them at start.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_UMASK = 0o077;

/**
 * DATA_DIR and its sub-directories 0700, its own files 0600. Files deeper down (evidence) are not
 * walked at start (there may be many): a 0700 directory already keeps other users out of them.
 * Missing directory: nothing to do (it is created under the umask).
 */
export function restrictDataDir(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  fs.chmodSync(dataDir, 0o700);
  for (const e of fs.readdirSync(dataDir, { withFileTypes: true })) {
    const p = path.join(dataDir, e.name);
    if (e.isDirectory()) fs.chmodSync(p, 0o700);
    else if (e.isFile()) fs.chmodSync(p, 0o600);
  }
}
