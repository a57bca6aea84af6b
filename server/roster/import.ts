// Roster import (issue 11): upload → dry run (a background job with progress) → import.
// The dry run parses the file, plans against the village's roster and keeps the per-row report
// with the import. The import plans again inside one write transaction against the roster as it
// is then and writes that plan (all or nothing); rows with errors are left out only when the clerk
// says so. Writes go through the sync's roster writes and the change log, so phones pull the result.
import crypto from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../context';
import { writeTransaction, type WriteTrx } from '../db/transaction';
import { recordChanges } from '../db/changes';
import { recordAudit } from '../repositories/audit';
import * as repo from '../repositories/roster-imports';
import { insertHousehold, insertPerson } from '../repositories/roster';
import { applyHouseholdsAdded } from '../repositories/tallies';
import { updateHouseholdFields } from '../repositories/household-writes';
import { setFieldVersions } from '../repositories/field-versions';
import { decryptIdNumber, encryptIdNumber, hashIdNumber, protectIdNumber } from '../security/pii';
import { log } from '../ops/log';
import { AppError, conflict } from '../http/errors';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { maskIdNumber } from '../../shared/validation/id-number';
import { parseRoster, parseRow, type ParsedRoster, type RosterRow } from '../../shared/domain/roster-import';
import { planRoster, type RosterPlan, type RosterSnapshot } from '../../shared/domain/roster-plan';
import { formatOf, readRosterGrid, UnreadableFile, type RosterFormat } from './read-file';

export const MAX_ROSTER_BYTES = 8 * 1024 * 1024;
/** Rows parsed between two progress updates (and two yields to the event loop). */
const CHUNK = 500;

type ImportDeps = Pick<Deps, 'db' | 'dialect' | 'pii' | 'now'>;

export interface Upload { townshipId: string; villageId: string; userId: string; fileName: string; bytes: Uint8Array }

/** Keeps the file (encrypted) and starts the dry run; returns at once with the import's id. */
export async function startImport(deps: ImportDeps, u: Upload): Promise<{ id: string; done: Promise<void> }> {
  const format = formatOf(u.fileName);
  if (!format) throw new AppError(415, 'roster_format', '只能导入 Excel（.xlsx/.xls）或 CSV 文件');
  if (u.bytes.byteLength === 0) throw new AppError(400, 'roster_empty', '文件是空的');
  if (u.bytes.byteLength > MAX_ROSTER_BYTES) throw new AppError(413, 'roster_too_large', '文件过大（上限 8 MB）');
  const id = uuidv7();
  const at = deps.now().toISOString();
  const base64 = Buffer.from(u.bytes).toString('base64');
  await writeTransaction(deps, async (trx) => {
    await repo.insertImport(trx, {
      id, townshipId: u.townshipId, villageId: u.villageId, fileName: u.fileName.slice(0, 200), format,
      sha256: crypto.createHash('sha256').update(u.bytes).digest('hex'), size: u.bytes.byteLength,
      fileCipher: encryptIdNumber(deps.pii, base64), createdBy: u.userId, createdAt: at,
    });
    await recordAudit(trx, { townshipId: u.townshipId, villageId: u.villageId, actorId: u.userId, action: 'roster.upload', subjectKind: 'roster_import', subjectId: id, detail: { format, bytes: u.bytes.byteLength }, at });
  });
  const done = dryRun(deps, id, u.villageId, u.bytes, format).catch((err: unknown) => {
    log().error({ err, importId: id }, 'roster dry run failed');
    return repo.finishImportDryRun(deps.db, id, { status: 'failed', counts: {}, report: [], problem: '预览时出错，请重新上传', total: 0 });
  });
  return { id, done };
}

/** Reads the file in chunks, saying how far it got, then plans and keeps the report. */
async function dryRun(deps: ImportDeps, id: string, villageId: string, bytes: Uint8Array, format: RosterFormat): Promise<void> {
  const parsed = await parseInChunks(bytes, format, deps.now(), (done, total) => repo.setImportProgress(deps.db, id, done, total));
  if (!parsed.ok) {
    await repo.finishImportDryRun(deps.db, id, { status: 'failed', counts: {}, report: [], problem: parsed.problem, total: 0 });
    return;
  }
  const plan = await planAgainst(deps.db, deps, villageId, parsed.rows);
  await repo.finishImportDryRun(deps.db, id, { status: 'ready', counts: plan.counts, report: plan.rows, problem: null, total: parsed.rows.length });
}

async function parseInChunks(bytes: Uint8Array, format: RosterFormat, today: Date, progress?: (done: number, total: number) => Promise<void>): Promise<ParsedRoster> {
  let grid;
  try {
    grid = readRosterGrid(bytes, format);
  } catch (err) {
    if (err instanceof UnreadableFile) return { ok: false, problem: err.message, headerLine: 0, columns: {}, rows: [] };
    throw err;
  }
  const header = parseRoster(grid.slice(0, 21), today);
  if (!header.ok) return header;
  const body = grid.slice(header.headerLine);
  const rows: RosterRow[] = [];
  for (let i = 0; i < body.length; i += CHUNK) {
    body.slice(i, i + CHUNK).forEach((cells, k) => rows.push(parseRow(cells ?? [], header.columns, header.headerLine + i + k + 1, today)));
    if (progress && body.length > CHUNK) {
      await progress(Math.min(i + CHUNK, body.length), body.length);
      await new Promise((r) => setImmediate(r));
    }
  }
  while (rows.length && rows[rows.length - 1].blank) rows.pop();
  return { ...header, rows };
}

interface Snapshot extends RosterSnapshot { roster: Awaited<ReturnType<typeof repo.loadVillageRoster>> }

async function loadSnapshot(db: Deps['db'] | WriteTrx, deps: ImportDeps, villageId: string, rows: readonly RosterRow[]): Promise<Snapshot> {
  const roster = await repo.loadVillageRoster(db, villageId);
  const hashes = rows.flatMap((r) => (r.id.kind === 'valid' ? [hashIdNumber(deps.pii, r.id.value)] : []));
  return {
    roster,
    households: roster.households,
    persons: roster.persons.map((p) => ({
      id: p.id, householdId: p.householdId, name: p.name, relation: p.relation, birthYear: p.birthYear, phone: p.phone,
      idHash: p.idHash, idMask: p.idCipher ? maskIdNumber(decryptIdNumber(deps.pii, p.idCipher)) : null, deleted: p.deleted,
    })),
    idHashesElsewhere: await repo.idHashesOutside(db, villageId, hashes),
  };
}

async function planAgainst(db: Deps['db'] | WriteTrx, deps: ImportDeps, villageId: string, rows: readonly RosterRow[]): Promise<RosterPlan & { snapshot: Snapshot }> {
  const snapshot = await loadSnapshot(db, deps, villageId, rows);
  return { ...planRoster(rows, snapshot, (v) => hashIdNumber(deps.pii, v)), snapshot };
}

export interface AppliedImport { households: number; persons: number; skippedErrors: number; counts: RosterPlan['counts'] }

/** Imports a dry-run import: all of its plan in one transaction, or nothing. */
export async function applyImport(deps: ImportDeps, imp: repo.ImportRecord, userId: string, opts: { skipErrorRows: boolean }): Promise<AppliedImport> {
  if (imp.status === 'applied') throw conflict('roster_applied', '该名册已经导入过；再次导入请重新上传文件');
  if (imp.status !== 'ready') throw conflict('roster_not_ready', '该名册还没有预览完成，或文件无法读取');
  const file = await repo.findImportFile(deps.db, imp.id);
  const bytes = Buffer.from(decryptIdNumber(deps.pii, file!.cipher), 'base64');
  const parsed = await parseInChunks(bytes, imp.format as RosterFormat, deps.now());
  const stored = JSON.stringify(await repo.findImportReport(deps.db, imp.id));
  const at = deps.now().toISOString();
  return writeTransaction(deps, async (trx) => {
    if ((await repo.lockImportStatus(trx, imp.id, deps.dialect === 'postgres')) !== 'ready') throw conflict('roster_applied', '该名册已经导入过；再次导入请重新上传文件');
    const plan = await planAgainst(trx, deps, imp.villageId, parsed.rows);
    // The roster changed since the preview (another import, a phone's edit): the clerk must look again.
    if (JSON.stringify(plan.rows) !== stored) throw conflict('roster_changed', '预览之后名册已有变动，请重新预览后再导入');
    if (plan.counts.error > 0 && !opts.skipErrorRows) {
      throw new AppError(422, 'roster_has_errors', `有 ${plan.counts.error} 行有错误：请改正后重新上传，或选择“跳过有错误的行”`);
    }
    const written = await writePlan(trx, deps, imp.villageId, plan, at);
    const result: AppliedImport = { ...written, skippedErrors: plan.counts.error, counts: plan.counts };
    await repo.markImportApplied(trx, imp.id, userId, at, result, plan.rows);
    await recordAudit(trx, {
      townshipId: imp.townshipId, villageId: imp.villageId, actorId: userId, action: 'roster.import', subjectKind: 'roster_import', subjectId: imp.id,
      rowCount: written.households + written.persons, detail: { ...plan.counts }, at,
    });
    return result;
  });
}

const minor = (birthYear: number | null, now: Date) => birthYear !== null && now.getUTCFullYear() - birthYear < 18;

async function writePlan(trx: WriteTrx, deps: ImportDeps, villageId: string, plan: RosterPlan & { snapshot: Snapshot }, at: string): Promise<{ households: number; persons: number }> {
  const now = deps.now();
  const householdIds = new Map(plan.snapshot.roster.households.map((h) => [h.householdNo, h.id]));
  const householdVersions = new Map(plan.snapshot.roster.households.map((h) => [h.id, h.version]));
  const personRows = new Map(plan.snapshot.roster.persons.map((p) => [p.id, p]));
  const changedHouseholds: string[] = [];
  const changedPersons: string[] = [];
  for (const h of plan.households) {
    if (h.householdId === null) {
      const id = uuidv7();
      await insertHousehold(trx, { id, villageId, householdNo: h.householdNo, groupNo: h.set.groupNo ?? 0, headName: h.set.headName!, phone: h.set.phone ?? null, now: at });
      householdIds.set(h.householdNo, id);
      changedHouseholds.push(id);
    } else {
      const version = householdVersions.get(h.householdId)! + 1;
      await updateHouseholdFields(trx, h.householdId, h.set, version, at);
      await setFieldVersions(trx, 'household', h.householdId, Object.keys(h.set), version);
      changedHouseholds.push(h.householdId);
    }
  }
  for (const p of plan.persons) {
    const householdId = householdIds.get(p.householdNo)!;
    const stored = p.set.idNumber ? protectIdNumber(deps.pii, p.set.idNumber) : undefined;
    if (p.personId === null) {
      const id = uuidv7();
      const birthYear = p.set.birthYear ?? null;
      await insertPerson(trx, {
        id, householdId, villageId, name: p.set.name!, relation: p.set.relation!, birthYear, isMinor: minor(birthYear, now),
        phone: p.set.phone ?? null, storedId: stored ?? null, now: at,
      });
      changedPersons.push(id);
      continue;
    }
    const version = personRows.get(p.personId)!.version + 1;
    const { idNumber: _id, householdNo, deleted, ...fields } = p.set;
    void _id;
    await repo.updateImportedPerson(trx, p.personId, {
      ...fields, ...(fields.birthYear !== undefined ? { isMinor: minor(fields.birthYear, now) } : {}),
      ...(householdNo !== undefined ? { householdId } : {}), ...(stored ? { stored } : {}), ...(deleted !== undefined ? { deleted } : {}),
    }, version, at);
    const merged = [...Object.keys(fields), ...(householdNo !== undefined ? ['householdId'] : [])];
    await setFieldVersions(trx, 'person', p.personId, merged, version);
    changedPersons.push(p.personId);
  }
  // The village's ranking figures count its households (new ones stand at the base).
  if (plan.households.some((h) => h.householdId === null)) await applyHouseholdsAdded(trx, [villageId]);
  // Phones pull the households first, then their members (a removed person comes as a tombstone).
  await recordChanges(trx, scopeOfVillage(villageId), 'household', changedHouseholds);
  await recordChanges(trx, scopeOfVillage(villageId), 'person', changedPersons);
  return { households: changedHouseholds.length, persons: changedPersons.length };
}

/** The original file of an import (for the history's download). */
export async function importFile(deps: ImportDeps, id: string): Promise<{ fileName: string; format: string; bytes: Buffer } | null> {
  const file = await repo.findImportFile(deps.db, id);
  return file ? { fileName: file.fileName, format: file.format, bytes: Buffer.from(decryptIdNumber(deps.pii, file.cipher), 'base64') } : null;
}
