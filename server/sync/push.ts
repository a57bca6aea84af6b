// The push half of POST /api/sync: every mutation gets its own answer, and one bad item never
// fails the batch (sync.md "Failure modes").
//
// Per mutation, ONE write transaction:
//  1. claim the id: INSERT INTO sync_mutations … ON CONFLICT (id) DO NOTHING. Never SELECT first:
//     two concurrent pushes of one id would both see nothing and both apply.
//  2. not inserted → someone has it: same user and content hash → replay the stored answer
//     ('applied' is replayed as 'duplicate'); anything else → conflict 'id_reused'.
//  3. inserted → apply inside a savepoint. A rule refusal (RuleFailure) rolls back the savepoint
//     only; the refusal is stored on the claimed row, so a replay gets the same answer.
import type { SessionUser } from '../context';
import type { Deps } from '../context';
import { writeTransaction, withSavepoint } from '../db/transaction';
import type { Mutation, MutationResult } from '../../shared/protocol/sync';
import { mutationSchema } from '../../shared/protocol/sync';
import { classifyInsert, dedupeBatch, isFutureTimestamp, mutationContent } from '../../shared/sync/result-rules';
import { RuleFailure, toResult, type Outcome } from './outcome';
import { sha256, type Applied, type ApplyContext } from './apply-context';
import { applyEntryCreate, applyEntryWithdraw } from './apply-entry';
import { applyHouseholdUpdate } from './apply-household';
import { claimMutation, findMutation, saveOutcome } from './repo/mutations';

type PushDeps = Pick<Deps, 'db' | 'dialect' | 'now'>;

export async function pushMutations(
  deps: PushDeps,
  user: SessionUser,
  deviceId: string,
  raw: readonly unknown[],
): Promise<MutationResult[]> {
  const answers: (MutationResult | null)[] = raw.map(() => null);
  const valid: { index: number; m: Mutation }[] = [];
  raw.forEach((item, index) => {
    const parsed = mutationSchema.safeParse(item);
    if (parsed.success) valid.push({ index, m: parsed.data });
    else answers[index] = toResult(rawId(item), { status: 'rejected', code: 'invalid_mutation', message: describeIssue(parsed.error.issues[0]) });
  });

  // The same id twice in one batch: only the first is processed (exactly one row).
  const { unique, repeats } = dedupeBatch(valid.map((v) => ({ ...v, id: v.m.id })), (v) => mutationContent(v.m));
  // A device's mutations are applied in its own order (a withdraw after the create it refers
  // to), whatever order the batch lists them in; the sort is stable for equal deviceSeq.
  const ordered = [...unique].sort((a, b) => a.m.deviceSeq - b.m.deviceSeq);
  for (const { index, m } of ordered) {
    try {
      answers[index] = toResult(m.id, await pushOne(deps, user, deviceId, m));
    } catch (err) {
      // Not a rule: a bug or the database failing. Nothing of this item was committed. It and
      // every later item get no answer, so the phone keeps them and sends them again (safe: ids
      // deduplicate). Stopping keeps the device's order: a withdraw must not be refused for good
      // because the create before it failed for a passing reason.
      console.error(`[sync] mutation ${m.id} (${m.kind}) failed; the rest of the batch is left for a retry`, err);
      break;
    }
  }
  // Repeats answer like a replay of their first occurrence (positions are indexes into `valid`).
  for (const r of repeats) {
    const first = answers[valid[r.firstIndex].index];
    answers[valid[r.index].index] = r.status === 'conflict'
      ? toResult(r.id, { status: 'conflict', code: 'id_reused', message: '同一编号在本批中出现了不同内容' })
      : first ? toResult(r.id, replay(first)) : null;
  }
  return answers.filter((a): a is MutationResult => a !== null);
}

async function pushOne(deps: PushDeps, user: SessionUser, deviceId: string, m: Mutation): Promise<Outcome> {
  const contentHash = sha256(mutationContent(m));
  const now = deps.now();
  return writeTransaction(deps, async (trx) => {
    const inserted = await claimMutation(trx, {
      id: m.id, userId: user.id, deviceId, deviceSeq: m.deviceSeq, kind: m.kind, contentHash, receivedAt: now.toISOString(),
    });
    if (!inserted) {
      const stored = await findMutation(trx, m.id);
      const sameOwner = stored !== null && stored.userId === user.id;
      const verdict = classifyInsert({ inserted, storedHash: sameOwner ? stored.contentHash : null, incomingHash: contentHash });
      if (verdict !== 'duplicate' || !stored) return { status: 'conflict', code: 'id_reused', message: '该编号已被其他内容使用' };
      return replay(stored.outcome);
    }
    let applied: Applied;
    try {
      applied = await withSavepoint(trx, 'sync_apply', () => apply({ trx, dialect: deps.dialect, user, deviceId, now, mutationId: m.id }, m));
    } catch (err) {
      if (!(err instanceof RuleFailure)) throw err;
      applied = { outcome: err.outcome, entityId: entityOf(m) };
    }
    await saveOutcome(trx, m.id, applied.outcome, applied.entityId);
    return applied.outcome;
  });
}

/** A replay acknowledges what was applied and repeats any refusal word for word. */
function replay(o: Outcome): Outcome {
  return o.status === 'applied' ? { status: 'duplicate' } : o;
}

function apply(ctx: ApplyContext, m: Mutation): Promise<Applied> {
  // Device clocks are advisory, but a time far ahead means a wrong clock (or a forged item).
  if (isFutureTimestamp(m.at, ctx.now.getTime())) {
    throw new RuleFailure({ status: 'rejected', code: 'future_time', message: '设备时间晚于服务器时间，请校准手机时间' });
  }
  switch (m.kind) {
    case 'entry.create': return applyEntryCreate(ctx, m.payload, m);
    case 'entry.withdraw': return applyEntryWithdraw(ctx, m.payload);
    case 'household.update': return applyHouseholdUpdate(ctx, m.payload);
  }
}

function entityOf(m: Mutation): string {
  return m.kind === 'household.update' ? m.payload.householdId : m.payload.entryId;
}

function rawId(item: unknown): string {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return '无效的同步项';
  return `无效的同步项：${issue.path.map(String).join('.') || '(根)'} ${issue.message}`;
}
