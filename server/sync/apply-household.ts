// household.update: a field-level merge of an offline edit against the server's current row
// (sync.md "Mutable records"). A field the server changed since the phone's base version and the
// phone changed to another value keeps the server value; the phone's value goes to sync_conflicts
// for the village admin, and the answer is `conflict` / `field_conflict` listing the fields.
// The other fields are applied in the same transaction.
import { newId } from './ids';
import type { HouseholdUpdatePayload } from '../../shared/protocol/sync';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import { mergeFields } from '../../shared/sync/field-merge';
import { normalizeName } from '../../shared/validation/name';
import { normalizePhone } from '../../shared/validation/phone';
import { canWriteVillage } from '../access/scope';
import { forbiddenItem, rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';
import * as repo from './repo/households';

const FIELD_LABELS: Record<string, string> = {
  headName: '户主姓名', phone: '电话', groupNo: '组号', status: '户状态', consentPublic: '公开同意',
};

export async function applyHouseholdUpdate(ctx: ApplyContext, p: HouseholdUpdatePayload): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  const household = await repo.findHouseholdRecord(trx, dialect, p.householdId);
  if (!household || !canWriteVillage(user, household.villageId)) throw forbiddenItem('out_of_scope', '该户不存在或不在您负责的村');
  if (p.baseVersion > household.version) throw rejected('base_version_ahead', '本机的户信息版本比服务器新，请重新同步');

  const client = normalizeFields(p.fields);
  const versions = await repo.listFieldVersions(trx, household.id);
  const result = mergeFields<repo.HouseholdFields>({
    base: {}, // the phone sends the base version, not the base values; the field versions decide
    server: household.fields,
    client,
    changedByClient: Object.keys(client),
    serverChangedSince: [...versions].filter(([, v]) => v > p.baseVersion).map(([f]) => f),
  });

  const now = ctx.now.toISOString();
  if (result.applied.length > 0) {
    const version = household.version + 1;
    const changed = Object.fromEntries(result.applied.map((f) => [f, result.merged[f as repo.HouseholdField]]));
    await repo.updateHouseholdFields(trx, household.id, changed, version, now);
    await repo.setFieldVersions(trx, household.id, result.applied, version);
    ctx.logChange(scopeOfVillage(household.villageId), 'household', household.id);
  }
  if (result.conflicts.length === 0) return { outcome: { status: 'applied' }, entityId: household.id };

  await repo.insertSyncConflicts(trx, result.conflicts.map((c) => ({
    id: newId(), villageId: household.villageId, entity: 'household', entityId: household.id, field: c.field,
    baseVersion: p.baseVersion, serverValue: canonicalJson(c.serverValue ?? null),
    clientValue: canonicalJson(c.clientValue ?? null), mutationId: ctx.mutationId, userId: user.id, createdAt: now,
  })));
  const fields = result.conflicts.map((c) => c.field);
  return {
    outcome: {
      status: 'conflict', code: 'field_conflict', fields,
      message: `以下信息已被他人修改，保留了服务器上的值，待村管理员处理：${fields.map((f) => FIELD_LABELS[f] ?? f).join('、')}`,
    },
    entityId: household.id,
  };
}

/** Names and phones in their one stored form, so equal values compare equal in the merge. */
function normalizeFields(fields: HouseholdUpdatePayload['fields']): Partial<repo.HouseholdFields> {
  const out: Partial<repo.HouseholdFields> = {};
  if (fields.headName !== undefined) {
    const name = normalizeName(fields.headName);
    if (!name.ok) throw rejected('invalid_field', `户主姓名：${name.message}`);
    out.headName = name.value;
  }
  if (fields.phone !== undefined) {
    if (fields.phone === null || fields.phone.trim() === '') {
      out.phone = null;
    } else {
      const phone = normalizePhone(fields.phone);
      if (!phone.ok) throw rejected('invalid_field', `电话：${phone.message}`);
      out.phone = phone.value;
    }
  }
  if (fields.groupNo !== undefined) out.groupNo = fields.groupNo;
  if (fields.status !== undefined) out.status = fields.status;
  if (fields.consentPublic !== undefined) out.consentPublic = fields.consentPublic;
  return out;
}
