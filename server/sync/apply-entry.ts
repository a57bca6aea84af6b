// entry.create and entry.withdraw. Rules are checked before anything is written; a refusal
// throws a RuleFailure (the push stores it as the mutation's answer and rolls the step back).
import { newId } from './ids';
import type { EntryCreatePayload, EntryWithdrawPayload } from '../../shared/protocol/sync';
import { scopeOfVillage } from '../../shared/protocol/sync';
import { canonicalJson } from '../../shared/sync/result-rules';
import {
  CAP_COUNTED_STATES, ENTRY_POINTS_MESSAGES, checkCap, periodBounds, validateEntryPoints,
} from '../../shared/domain/points';
import { isCapPeriod } from '../../shared/domain/period';
import { EVIDENCE_MESSAGES, checkEvidence, evidenceNeeded } from '../../shared/domain/evidence';
import { canWriteVillage } from '../access/scope';
import { conflictItem, forbiddenItem, rejected } from './outcome';
import { sha256, type Applied, type ApplyContext } from './apply-context';
import { isFutureDate, isRealDate } from './time';
import type * as repo from './repo/entries';

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

  if (!isRealDate(p.occurredOn)) throw rejected('invalid_date', '日期无效');
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

  if (p.reverses !== null) {
    await checkReversal(ctx, p);
  } else {
    const pointsCode = validateEntryPoints(indicator, p.points);
    if (pointsCode) throw rejected(pointsCode, ENTRY_POINTS_MESSAGES[pointsCode]);
    await checkCapRule(ctx, p, indicator);
  }
  // Photos where the indicator asks for them and for every deduction (guardrail 2). A photo may
  // still be uploading: the reference is accepted, reviewers see it as not yet received.
  const evidence = p.evidence ?? [];
  const evidenceCode = checkEvidence(evidenceNeeded(indicator, p.reverses), evidence);
  if (evidenceCode) throw rejected(evidenceCode, EVIDENCE_MESSAGES[evidenceCode]);

  const now = ctx.nowIso;
  // Field by field, not `{ ...p, … }`: spreading the parsed payload costs microseconds per entry.
  const inserted = await ctx.writes.insertEntry({
    id: p.entryId, villageId: household.villageId, householdId: p.householdId, personId: p.personId,
    catalogVersionId: p.catalogVersionId, indicatorCode: p.indicatorCode, occurredOn: p.occurredOn, points: p.points,
    note: p.note, recorderId: user.id, deviceId: ctx.deviceId, deviceSeq: meta.deviceSeq, reverses: p.reverses,
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
      entryId: p.entryId, hash: e.hash, position, size: e.size, mime: e.type, takenAt: e.takenAt, gps: e.gps ?? null,
    })));
  }
  // The phone built this row itself; it need not come back in this request's answer.
  ctx.logChange(scopeOfVillage(household.villageId), 'entry', p.entryId, true);
  ctx.afterItem(() => cache.rememberEntry({
    id: p.entryId, villageId: household.villageId, householdId: p.householdId, recorderId: user.id,
    state: 'submitted', points: p.points, contentHash,
  }));
  return { outcome: { status: 'applied' }, entityId: p.entryId };
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
async function checkReversal(ctx: ApplyContext, p: EntryCreatePayload): Promise<void> {
  const target = await ctx.cache.entry(p.reverses!);
  if (!target || target.householdId !== p.householdId) throw rejected('reverses_unknown', '要更正的记录不存在或不属于此户');
  if (p.points !== -target.points) throw rejected('reverse_points', '更正记录的分值必须与原记录相反');
  if (await ctx.writes.hasLiveReversal(target.id, LIVE_STATES)) throw rejected('already_reversed', '该记录已有更正记录');
}

async function checkCapRule(ctx: ApplyContext, p: EntryCreatePayload, indicator: repo.IndicatorRules): Promise<void> {
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
  if (entry.state !== 'submitted') throw rejected('not_withdrawable', '记录已进入审核，不能撤回');

  const now = ctx.nowIso;
  if (!(await ctx.writes.setEntryState(entry.id, 'submitted', 'withdrawn', now))) {
    throw new Error(`entry ${entry.id} changed state under a lock`);
  }
  await ctx.writes.insertEntryEvent({
    id: newId(), entryId: entry.id, villageId: entry.villageId, from: 'submitted', to: 'withdrawn',
    actorId: user.id, reason: p.reason, at: now,
  });
  ctx.logChange(scopeOfVillage(entry.villageId), 'entry', entry.id);
  ctx.afterItem(() => cache.rememberEntry({ ...entry, state: 'withdrawn' }));
  return { outcome: { status: 'applied' }, entityId: entry.id };
}
