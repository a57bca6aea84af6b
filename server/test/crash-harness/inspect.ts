// What the crash harness checks in the database once the devices are drained: every entry a
// device created is stored exactly once under its own id, nothing else appeared, the bookkeeping
// around each entry (event, change-log row, mutation row) is whole, and the database itself is
// sound (SQLite: PRAGMA integrity_check / foreign_key_check; both: consistency queries).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Dialect } from '../../db/connect';
import { NOTE_PREFIX } from './devices';

export interface Sent {
  /** entry id -> mutation id, of every entry the devices created. */
  entries: Map<string, string>;
  /** Acknowledged mutation id -> entry id. */
  acked: Map<string, string>;
  deviceIds: string[];
}

export interface Inspection {
  /** Entries the devices created with no stored row under their id. */
  missing: string[];
  /** Entries stored more than once (rows carrying the same entry's note marker). */
  duplicates: { entryId: string; rows: number }[];
  /** Stored rows of the devices that no device sent. */
  phantoms: string[];
  /** Rows of the devices in `entries`. */
  rows: number;
  uniqueSent: number;
  /** Acknowledged mutations without an `applied` sync_mutations row for their entry. */
  ackedWithoutMutation: string[];
  /** Database-level problems: integrity check, foreign keys, broken bookkeeping. */
  unsound: string[];
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

/** Number of entries stored more than once so far (cheap; used while the harness runs). */
export async function countDuplicateEntries(db: Kysely<Database>, deviceIds: string[]): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const rows = await db.selectFrom('entries').select('note').where('device_id', 'in', deviceIds)
    .groupBy('note').having((eb) => eb.fn.countAll(), '>', 1).execute();
  return rows.length;
}

export async function inspect(db: Kysely<Database>, dialect: Dialect, sent: Sent): Promise<Inspection> {
  const stored = sent.deviceIds.length === 0 ? [] : await db.selectFrom('entries')
    .select(['id', 'note']).where('device_id', 'in', sent.deviceIds).execute();
  const byMarker = new Map<string, string[]>();
  for (const r of stored) {
    const entryId = r.note.startsWith(NOTE_PREFIX) ? r.note.slice(NOTE_PREFIX.length) : `?${r.id}`;
    byMarker.set(entryId, [...(byMarker.get(entryId) ?? []), r.id]);
  }
  const storedIds = new Set(stored.map((r) => r.id));
  const missing = [...sent.entries.keys()].filter((id) => !storedIds.has(id));
  const duplicates = [...byMarker].filter(([, rows]) => rows.length > 1).map(([entryId, rows]) => ({ entryId, rows: rows.length }));
  const phantoms = [...byMarker.keys()].filter((entryId) => !sent.entries.has(entryId));

  const mutations = sent.deviceIds.length === 0 ? [] : await db.selectFrom('sync_mutations')
    .select(['id', 'status', 'entity_id']).where('device_id', 'in', sent.deviceIds).execute();
  const mutationById = new Map(mutations.map((m) => [m.id, m]));
  const ackedWithoutMutation = [...sent.acked].filter(([mid, entryId]) => {
    const m = mutationById.get(mid);
    return !m || m.status !== 'applied' || m.entity_id !== entryId;
  }).map(([mid]) => mid);

  return {
    missing, duplicates, phantoms, rows: stored.length, uniqueSent: sent.entries.size, ackedWithoutMutation,
    unsound: await soundness(db, dialect),
  };
}

/** Problems with the database as a whole (empty when sound). */
export async function soundness(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const problems: string[] = [];
  if (dialect === 'sqlite') {
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    const verdicts = integrity.rows.map((r) => r.integrity_check);
    if (verdicts.join() !== 'ok') problems.push(`integrity_check: ${verdicts.slice(0, 5).join('; ')}`);
    const fk = await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(db);
    if (fk.rows.length > 0) problems.push(`foreign_key_check: ${fk.rows.length} rows, e.g. ${JSON.stringify(fk.rows[0])}`);
  }
  const check = async (what: string, query: ReturnType<typeof sql<{ id: string }>>) => {
    const found = ids((await query.execute(db)).rows);
    if (found.length > 0) problems.push(`${what}: ${found.length}, e.g. ${found.slice(0, 3).join(', ')}`);
  };
  // Every entry has exactly one creation event (written in the same transaction).
  await check('entries without exactly one creation event', sql<{ id: string }>`
    select e.id from entries e
    where (select count(*) from entry_events ev where ev.entry_id = e.id and ev.from_state is null) <> 1`);
  // Every entry is in the pull log, under its own village's scope, or no phone would ever see it.
  await check('entries missing from the change log', sql<{ id: string }>`
    select e.id from entries e
    left join changes c on c.entity = 'entry' and c.entity_id = e.id
    where c.entity_id is null or c.scope <> ('village:' || e.village_id)`);
  // No change number beyond its scope's counter (a cursor could never reach it, or skip it later).
  await check('change numbers beyond the scope counter', sql<{ id: string }>`
    select c.entity_id as id from changes c
    join villages v on c.scope = ('village:' || v.id)
    where c.seq > v.change_seq or c.seq < 1`);
  await check('township change numbers beyond the counter', sql<{ id: string }>`
    select c.entity_id as id from changes c
    join townships t on c.scope = ('township:' || t.id)
    where c.seq > t.change_seq or c.seq < 1`);
  // An applied entry.create whose entry is not there: an acknowledgement without the data.
  await check('applied entry.create without its entry', sql<{ id: string }>`
    select m.id from sync_mutations m
    left join entries e on e.id = m.entity_id
    where m.kind = 'entry.create' and m.status = 'applied' and e.id is null`);
  // An entry that came through sync without its mutation row: data without its idempotency key.
  await check('synced entries without an applied mutation', sql<{ id: string }>`
    select e.id from entries e
    where e.note like ${`${NOTE_PREFIX}%`}
      and not exists (select 1 from sync_mutations m where m.entity_id = e.id and m.status = 'applied')`);
  return problems;
}
