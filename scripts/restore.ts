// `npm run restore -- <backup folder> [--force]`: restores a backup written by `npm run backup`
// into the configured database (SQLite file or DATABASE_URL) and DATA_DIR/evidence. Refuses while a
// server uses the target unless --force. What it replaces is kept beside it.
import { loadConfig } from '../server/config';
import { runRestore, RestoreRefused } from '../server/backup/restore';

const args = process.argv.slice(2);
const folder = args.find((a) => !a.startsWith('--'));
if (!folder) {
  console.error('用法 / usage: npm run restore -- <backup folder> [--force]');
  process.exit(2);
}
try {
  const { manifest, keptAside } = await runRestore(loadConfig(), folder, { force: args.includes('--force') });
  console.log(`已恢复 / restored the backup of ${manifest.createdAt} (${manifest.dialect}).`);
  for (const k of keptAside) console.log(`  kept aside: ${k}`);
  console.log('请用写入这些数据时的 PII 密钥启动服务器 / start the server with the PII key the data was written with.');
} catch (err) {
  console.error(err instanceof RestoreRefused ? `拒绝恢复 / restore refused: ${err.message}` : err);
  process.exit(1);
}
