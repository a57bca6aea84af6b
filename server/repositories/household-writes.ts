// SQL of household.update: the household's editable fields and the conflicts kept for review
// (per-field versions: ./field-versions.ts). Callers pass the write transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/connect';

type Trx = Kysely<Database>;

/** The fields a phone may edit (householdUpdatePayload), with their server types. */
export interface HouseholdFields {
  headName: string; phone: string | null; groupNo: number; status: string; consentPublic: boolean;
}
export type HouseholdField = keyof HouseholdFields;

export interface HouseholdRecord { id: string; villageId: string; version: number; fields: HouseholdFields }

/** The live household, locked on PostgreSQL (read, merge, write back: see findHouseholdForWrite). */
export async function findHouseholdRecord(trx: Trx, dialect: Dialect, id: string): Promise<HouseholdRecord | null> {
  const r = await trx
    .selectFrom('households')
    .select(['id', 'village_id', 'version', 'head_name', 'phone', 'group_no', 'status', 'consent_public'])
    .where('id', '=', id)
    .where('deleted', '=', 0)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id, villageId: r.village_id, version: r.version,
    fields: { headName: r.head_name, phone: r.phone, groupNo: r.group_no, status: r.status, consentPublic: r.consent_public === 1 },
  };
}

export async function updateHouseholdFields(
  trx: Trx, id: string, fields: Partial<HouseholdFields>, version: number, now: string,
): Promise<void> {
  await trx
    .updateTable('households')
    .set({
      ...(fields.headName !== undefined ? { head_name: fields.headName } : {}),
      ...(fields.phone !== undefined ? { phone: fields.phone } : {}),
      ...(fields.groupNo !== undefined ? { group_no: fields.groupNo } : {}),
      ...(fields.status !== undefined ? { status: fields.status } : {}),
      ...(fields.consentPublic !== undefined ? { consent_public: fields.consentPublic ? 1 : 0 } : {}),
      version,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export interface NewSyncConflict {
  id: string; villageId: string; entity: string; entityId: string; field: string; baseVersion: number;
  serverValue: string; clientValue: string; mutationId: string; userId: string; createdAt: string;
}

export async function insertSyncConflicts(trx: Trx, rows: readonly NewSyncConflict[]): Promise<void> {
  if (rows.length === 0) return;
  await trx.insertInto('sync_conflicts').values(rows.map((c) => ({
    id: c.id, village_id: c.villageId, entity: c.entity, entity_id: c.entityId, field: c.field,
    base_version: c.baseVersion, server_value: c.serverValue, client_value: c.clientValue,
    mutation_id: c.mutationId, user_id: c.userId, created_at: c.createdAt, resolved_by: null, resolved_at: null,
  }))).execute();
}

export interface SyncConflictDto {
  id: string; villageId: string; entity: string; entityId: string; field: string; baseVersion: number;
  serverValue: unknown; clientValue: unknown; mutationId: string; userId: string; status: string; createdAt: string;
}

/** Open conflicts of a village, oldest first (for the village admin's review list). */
export async function listOpenConflicts(trx: Trx, villageId: string): Promise<SyncConflictDto[]> {
  const rows = await trx.selectFrom('sync_conflicts').selectAll()
    .where('village_id', '=', villageId).where('status', '=', 'open').orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, villageId: r.village_id, entity: r.entity, entityId: r.entity_id, field: r.field,
    baseVersion: r.base_version, serverValue: JSON.parse(r.server_value) as unknown,
    clientValue: JSON.parse(r.client_value) as unknown, mutationId: r.mutation_id, userId: r.user_id,
    status: r.status, createdAt: r.created_at,
  }));
}
