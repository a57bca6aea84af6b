// person.update: the phone's edit of a household member, merged field by field like a household
// (apply-field-edit.ts); conflicts are kept with entity 'person'.
import type { PersonUpdatePayload } from '../../shared/protocol/sync';
import { normalizeName } from '../../shared/validation/name';
import { rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';
import { applyFieldEdit, normalizeOptionalPhone, type EditableEntity } from './apply-field-edit';
import * as repo from '../repositories/persons';
import { applyPersonIdNumber } from './apply-roster';

const PERSON: EditableEntity<repo.PersonFields> = {
  entity: 'person',
  labels: { name: '姓名', relation: '与户主关系', birthYear: '出生年份', phone: '电话' },
  outOfScopeMessage: '该村民不存在或不在您负责的村',
  baseAheadMessage: '本机的村民信息版本比服务器新，请重新同步',
  find: repo.findPersonRecord,
  updateFields: repo.updatePersonFields,
};

export async function applyPersonUpdate(ctx: ApplyContext, p: PersonUpdatePayload): Promise<Applied> {
  const applied = await applyFieldEdit(ctx, PERSON, { id: p.personId, baseVersion: p.baseVersion, fields: normalizeFields(p.fields) });
  if (p.fields.idSealed !== undefined) await applyPersonIdNumber(ctx, p.personId, p.fields.idSealed, ctx.preparedId);
  return applied;
}

/** Names, relations and phones in their one stored form, so equal values compare equal in the merge. */
function normalizeFields(fields: PersonUpdatePayload['fields']): Partial<repo.PersonFields> {
  const out: Partial<repo.PersonFields> = {};
  if (fields.name !== undefined) {
    const name = normalizeName(fields.name);
    if (!name.ok) throw rejected('invalid_field', `姓名：${name.message}`);
    out.name = name.value;
  }
  if (fields.relation !== undefined) {
    // A short label ('户主', '配偶', …): the name rules keep invisible and direction characters out.
    const relation = normalizeName(fields.relation);
    if (!relation.ok || relation.value.length > 20) throw rejected('invalid_field', '与户主关系：请输入有效的关系（不超过20个字）');
    out.relation = relation.value;
  }
  if (fields.birthYear !== undefined) out.birthYear = fields.birthYear;
  if (fields.phone !== undefined) out.phone = normalizeOptionalPhone(fields.phone);
  return out;
}
