// The field-level merge shared by household.update and person.update (sync.md "Mutable records"):
// a field the server changed since the phone's base version and the phone changed to another value
// keeps the server value; the phone's value goes to sync_conflicts for the village admin, and the
// answer is `conflict` / `field_conflict` listing the fields. The other fields are applied in the
// same transaction. Each editable entity describes itself with an EditableEntity.
import { newId } from './ids';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import { mergeFields } from '../../shared/sync/field-merge';
import { normalizePhone } from '../../shared/validation/phone';
import { canWriteVillage } from '../access/scope';
import { forbiddenItem, rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';
import type { Dialect } from '../db/connect';
import { insertSyncConflicts } from '../repositories/household-writes';
import { listFieldVersions, setFieldVersions } from '../repositories/field-versions';

type Trx = ApplyContext['trx'];

export interface EditableRecord<F> { id: string; villageId: string; version: number; fields: F }

export interface EditableEntity<F extends object> {
  entity: 'household' | 'person';
  /** Chinese field names for the conflict message. */
  labels: Record<string, string>;
  outOfScopeMessage: string;
  baseAheadMessage: string;
  find(trx: Trx, dialect: Dialect, id: string): Promise<EditableRecord<F> | null>;
  updateFields(trx: Trx, id: string, fields: Partial<F>, version: number, now: string): Promise<void>;
}

export interface FieldEdit<F> { id: string; baseVersion: number; fields: Partial<F> }

export async function applyFieldEdit<F extends object>(
  ctx: ApplyContext, spec: EditableEntity<F>, edit: FieldEdit<F>,
): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  const record = await spec.find(trx, dialect, edit.id);
  if (!record || !canWriteVillage(user, record.villageId)) throw forbiddenItem('out_of_scope', spec.outOfScopeMessage);
  if (edit.baseVersion > record.version) throw rejected('base_version_ahead', spec.baseAheadMessage);

  const versions = await listFieldVersions(trx, spec.entity, record.id);
  const result = mergeFields<F>({
    base: {}, // the phone sends the base version, not the base values; the field versions decide
    server: record.fields,
    client: edit.fields,
    changedByClient: Object.keys(edit.fields),
    serverChangedSince: [...versions].filter(([, v]) => v > edit.baseVersion).map(([f]) => f),
  });

  const now = ctx.now.toISOString();
  if (result.applied.length > 0) {
    const version = record.version + 1;
    const changed = Object.fromEntries(result.applied.map((f) => [f, result.merged[f as keyof F]])) as Partial<F>;
    await spec.updateFields(trx, record.id, changed, version, now);
    await setFieldVersions(trx, spec.entity, record.id, result.applied, version);
    ctx.logChange(scopeOfVillage(record.villageId), spec.entity, record.id);
  }
  if (result.conflicts.length === 0) return { outcome: { status: 'applied' }, entityId: record.id };

  await insertSyncConflicts(trx, result.conflicts.map((c) => ({
    id: newId(), villageId: record.villageId, entity: spec.entity, entityId: record.id, field: c.field,
    baseVersion: edit.baseVersion, serverValue: canonicalJson(c.serverValue ?? null),
    clientValue: canonicalJson(c.clientValue ?? null), mutationId: ctx.mutationId, userId: user.id, createdAt: now,
  })));
  const fields = result.conflicts.map((c) => c.field);
  return {
    outcome: {
      status: 'conflict', code: 'field_conflict', fields,
      message: `以下信息已被他人修改，保留了服务器上的值，待村管理员处理：${fields.map((f) => spec.labels[f] ?? f).join('、')}`,
    },
    entityId: record.id,
  };
}

/** An optional phone in its one stored form; empty means "no phone". */
export function normalizeOptionalPhone(raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null;
  const phone = normalizePhone(raw);
  if (!phone.ok) throw rejected('invalid_field', `电话：${phone.message}`);
  return phone.value;
}
