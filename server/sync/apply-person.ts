// person.update: a field-level merge of an offline edit of a household member against the server's
// current row, exactly like household.update (apply-household.ts): a field the server changed since
// the phone's base version and the phone changed to another value keeps the server value; the
// phone's value goes to sync_conflicts (entity 'person') for the village admin, and the answer is
// `conflict` / `field_conflict` listing the fields. The other fields are applied in the same transaction.
import { newId } from './ids';
import type { PersonUpdatePayload } from '../../shared/protocol/sync';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import { mergeFields } from '../../shared/sync/field-merge';
import { normalizeName } from '../../shared/validation/name';
import { normalizePhone } from '../../shared/validation/phone';
import { canWriteVillage } from '../access/scope';
import { forbiddenItem, rejected } from './outcome';
import type { Applied, ApplyContext } from './apply-context';
import * as repo from './repo/persons';
import { insertSyncConflicts } from './repo/households';

const FIELD_LABELS: Record<string, string> = {
  name: '姓名', relation: '与户主关系', birthYear: '出生年份', phone: '电话',
};

export async function applyPersonUpdate(ctx: ApplyContext, p: PersonUpdatePayload): Promise<Applied> {
  const { trx, dialect, user } = ctx;
  const person = await repo.findPersonRecord(trx, dialect, p.personId);
  if (!person || !canWriteVillage(user, person.villageId)) throw forbiddenItem('out_of_scope', '该村民不存在或不在您负责的村');
  if (p.baseVersion > person.version) throw rejected('base_version_ahead', '本机的村民信息版本比服务器新，请重新同步');

  const client = normalizeFields(p.fields);
  const versions = await repo.listPersonFieldVersions(trx, person.id);
  const result = mergeFields<repo.PersonFields>({
    base: {}, // the phone sends the base version, not the base values; the field versions decide
    server: person.fields,
    client,
    changedByClient: Object.keys(client),
    serverChangedSince: [...versions].filter(([, v]) => v > p.baseVersion).map(([f]) => f),
  });

  const now = ctx.now.toISOString();
  if (result.applied.length > 0) {
    const version = person.version + 1;
    const changed = Object.fromEntries(result.applied.map((f) => [f, result.merged[f as repo.PersonField]]));
    await repo.updatePersonFields(trx, person.id, changed, version, now);
    await repo.setPersonFieldVersions(trx, person.id, result.applied, version);
    ctx.logChange(scopeOfVillage(person.villageId), 'person', person.id);
  }
  if (result.conflicts.length === 0) return { outcome: { status: 'applied' }, entityId: person.id };

  await insertSyncConflicts(trx, result.conflicts.map((c) => ({
    id: newId(), villageId: person.villageId, entity: 'person', entityId: person.id, field: c.field,
    baseVersion: p.baseVersion, serverValue: canonicalJson(c.serverValue ?? null),
    clientValue: canonicalJson(c.clientValue ?? null), mutationId: ctx.mutationId, userId: user.id, createdAt: now,
  })));
  const fields = result.conflicts.map((c) => c.field);
  return {
    outcome: {
      status: 'conflict', code: 'field_conflict', fields,
      message: `以下信息已被他人修改，保留了服务器上的值，待村管理员处理：${fields.map((f) => FIELD_LABELS[f] ?? f).join('、')}`,
    },
    entityId: person.id,
  };
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
  if (fields.phone !== undefined) {
    if (fields.phone === null || fields.phone.trim() === '') {
      out.phone = null;
    } else {
      const phone = normalizePhone(fields.phone);
      if (!phone.ok) throw rejected('invalid_field', `电话：${phone.message}`);
      out.phone = phone.value;
    }
  }
  return out;
}
