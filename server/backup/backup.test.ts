// Backups while phones sync (issue 10): a real server process takes pushes from simulated phones,
// `npm run backup` runs in the middle of them, and `npm run restore` brings the backup back into a
// fresh place. The restored database is sound (SQLite: PRAGMA integrity_check; both: the crash
// harness's consistency queries) and holds every entry acknowledged before the backup started.
// The PII key is in no backup; restore refuses to replace the database of a running server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Dialect } from '../db/connect';
import { createEmptyPostgresDatabase, testDialects } from '../test/databases';
import { freePort, REPO_ROOT, startServerProcess } from '../test/processes';
import { loadWorld, login, seededRandom } from '../test/crash-harness/harness';
import { SimDevice, type ServerLink } from '../test/crash-harness/devices';
import { soundness } from '../test/crash-harness/inspect';
import { MANIFEST, SQLITE_FILE } from './files';
import { RESTORE_CURSOR_GAP } from './restore';

const run = promisify(execFile);
const PII_KEY = 'e'.repeat(64);
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `npm run backup` / `npm run restore` as an operator runs them (without npm's own start-up). */
async function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', `${script}.ts`), ...args], {
      cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 60_000,
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
}

describe.each(await testDialects())('backup and restore on %s', (dialect: Dialect) => {
  it('a backup taken during pushes restores sound, with every entry acknowledged before it started', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-backup-'));
    const dataDir = path.join(tmp, 'data');
    const restoredDir = path.join(tmp, 'restored');
    const backups = path.join(tmp, 'backups');
    const source = dialect === 'postgres' ? await createEmptyPostgresDatabase() : null;
    const target = dialect === 'postgres' ? await createEmptyPostgresDatabase() : null;
    const env = { DATA_DIR: dataDir, PII_KEY, DATABASE_URL: source?.databaseUrl ?? '' };
    const port = await freePort();
    const server = await startServerProcess({ port, env, timeoutMs: 90_000 });
    // Evidence files beside the database, an upload in progress, and a key that must stay out.
    fs.mkdirSync(path.join(dataDir, 'evidence', 'ab'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'evidence', 'ab', 'abcdef.jpg'), 'photo bytes');
    fs.writeFileSync(path.join(dataDir, 'evidence', 'ab', 'abc999.part'), 'half an upload');
    if (!fs.existsSync(path.join(dataDir, 'secret.key'))) fs.writeFileSync(path.join(dataDir, 'secret.key'), 'f'.repeat(64));

    const shared = { creating: true, stopped: false };
    const link: ServerLink = {
      url: () => server.url, generation: () => 1, creating: () => shared.creating, stopped: () => shared.stopped,
      inFlight: { n: 0 }, answered: () => {}, waitUp: () => delay(200),
    };
    const probe = openDatabase({ databaseUrl: source?.databaseUrl ?? null, sqlitePath: path.join(dataDir, 'cunxin.sqlite'), poolSize: 1 });
    try {
      const world = await loadWorld(probe.db);
      const devices = await Promise.all([0, 1, 2].map(async (i) => new SimDevice(await login(server.url), world, seededRandom(7 + i), 10)));
      let failure: unknown = null;
      const running = devices.map((d) => d.run(link).catch((err) => { failure ??= err; shared.stopped = true; }));
      const ackedNow = () => devices.reduce((n, d) => n + d.acked.size, 0);
      for (let i = 0; i < 300 && ackedNow() < 30 && failure === null; i++) await delay(100);
      expect(failure).toBeNull();

      // --- the backup, while the phones keep pushing ---------------------------------------------
      const ackedBefore = new Set(devices.flatMap((d) => [...d.acked.values()]));
      const during = ackedNow();
      const backup = await cli('backup', ['--to', backups], env);
      expect(backup.code, backup.out).toBe(0);
      await delay(500);
      shared.creating = false;
      await Promise.all(running);
      expect(failure).toBeNull();
      const ackedAfter = ackedNow();
      expect(ackedBefore.size).toBeGreaterThan(0);
      expect(ackedAfter, 'pushes went on during the backup').toBeGreaterThan(during);

      const [folderName] = fs.readdirSync(backups);
      const folder = path.join(backups, folderName);
      expect(folderName).toMatch(/^cunxin-\d{8}T\d{6}Z$/);
      const files = allFiles(folder);
      expect(files).toContain(MANIFEST);
      expect(files).toContain('abcdef.jpg');
      expect(files).not.toContain('abc999.part');
      expect(files).not.toContain('secret.key');
      for (const f of fs.readdirSync(folder, { recursive: true }) as string[]) {
        const p = path.join(folder, f);
        if (fs.statSync(p).isFile()) expect(fs.readFileSync(p).includes(Buffer.from(PII_KEY)), `${f} holds the PII key`).toBe(false);
      }

      // --- restore refuses to replace a running server's database ------------------------------
      const refused = await cli('restore', [folder], env);
      expect(refused.code).not.toBe(0);
      expect(refused.out).toMatch(/restore refused/);

      // --- restore into a fresh place -------------------------------------------------------------
      const restoreEnv = { DATA_DIR: restoredDir, PII_KEY, DATABASE_URL: target?.databaseUrl ?? '' };
      const restored = await cli('restore', [folder], restoreEnv);
      expect(restored.code, restored.out).toBe(0);
      expect(fs.readFileSync(path.join(restoredDir, 'evidence', 'ab', 'abcdef.jpg'), 'utf8')).toBe('photo bytes');
      if (dialect === 'sqlite') expect(fs.existsSync(path.join(restoredDir, SQLITE_FILE))).toBe(true);
      const back = openDatabase({ databaseUrl: target?.databaseUrl ?? null, sqlitePath: path.join(restoredDir, SQLITE_FILE), poolSize: 1 });
      try {
        expect(await soundness(back.db, dialect)).toEqual([]);
        const ids = new Set((await back.db.selectFrom('entries').select('id').where('device_id', 'in', devices.map((d) => d.deviceId)).execute()).map((r) => r.id));
        const lost = [...ackedBefore].filter((id) => !ids.has(id));
        expect(lost, `${lost.length} of ${ackedBefore.size} acknowledged entries missing`).toEqual([]);
        // Change counters moved past every cursor a phone may hold from after the backup.
        const counters = await back.db.selectFrom('villages').select('change_seq').execute();
        expect(counters.every((v) => v.change_seq > RESTORE_CURSOR_GAP)).toBe(true);
        // A server starts on the restored data and lets the collector in.
        const again = await startServerProcess({ port: await freePort(), env: restoreEnv, timeoutMs: 90_000 });
        try {
          expect(await login(again.url)).toMatch(/session/);
        } finally {
          await again.kill('SIGTERM');
        }
      } finally {
        await back.close();
      }
    } finally {
      shared.stopped = true;
      await probe.close();
      await server.kill('SIGTERM');
      await source?.drop();
      await target?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 150_000);
});
