// Edit conflicts kept by household.update and person.update (sync_conflicts, see
// server/sync/apply-household.ts, apply-person.ts): the village admin's list of them and their resolution.
import type { Queryable } from './queryable';
import { forUpdateIfSupported } from './locks';

export interface ConflictDto {
  id: string;
  entity: string;
  entityId: string;
  /** The household (for a person conflict: the person's household). */
  householdNo: string | null;
  headName: string | null;
  /** The person's current name; only on person conflicts (entity 'person'). */
  personName?: string | null;
  field: string;
  baseVersion: number;
  /** The value the server kept (current when the conflict arose). */
  serverValue: unknown;
  /** The phone's value that lost the merge. */
  clientValue: unknown;
  /** Display name of the user whose phone sent the edit. */
  recordedBy: string;
  createdAt: string;
  /** open; resolved (the phone's value was applied); dismissed (the server's value was kept). */
  status: string;
}

/** Open conflicts of a village, oldest first. */
export async function listOpenConflictsOfVillage(db: Queryable, villageId: string): Promise<ConflictDto[]> {
  const rows = await db
    .selectFrom('sync_conflicts as c')
    .leftJoin('persons as p', (j) => j.onRef('p.id', '=', 'c.entity_id').on('c.entity', '=', 'person'))
    .leftJoin('households as h', (j) => j.on((eb) => eb.or([
      eb.and([eb('c.entity', '=', 'household'), eb('h.id', '=', eb.ref('c.entity_id'))]),
      eb.and([eb('c.entity', '=', 'person'), eb('h.id', '=', eb.ref('p.household_id'))]),
    ])))
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'c.id', 'c.entity', 'c.entity_id', 'c.field', 'c.base_version', 'c.server_value', 'c.client_value', 'c.status', 'c.created_at',
      'h.household_no', 'h.head_name', 'p.name as person_name', 'u.display_name',
    ])
    .where('c.village_id', '=', villageId)
    .where('c.status', '=', 'open')
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({
    id: r.id, entity: r.entity, entityId: r.entity_id, householdNo: r.household_no, headName: r.head_name,
    ...(r.entity === 'person' ? { personName: r.person_name } : {}), field: r.field,
    baseVersion: r.base_version, serverValue: JSON.parse(r.server_value) as unknown, clientValue: JSON.parse(r.client_value) as unknown,
    recordedBy: r.display_name ?? '', createdAt: r.created_at, status: r.status,
  }));
}

export interface ConflictRecord {
  id: string; villageId: string; entity: string; entityId: string; field: string; clientValue: unknown; status: string;
}

/** One conflict, locked on PostgreSQL so that two admins resolving it at once are serialised. */
export async function findConflictForWrite(db: Queryable, id: string): Promise<ConflictRecord | null> {
  const r = await forUpdateIfSupported(db, db
    .selectFrom('sync_conflicts')
    .select(['id', 'village_id', 'entity', 'entity_id', 'field', 'client_value', 'status'])
    .where('id', '=', id)).executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id, villageId: r.village_id, entity: r.entity, entityId: r.entity_id, field: r.field,
    clientValue: JSON.parse(r.client_value) as unknown, status: r.status,
  };
}

export async function closeConflict(db: Queryable, id: string, status: 'resolved' | 'dismissed', userId: string, at: string): Promise<void> {
  await db.updateTable('sync_conflicts').set({ status, resolved_by: userId, resolved_at: at }).where('id', '=', id).execute();
}
