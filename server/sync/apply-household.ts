// household.update: the phone's edit of a household, merged field by field (apply-field-edit.ts).
import type { HouseholdUpdatePayload } from '../../shared/protocol/sync';
import { normalizeName } from '../../shared/validation/name';
import { rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';
import { applyFieldEdit, normalizeOptionalPhone, type EditableEntity } from './apply-field-edit';
import * as repo from '../repositories/household-writes';

const HOUSEHOLD: EditableEntity<repo.HouseholdFields> = {
  entity: 'household',
  labels: { headName: '户主姓名', phone: '电话', groupNo: '组号', status: '户状态', consentPublic: '公开同意' },
  outOfScopeMessage: '该户不存在或不在您负责的村',
  baseAheadMessage: '本机的户信息版本比服务器新，请重新同步',
  find: repo.findHouseholdRecord,
  updateFields: repo.updateHouseholdFields,
};

export async function applyHouseholdUpdate(ctx: ApplyContext, p: HouseholdUpdatePayload): Promise<Applied> {
  return applyFieldEdit(ctx, HOUSEHOLD, { id: p.householdId, baseVersion: p.baseVersion, fields: normalizeFields(p.fields) });
}

/** Names and phones in their one stored form, so equal values compare equal in the merge. */
function normalizeFields(fields: HouseholdUpdatePayload['fields']): Partial<repo.HouseholdFields> {
  const out: Partial<repo.HouseholdFields> = {};
  if (fields.headName !== undefined) {
    const name = normalizeName(fields.headName);
    if (!name.ok) throw rejected('invalid_field', `户主姓名：${name.message}`);
    out.headName = name.value;
  }
  if (fields.phone !== undefined) out.phone = normalizeOptionalPhone(fields.phone);
  if (fields.groupNo !== undefined) out.groupNo = fields.groupNo;
  if (fields.status !== undefined) out.status = fields.status;
  if (fields.consentPublic !== undefined) out.consentPublic = fields.consentPublic;
  return out;
}
