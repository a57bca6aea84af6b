// Several stateless server processes on one PostgreSQL (issue 10, docs/scale-out.md): three real
// server processes start at once on a fresh database (it is migrated and seeded once), simulated
// phones are spread over them (a session opened on one process is used on another: sessions live
// in the database), one process is SIGKILLed mid-push and restarted. Afterwards every acknowledged
// entry is stored exactly once, a fresh phone's full pull from each process delivers every entry,
// and the settlement of a due notice, raced by the job runners of all three, happened once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../db/connect';
import { createEmptyPostgresDatabase, testDialects } from '../../test/databases';
import { freePort, REPO_ROOT, spawnServerProcess, startServerProcess, type ServerProcess } from '../../test/processes';
import { DEMO_COLLECTOR, fullPull, loadWorld, login, seededRandom } from './harness';
import { SimDevice, type ServerLink } from './devices';
import { inspect } from './inspect';

const HAS_PG = (await testDialects()).includes('postgres');
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
const PII_KEY = 'd'.repeat(64);
const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One of the processes, as the phones assigned to it see it (a ServerLink of its own). */
class Slot {
  proc!: ServerProcess;
  generation = 0;
  up = false;
  private waiters: (() => void)[] = [];
  readonly link: ServerLink;
  constructor(readonly port: number, readonly shared: { creating: boolean; stopped: boolean }) {
    this.link = {
      url: () => `http://127.0.0.1:${port}`,
      generation: () => this.generation,
      creating: () => shared.creating,
      stopped: () => shared.stopped,
      inFlight: { n: 0 },
      answered: () => {},
      waitUp: (after, fallbackMs) => new Promise<void>((resolve) => {
        if (this.up && this.generation > after) return resolve();
        this.waiters.push(resolve);
        if (this.up) setTimeout(resolve, fallbackMs ?? 300);
      }),
    };
  }
  started(proc: ServerProcess): void {
    this.proc = proc;
    this.generation++;
    this.up = true;
    for (const w of this.waiters.splice(0)) w();
  }
  wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

describe.runIf(HAS_PG)('three server processes on one PostgreSQL', () => {
  it('start at once (one migration, one seed), phones spread over them, one SIGKILLed mid-push: every entry once, pulls complete, a due notice settled once', async () => {
    const database = await createEmptyPostgresDatabase();
    const dirs: string[] = [];
    const shared = { creating: true, stopped: false };
    const slots = await Promise.all([0, 1, 2].map(async () => new Slot(await freePort(), shared)));
    const envOf = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-cluster-'));
      dirs.push(dir);
      return { DATA_DIR: dir, PII_KEY, DATABASE_URL: database.databaseUrl, SETTLE_EVERY_MS: '250' };
    };
    const check = openDatabase({ databaseUrl: database.databaseUrl, sqlitePath: '', poolSize: 2 });
    try {
      // --- three concurrent start-ups on an empty database --------------------------------------
      const spawned = slots.map((s) => spawnServerProcess({ port: s.port, env: envOf(), timeoutMs: 90_000 }));
      await Promise.all(spawned.map((s) => s.ready));
      slots.forEach((s, i) => s.started(spawned[i].proc));
      const outputs = spawned.map((s) => s.proc.output());
      expect(outputs.filter((o) => /migrations applied/.test(o)), 'exactly one process migrated').toHaveLength(1);
      expect(outputs.filter((o) => /"demoCreated":true/.test(o)), 'exactly one process seeded').toHaveLength(1);
      const migrations = await check.db.selectFrom('kysely_migration' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow() as { n: number };
      expect(Number(migrations.n)).toBeGreaterThan(0);
      expect(await check.db.selectFrom('townships').select('id').execute()).toHaveLength(1);

      // --- phones: two per process; the session of each was opened on process 0 -----------------
      const world = await loadWorld(check.db);
      const devices: { device: SimDevice; slot: Slot }[] = [];
      for (let i = 0; i < 6; i++) {
        const cookie = await login(slots[0].link.url(), DEMO_COLLECTOR);
        devices.push({ device: new SimDevice(cookie, world, seededRandom(SEED * 17 + i), 8), slot: slots[i % 3] });
      }
      let failure: unknown = null;
      const running = devices.map(({ device, slot }) => device.run(slot.link).catch((err) => { failure ??= err; shared.creating = false; }));

      // The demo's old windows are settled by the processes' jobs at start-up; on a loaded machine
      // that can take a while: let it finish, so that every settlement counted below is ours.
      for (let i = 0; i < 600; i++) {
        const due = await check.db.selectFrom('notices').select('id').where('status', '=', 'open')
          .where('ends_at', '<=', new Date().toISOString()).limit(1).execute();
        if (due.length === 0) break;
        await delay(100);
      }

      // --- a notice published through process 2, due in a moment ---------------------------------
      const village = await check.db.selectFrom('villages').innerJoin('user_villages', 'user_villages.village_id', 'villages.id')
        .innerJoin('users', 'users.id', 'user_villages.user_id').select('villages.id').where('users.username', '=', COMMITTEE.username)
        .executeTakeFirstOrThrow();
      const committee = await login(slots[2].link.url(), COMMITTEE);
      const published = await fetch(`${slots[2].link.url()}/api/villages/${village.id}/notices`, {
        method: 'POST', headers: { 'content-type': 'application/json', cookie: committee }, body: JSON.stringify({ days: 1 }),
      });
      expect(published.status).toBe(201);
      const { notice, entryCount } = await published.json() as { notice: { id: string }; entryCount: number };
      expect(entryCount).toBeGreaterThan(0);
      const madeDueAt = new Date().toISOString(); // no run that started before this could see it due
      const dueAt = new Date(Date.now() + 1500).toISOString();
      await check.db.updateTable('notices').set({ ends_at: dueAt }).where('id', '=', notice.id).execute();

      // --- SIGKILL process 1 while it has pushes in flight, then restart it ----------------------
      await delay(1500);
      const victim = slots[1];
      for (let i = 0; i < 2000 && victim.link.inFlight.n === 0; i++) await delay(2);
      const cutOff = victim.link.inFlight.n;
      victim.up = false;
      await victim.proc.kill('SIGKILL');
      for (let attempt = 1; ; attempt++) {
        try {
          victim.started(await startServerProcess({ port: victim.port, env: envOf(), timeoutMs: 90_000 }));
          break;
        } catch (err) {
          if (attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
          await delay(200);
        }
      }
      await delay(1500);
      shared.creating = false;
      await Promise.race([Promise.all(running), delay(45_000)]);
      shared.stopped = true;
      slots.forEach((s) => s.wakeAll());
      await Promise.all(running);
      if (failure) throw failure;

      // --- every acknowledged entry once; full pulls from every process complete ------------------
      const sentIds = new Set(devices.flatMap(({ device }) => [...device.created.keys()]));
      const acked = devices.reduce((n, { device }) => n + device.acked.size, 0);
      expect(devices.every(({ device }) => device.outbox.length === 0 && device.unexpected.length === 0)).toBe(true);
      expect(acked).toBe(sentIds.size);
      expect(cutOff, 'the kill cut pushes off').toBeGreaterThan(0);
      const inspection = await inspect(check.db, 'postgres', {
        entries: new Map(devices.flatMap(({ device }) => [...device.created])),
        acked: new Map(devices.flatMap(({ device }) => [...device.acked])),
        deviceIds: devices.map(({ device }) => device.deviceId),
      });
      expect(inspection.missing).toEqual([]);
      expect(inspection.duplicates).toEqual([]);
      expect(inspection.phantoms).toEqual([]);
      expect(inspection.ackedWithoutMutation).toEqual([]);
      expect(inspection.unsound).toEqual([]);
      expect(inspection.rows).toBe(sentIds.size);
      for (const s of slots) expect(await fullPull(s.link.url(), await login(s.link.url()), sentIds), `pull from :${s.port}`).toEqual([]);

      // --- the notice: closed, each of its entries made effective by exactly one event ------------
      // Up to 30 s: the settlement job runs on its own timer, later on a loaded machine.
      for (let i = 0; i < 300; i++) {
        const n = await check.db.selectFrom('notices').select('status').where('id', '=', notice.id).executeTakeFirstOrThrow();
        if (n.status === 'closed') break;
        await delay(100);
      }
      const events = await check.db.selectFrom('entry_events').innerJoin('entries', 'entries.id', 'entry_events.entry_id')
        .select(['entry_events.entry_id']).where('entries.notice_id', '=', notice.id).where('entry_events.to_state', '=', 'effective').execute();
      expect(events).toHaveLength(entryCount);
      expect(new Set(events.map((e) => e.entry_id)).size).toBe(entryCount);
      // The demo's old windows, settled at the three simultaneous start-ups: once each too.
      const twice = await check.db.selectFrom('entry_events').select('entry_id').where('to_state', '=', 'effective')
        .groupBy('entry_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
      expect(twice).toEqual([]);
      // The job runs that settled anything add up to exactly the entries settled, each slot run once.
      const runs = await check.db.selectFrom('job_runs').select(['started_at', 'worker', 'items']).where('job', '=', 'settle-notices').execute();
      expect(new Set(runs.map((r) => r.worker)).size, 'several processes ran the job').toBeGreaterThan(1);
      const settledAfter = runs.filter((r) => r.started_at >= madeDueAt).reduce((n, r) => n + (r.items ?? 0), 0);
      expect(settledAfter).toBe(entryCount);
      console.log(`[cluster] seed ${SEED}: ${sentIds.size} entries from 6 phones over 3 processes, ${cutOff} pushes cut off by the kill, `
        + `notice of ${entryCount} entries settled once; ${runs.length} settlement runs by ${new Set(runs.map((r) => r.worker)).size} workers`);
    } finally {
      shared.creating = false;
      shared.stopped = true;
      slots.forEach((s) => s.wakeAll());
      for (const s of slots) await s.proc?.kill('SIGKILL');
      await check.close();
      await database.drop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);

  it('npm run start:cluster runs N workers on one port and stops them all on SIGTERM', async () => {
    const database = await createEmptyPostgresDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-cluster-'));
    const port = await freePort();
    const launcher = spawnServerProcess({
      port, entry: path.join(REPO_ROOT, 'server', 'cluster.ts'), readyPattern: /is running[\s\S]*is running/, timeoutMs: 90_000,
      env: { DATA_DIR: dir, PII_KEY, DATABASE_URL: database.databaseUrl, WORKERS: '2' },
    });
    try {
      await launcher.ready;
      const cookie = await login(launcher.proc.url);
      // Several requests with fresh connections: whichever worker answers knows the session.
      for (let i = 0; i < 6; i++) {
        const me = await fetch(`${launcher.proc.url}/api/auth/me`, { headers: { cookie, connection: 'close' } });
        expect(me.status).toBe(200);
      }
      await launcher.proc.kill('SIGTERM');
      expect((await launcher.proc.exited).code).toBe(0);
    } finally {
      await launcher.proc.kill('SIGKILL');
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
