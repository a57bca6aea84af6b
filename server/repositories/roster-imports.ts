// SQL of the township office's roster work (issue 11): the import history (roster_imports), the
// village's roster as the import planner and the export read it, and the writes an import makes
// beyond the sync's own roster writes (server/sync/repo/roster.ts, reused for inserts).
import type { Queryable } from './queryable';
import { bool } from './queryable';
import type { PlanRow } from '../../shared/domain/roster-plan';

export interface NewImport {
  id: string; townshipId: string; villageId: string; fileName: string; format: string; sha256: string; size: number;
  fileCipher: string; createdBy: string; createdAt: string;
}

export async function insertImport(db: Queryable, i: NewImport): Promise<void> {
  await db.insertInto('roster_imports').values({
    id: i.id, township_id: i.townshipId, village_id: i.villageId, file_name: i.fileName, file_format: i.format,
    file_sha256: i.sha256, file_size: i.size, file_cipher: i.fileCipher, status: 'parsing', problem: null,
    created_by: i.createdBy, created_at: i.createdAt, applied_by: null, applied_at: null, applied_counts: null,
  }).execute();
}

export async function setImportProgress(db: Queryable, id: string, done: number, total: number): Promise<void> {
  await db.updateTable('roster_imports').set({ rows_done: done, rows_total: total }).where('id', '=', id).execute();
}

export async function finishImportDryRun(db: Queryable, id: string, r: { status: 'ready' | 'failed'; counts: object; report: object; problem: string | null; total: number }): Promise<void> {
  await db.updateTable('roster_imports').set({
    status: r.status, counts: JSON.stringify(r.counts), report: JSON.stringify(r.report), problem: r.problem, rows_done: r.total, rows_total: r.total,
  }).where('id', '=', id).execute();
}

export async function markImportApplied(db: Queryable, id: string, by: string, at: string, counts: object, report: object): Promise<void> {
  await db.updateTable('roster_imports').set({
    status: 'applied', applied_by: by, applied_at: at, applied_counts: JSON.stringify(counts), report: JSON.stringify(report),
  }).where('id', '=', id).execute();
}

export interface ImportRecord {
  id: string; townshipId: string; villageId: string; fileName: string; format: string; sha256: string; size: number;
  status: string; rowsTotal: number; rowsDone: number; counts: Record<string, number>; problem: string | null;
  createdBy: string; createdByName: string | null; createdAt: string; appliedAt: string | null; appliedCounts: Record<string, number> | null;
}

type ImportRow = {
  id: string; township_id: string; village_id: string; file_name: string; file_format: string; file_sha256: string; file_size: number;
  status: string; rows_total: number; rows_done: number; counts: string; problem: string | null; created_by: string;
  created_at: string; applied_at: string | null; applied_counts: string | null; display_name: string | null;
};

const toImport = (r: ImportRow): ImportRecord => ({
  id: r.id, townshipId: r.township_id, villageId: r.village_id, fileName: r.file_name, format: r.file_format, sha256: r.file_sha256,
  size: Number(r.file_size), status: r.status, rowsTotal: Number(r.rows_total), rowsDone: Number(r.rows_done),
  counts: JSON.parse(r.counts) as Record<string, number>, problem: r.problem, createdBy: r.created_by, createdByName: r.display_name,
  createdAt: r.created_at, appliedAt: r.applied_at, appliedCounts: r.applied_counts ? JSON.parse(r.applied_counts) as Record<string, number> : null,
});

const IMPORT_COLUMNS = [
  'roster_imports.id', 'roster_imports.township_id', 'roster_imports.village_id', 'roster_imports.file_name', 'roster_imports.file_format',
  'roster_imports.file_sha256', 'roster_imports.file_size', 'roster_imports.status', 'roster_imports.rows_total', 'roster_imports.rows_done',
  'roster_imports.counts', 'roster_imports.problem', 'roster_imports.created_by', 'roster_imports.created_at', 'roster_imports.applied_at',
  'roster_imports.applied_counts', 'users.display_name',
] as const;

export async function listImports(db: Queryable, villageId: string): Promise<ImportRecord[]> {
  const rows = await db.selectFrom('roster_imports').leftJoin('users', 'users.id', 'roster_imports.created_by').select(IMPORT_COLUMNS)
    .where('roster_imports.village_id', '=', villageId).orderBy('roster_imports.created_at', 'desc').orderBy('roster_imports.id', 'desc').limit(100).execute();
  return rows.map(toImport);
}

/** The import of this village (another village's id answers null). */
export async function findImport(db: Queryable, villageId: string, id: string): Promise<ImportRecord | null> {
  const r = await db.selectFrom('roster_imports').leftJoin('users', 'users.id', 'roster_imports.created_by').select(IMPORT_COLUMNS)
    .where('roster_imports.id', '=', id).where('roster_imports.village_id', '=', villageId).executeTakeFirst();
  return r ? toImport(r) : null;
}

export async function findImportReport(db: Queryable, id: string): Promise<PlanRow[]> {
  const r = await db.selectFrom('roster_imports').select('report').where('id', '=', id).executeTakeFirst();
  return r ? JSON.parse(r.report) as PlanRow[] : [];
}

export async function findImportFile(db: Queryable, id: string): Promise<{ fileName: string; format: string; cipher: string } | null> {
  const r = await db.selectFrom('roster_imports').select(['file_name', 'file_format', 'file_cipher']).where('id', '=', id).executeTakeFirst();
  return r ? { fileName: r.file_name, format: r.file_format, cipher: r.file_cipher } : null;
}

/** Locks the import for applying (PostgreSQL; SQLite's write lock already excludes other writers). */
export async function lockImportStatus(db: Queryable, id: string, postgres: boolean): Promise<string | null> {
  let q = db.selectFrom('roster_imports').select('status').where('id', '=', id);
  if (postgres) q = q.forUpdate();
  return (await q.executeTakeFirst())?.status ?? null;
}

export interface RosterHouseholdRow { id: string; householdNo: string; groupNo: number; headName: string; phone: string | null; status: string; version: number }
export interface RosterPersonRow {
  id: string; householdId: string; name: string; relation: string; birthYear: number | null; phone: string | null;
  idHash: string | null; idCipher: string | null; deleted: boolean; version: number;
}

/** The village's roster: every household (not deleted) and every person, removed ones too, in creation order. */
export async function loadVillageRoster(db: Queryable, villageId: string): Promise<{ households: RosterHouseholdRow[]; persons: RosterPersonRow[] }> {
  const hs = await db.selectFrom('households').select(['id', 'household_no', 'group_no', 'head_name', 'phone', 'status', 'version'])
    .where('village_id', '=', villageId).where('deleted', '=', 0).orderBy('household_no').execute();
  const ps = await db.selectFrom('persons').select(['id', 'household_id', 'name', 'relation', 'birth_year', 'phone', 'id_hash', 'id_cipher', 'deleted', 'version'])
    .where('village_id', '=', villageId).orderBy('id').execute();
  return {
    households: hs.map((h) => ({ id: h.id, householdNo: h.household_no, groupNo: Number(h.group_no), headName: h.head_name, phone: h.phone, status: h.status, version: Number(h.version) })),
    persons: ps.map((p) => ({
      id: p.id, householdId: p.household_id, name: p.name, relation: p.relation, birthYear: p.birth_year === null ? null : Number(p.birth_year),
      phone: p.phone, idHash: p.id_hash, idCipher: p.id_cipher, deleted: bool(p.deleted), version: Number(p.version),
    })),
  };
}

/** Which of these ID hashes belong to a person (not removed) of another village. */
export async function idHashesOutside(db: Queryable, villageId: string, hashes: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < hashes.length; i += 400) {
    const rows = await db.selectFrom('persons').select('id_hash').where('id_hash', 'in', hashes.slice(i, i + 400))
      .where('village_id', '!=', villageId).where('deleted', '=', 0).execute();
    for (const r of rows) if (r.id_hash) out.add(r.id_hash);
  }
  return out;
}

export interface PersonColumns {
  name?: string; relation?: string; birthYear?: number | null; isMinor?: boolean; phone?: string | null; householdId?: string;
  stored?: { idHash: string; idLast4: string; idCipher: string }; deleted?: boolean;
}

/** One update of an imported person: the changed columns and the next version. */
export async function updateImportedPerson(db: Queryable, id: string, c: PersonColumns, version: number, now: string): Promise<void> {
  await db.updateTable('persons').set({
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.relation !== undefined ? { relation: c.relation } : {}),
    ...(c.birthYear !== undefined ? { birth_year: c.birthYear } : {}),
    ...(c.isMinor !== undefined ? { is_minor: c.isMinor ? 1 : 0 } : {}),
    ...(c.phone !== undefined ? { phone: c.phone } : {}),
    ...(c.householdId !== undefined ? { household_id: c.householdId } : {}),
    ...(c.stored ? { id_hash: c.stored.idHash, id_last4: c.stored.idLast4, id_cipher: c.stored.idCipher } : {}),
    ...(c.deleted !== undefined ? { deleted: c.deleted ? 1 : 0 } : {}),
    version, updated_at: now,
  }).where('id', '=', id).execute();
}

export interface ExportPersonRow {
  personId: string; householdNo: string; groupNo: number; name: string; relation: string; birthYear: number | null;
  phone: string | null; idCipher: string | null;
}

/** The roster for the export: persons on the roster (not removed) of households not deleted, by household number. */
export async function listRosterForExport(db: Queryable, villageId: string): Promise<ExportPersonRow[]> {
  const rows = await db.selectFrom('persons').innerJoin('households', 'households.id', 'persons.household_id')
    .select(['persons.id', 'households.household_no', 'households.group_no', 'persons.name', 'persons.relation', 'persons.birth_year', 'persons.phone', 'persons.id_cipher'])
    .where('persons.village_id', '=', villageId).where('persons.deleted', '=', 0).where('households.deleted', '=', 0)
    .orderBy('households.household_no').orderBy('persons.id').execute();
  return rows.map((r) => ({
    personId: r.id, householdNo: r.household_no, groupNo: Number(r.group_no), name: r.name, relation: r.relation,
    birthYear: r.birth_year === null ? null : Number(r.birth_year), phone: r.phone, idCipher: r.id_cipher,
  }));
}
