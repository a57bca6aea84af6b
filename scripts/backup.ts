// `npm run backup [-- --to <folder>]`: a consistent online backup of the configured database
// (SQLite file or DATABASE_URL) and DATA_DIR/evidence into <folder>/cunxin-<UTC stamp>/ (default
// BACKUP_DIR or ./backups). Safe while the server runs and phones sync. Never includes the PII key.
import { loadConfig } from '../server/config';
import { runBackup } from '../server/backup/backup';

const args = process.argv.slice(2);
const at = args.indexOf('--to');
const to = at >= 0 ? args[at + 1] : process.env.BACKUP_DIR ?? 'backups';
if (!to) throw new Error('--to needs a folder');
const { folder, manifest } = await runBackup(loadConfig(), to);
const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
console.log(`备份完成 / backup written: ${folder} (${manifest.files.length} files, ${(bytes / 1e6).toFixed(1)} MB)`);
console.log('PII 密钥不在备份中，请另行保管 / the PII key is NOT in the backup: keep it separately.');
