// entry.create, entry.withdraw and entry.resubmit. Rules are checked before anything is written; a refusal
// throws a RuleFailure (the push stores it as the mutation's answer and rolls the step back).
import { newId } from './ids';
import type { EntryCreatePayload, EntryResubmitPayload, EntryWithdrawPayload } from '../../shared/protocol/sync';
import type { EntryState } from '../../shared/domain/entry-state';
import { findTransition, transition } from '../../shared/domain/entry-transitions';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import {
  CAP_COUNTED_STATES, ENTRY_POINTS_MESSAGES, checkCap, checkRecorderDayCap, periodBounds, validateEntryPoints,
} from '../../shared/domain/points';
import { isCapPeriod } from '../../shared/domain/period';
import { versionInForce } from '../../shared/domain/catalog-check';
import { EVIDENCE_MESSAGES, checkEvidence, evidenceNeeded } from '../../shared/domain/evidence';
import { canWriteVillage } from '../access/scope';
import { evidenceOf } from '../repositories/evidence';
import { conflictItem, forbiddenItem, rejected } from './outcome';
import { sha256, type Applied, type ApplyContext } from './apply-context';
import { isFutureDate, isRealDate } from './time';
import { normalizeNote } from '../../shared/validation/note';
import type * as repo from '../repositories/entry-ingest';

/** Entry states that still count (a live entry); 'queued' exists only on phones. */
const LIVE_STATES = CAP_COUNTED_STATES.filter((s) => s !== 'queued');

const OUT_OF_SCOPE = '该户不存在或不在您负责的村';

/**
 * The entry's own content hash, sha256 of canonicalJson(payload): a second push of the same entry
 * id must carry the same content. `mutationContent`, when given, is canonicalJson({kind, payload})
 * of the same mutation, whose payload part is that text already (keys sort "kind" < "payload").
 */
export function entryContentHash(p: EntryCreatePayload, mutationContent?: string): string {
  const prefix = '{"kind":"entry.create","payload":';
  if (mutationContent?.startsWith(prefix) && mutationContent.endsWith('}')) return sha256(mutationContent.slice(prefix.length, -1));
  return sha256(canonicalJson(p));
}

export async function applyEntryCreate(ctx: ApplyContext, p: EntryCreatePayload, meta: { deviceSeq: number; at: string }): Promise<Applied> {
  const { user, cache } = ctx;
  const contentHash = ctx.entryHash ?? entryContentHash(p);

  // Already there (pushed before under another mutation id, e.g. re-queued after a reinstall):
  // checked first, because the rules below would now count the entry against itself.
  const existing = await cache.entry(p.entryId);
  if (existing) return sameEntryOrConflict(ctx, existing, contentHash);

  const household = await cache.household(p.householdId);
  if (!household || !canWriteVillage(user, household.villageId)) throw forbiddenItem('out_of_scope', OUT_OF_SCOPE);
  const note = await checkEntryContent(ctx, household, p);
  // Photos where the indicator asks for them and for every deduction (guardrail 2). A photo may
  // still be uploading: the reference is accepted, reviewers see it as not yet received.
  const indicator = await cache.indicator(p.catalogVersionId, p.indicatorCode);
  const evidence = p.evidence ?? [];
  const evidenceCode = indicator ? checkEvidence(evidenceNeeded(indicator, p.reverses), evidence) : null;
  if (evidenceCode) throw rejected(evidenceCode, EVIDENCE_MESSAGES[evidenceCode]);

  const now = ctx.nowIso;
  // Field by field, not `{ ...p, … }`: spreading the parsed payload costs microseconds per entry.
  const inserted = await ctx.writes.insertEntry({
    id: p.entryId, villageId: household.villageId, householdId: p.householdId, personId: p.personId,
    catalogVersionId: p.catalogVersionId, indicatorCode: p.indicatorCode, occurredOn: p.occurredOn, points: p.points,
    note, recorderId: user.id, deviceId: ctx.deviceId, deviceSeq: meta.deviceSeq, reverses: p.reverses,
    contentHash, clientCreatedAt: meta.at, now,
  });
  if (!inserted) {
    // Inserted concurrently under another mutation id since our check (PostgreSQL waited for it).
    const raced = await cache.reloadEntry(p.entryId);
    if (!raced) throw new Error(`entry ${p.entryId} neither inserted nor found`);
    return sameEntryOrConflict(ctx, raced, contentHash);
  }
  await ctx.writes.insertEntryEvent({
    id: newId(), entryId: p.entryId, villageId: household.villageId, from: null, to: 'submitted',
    actorId: user.id, reason: '', at: now,
  });
  if (evidence.length > 0) {
    await ctx.writes.insertEntryEvidence(evidence.map((e, position) => ({
      ownerId: p.entryId, hash: e.hash, position, size: e.size, mime: e.type, takenAt: e.takenAt, gps: e.gps ?? null,
    })));
  }
  // The phone built this row itself; it need not come back in this request's answer (unless the
  // server normalised its note, e.g. stripped a zero-width space an older app let through).
  ctx.logChange(scopeOfVillage(household.villageId), 'entry', p.entryId, note === p.note);
  ctx.afterItem(() => cache.rememberEntry({
    id: p.entryId, villageId: household.villageId, householdId: p.householdId, recorderId: user.id,
    state: 'submitted', points: p.points, contentHash,
  }));
  return { outcome: { status: 'applied' }, entityId: p.entryId };
}

type EntryContent = Pick<EntryCreatePayload, 'householdId' | 'personId' | 'catalogVersionId' | 'indicatorCode' | 'occurredOn' | 'points' | 'note' | 'reverses'>;

/**
 * The rules on an entry's content, the same for a new entry and a corrected one (entry.resubmit);
 * returns its note as stored (normalised).
 */
async function checkEntryContent(ctx: ApplyContext, household: repo.HouseholdForWrite, p: EntryContent): Promise<string> {
  const { user, cache } = ctx;
  if (!isRealDate(p.occurredOn)) throw rejected('invalid_date', '日期无效');
  // Guardrail 6 and security.md "Input": the phone runs the same check; an older app may not have.
  const note = normalizeNote(p.note);
  if (!note.ok) throw rejected(note.code, note.message);
  if (isFutureDate(p.occurredOn, ctx.now.getTime())) throw rejected('future_time', '发生日期不能晚于今天');

  const catalog = await cache.catalogVersion(p.catalogVersionId);
  if (!catalog || catalog.townshipId !== household.townshipId || catalog.status === 'draft') {
    throw rejected('catalog_unknown', '指标目录版本无效，请同步后重试');
  }
  const indicator = await cache.indicator(p.catalogVersionId, p.indicatorCode);
  if (!indicator) throw rejected('indicator_unknown', '该指标不存在于此目录版本');
  if (user.role !== 'admin' && !indicator.recorderRoles.includes(user.role)) {
    throw forbiddenItem('role_may_not_record', '您的角色不能记录该指标');
  }

  if (p.personId !== null) {
    if ((await cache.personHousehold(p.personId)) !== p.householdId) throw rejected('person_unknown', '该村民不属于此户');
  } else if (indicator.subject === 'person') {
    throw rejected('person_required', '该指标需要选择村民');
  }

  const rules = await cache.entryRules(household.townshipId);
  if (p.reverses !== null) {
    await checkReversal(ctx, p);
  } else {
    // The version in force on the day it happened (an entry dated before a newer version's start
    // uses the older one); the phone picks it with the same shared function.
    const inForce = versionInForce(rules.versions, p.occurredOn);
    if (!inForce) throw rejected('catalog_not_in_force', `${p.occurredOn} 没有生效的指标目录`);
    if (inForce.id !== p.catalogVersionId) {
      throw rejected('catalog_version_mismatch', `${p.occurredOn} 适用第 ${inForce.version} 版指标目录，请同步后按该版本重新记录`);
    }
    const pointsCode = validateEntryPoints(indicator, p.points);
    if (pointsCode) throw rejected(pointsCode, ENTRY_POINTS_MESSAGES[pointsCode]);
    await checkCapRule(ctx, p, indicator);
  }
  // The township's per-recorder-per-day cap (reversals too: they are entries the recorder makes).
  if (rules.recorderDayCap !== null) {
    const used = await ctx.writes.countRecorderDay(user.id, p.occurredOn, LIVE_STATES);
    const dayCode = checkRecorderDayCap(rules.recorderDayCap, used);
    if (dayCode) throw rejected(dayCode, ENTRY_POINTS_MESSAGES[dayCode]);
  }
  return note.value;
}

function sameEntryOrConflict(ctx: ApplyContext, existing: repo.EntryBrief, contentHash: string): Applied {
  if (existing.contentHash === contentHash && existing.recorderId === ctx.user.id) {
    return { outcome: { status: 'duplicate', code: 'entry_exists' }, entityId: existing.id };
  }
  throw conflictItem('entry_id_reused', '记录编号已被其他内容使用');
}

/**
 * A correcting entry takes back an earlier entry of the same household exactly (points negated);
 * the indicator's sign and range do not apply to it. One live correction per entry.
 */
async function checkReversal(ctx: ApplyContext, p: EntryContent): Promise<void> {
  const target = await ctx.cache.entry(p.reverses!);
  if (!target || target.householdId !== p.householdId) throw rejected('reverses_unknown', '要更正的记录不存在或不属于此户');
  // Only an effective entry is reversed (effective → reversed in the transition table); before
  // that, it is withdrawn, rejected or objected to instead.
  if (!findTransition(target.state as EntryState, 'reverse')) throw rejected('not_reversible', '只有已生效的记录可以冲正；未生效的记录请撤回或在公示期内提出异议');
  if (p.points !== -target.points) throw rejected('reverse_points', '更正记录的分值必须与原记录相反');
  if (await ctx.writes.hasLiveReversal(target.id, LIVE_STATES)) throw rejected('already_reversed', '该记录已有更正记录');
}

async function checkCapRule(ctx: ApplyContext, p: EntryContent, indicator: repo.IndicatorRules): Promise<void> {
  if (indicator.capCount === null || !isCapPeriod(indicator.capPeriod)) return;
  const { from, to } = periodBounds(indicator.capPeriod, p.occurredOn);
  // The cap counts per subject: the person for person indicators, else the household.
  const subject = indicator.subject === 'person' && p.personId !== null
    ? { column: 'person_id' as const, id: p.personId }
    : { column: 'household_id' as const, id: p.householdId };
  const used = await ctx.writes.countCapSlots(subject, indicator.code, LIVE_STATES, from, to);
  const code = checkCap(indicator, used);
  if (code) throw rejected(code, ENTRY_POINTS_MESSAGES[code]);
}

export async function applyEntryWithdraw(ctx: ApplyContext, p: EntryWithdrawPayload): Promise<Applied> {
  const { user, cache } = ctx;
  const entry = await cache.entry(p.entryId);
  if (!entry) throw rejected('entry_unknown', '记录不存在');
  if (!canWriteVillage(user, entry.villageId)) throw forbiddenItem('out_of_scope', '该记录不在您负责的村');
  if (entry.recorderId !== user.id) throw forbiddenItem('not_recorder', '只有记录人可以撤回');
  // Withdrawn already (another withdraw of the same entry): the intent holds, acknowledge it.
  if (entry.state === 'withdrawn') return { outcome: { status: 'duplicate', code: 'already_withdrawn' }, entityId: entry.id };
  // The shared table: a submitted or returned entry can be withdrawn by its recorder. The code stays
  // not_withdrawable (phones know it); the message is the table's.
  const step = transition(entry.state as EntryState, 'withdraw', 'recorder');
  if (!step.ok) throw rejected('not_withdrawable', step.message);

  const now = ctx.nowIso;
  if (!(await ctx.writes.setEntryState(entry.id, entry.state, step.to, now, p.reason))) {
    throw new Error(`entry ${entry.id} changed state under a lock`);
  }
  await ctx.writes.insertEntryEvent({
    id: newId(), entryId: entry.id, villageId: entry.villageId, from: entry.state, to: step.to,
    actorId: user.id, reason: p.reason, at: now,
  });
  ctx.logChange(scopeOfVillage(entry.villageId), 'entry', entry.id);
  ctx.afterItem(() => cache.rememberEntry({ ...entry, state: step.to }));
  return { outcome: { status: 'applied' }, entityId: entry.id };
}

/**
 * entry.resubmit: the recorder corrects a returned entry. The entry keeps its id; its earlier
 * content goes to entry_revisions (with the return reason), the corrected content replaces it,
 * its revision goes up by one and it is submitted for review again. `revision` must be the one
 * that was returned: a second correction made from an older copy is a conflict.
 */
export async function applyEntryResubmit(ctx: ApplyContext, p: EntryResubmitPayload): Promise<Applied> {
  const { user, cache } = ctx;
  const entry = await cache.entry(p.entryId);
  if (!entry) throw rejected('entry_unknown', '记录不存在');
  if (!canWriteVillage(user, entry.villageId)) throw forbiddenItem('out_of_scope', '该记录不在您负责的村');
  if (entry.recorderId !== user.id) throw forbiddenItem('not_recorder', '只有记录人可以修改后重新提交');
  const step = transition(entry.state as EntryState, 'resubmit', 'recorder');
  if (!step.ok) throw rejected(step.code, step.message);
  const current = await ctx.writes.entryRevision(entry.id);
  if (current !== p.revision) throw conflictItem('stale_revision', '这条记录已被修改过，请同步后再改');
  const household = await cache.household(entry.householdId);
  if (!household) throw forbiddenItem('out_of_scope', OUT_OF_SCOPE);
  const note = await checkEntryContent(ctx, household, { ...p, householdId: entry.householdId, reverses: null });
  // Photos the correction adds (issue 13: the correction screen has the entry form's photo
  // picker); the entry's own photos stay. Together they follow the entry's photo rules.
  const had = (await evidenceOf(ctx.trx, 'entry', [entry.id])).get(entry.id) ?? [];
  const added = (p.evidence ?? []).filter((e) => !had.some((h) => h.hash === e.hash));
  const indicator = await cache.indicator(p.catalogVersionId, p.indicatorCode);
  const all = [...had.map((h) => ({ hash: h.hash, size: h.size, type: h.mime, takenAt: h.takenAt })), ...added];
  const evidenceCode = indicator ? checkEvidence(evidenceNeeded(indicator, null), all) : null;
  if (evidenceCode) throw rejected(evidenceCode, EVIDENCE_MESSAGES[evidenceCode]);

  const now = ctx.nowIso;
  await ctx.writes.reviseEntry({
    id: entry.id, revision: p.revision, personId: p.personId, catalogVersionId: p.catalogVersionId,
    indicatorCode: p.indicatorCode, occurredOn: p.occurredOn, points: p.points, note, now, revisionId: newId(), mutationId: ctx.mutationId,
  });
  await ctx.writes.insertEntryEvent({
    id: newId(), entryId: entry.id, villageId: entry.villageId, from: entry.state, to: step.to,
    actorId: user.id, reason: `修改后重新提交（第 ${p.revision + 1} 版）`, at: now,
  });
  if (added.length > 0) {
    await ctx.writes.insertEntryEvidence(added.map((e, i) => ({
      ownerId: entry.id, hash: e.hash, position: had.length + i, size: e.size, mime: e.type, takenAt: e.takenAt, gps: e.gps ?? null,
    })));
  }
  ctx.logChange(scopeOfVillage(entry.villageId), 'entry', entry.id);
  ctx.afterItem(() => cache.rememberEntry({ ...entry, state: step.to, points: p.points }));
  return { outcome: { status: 'applied' }, entityId: entry.id };
}
