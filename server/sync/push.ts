// The push half of POST /api/sync: every mutation gets its own answer, and one bad item never
// fails the batch (sync.md "Failure modes").
//
// ONE write transaction per batch (one commit: one fsync on SQLite instead of one per item).
// Per mutation, in device order:
//  1. claim the id: INSERT INTO sync_mutations … ON CONFLICT (id) DO NOTHING. Never SELECT first:
//     two concurrent pushes of one id would both see nothing and both apply.
//  2. not inserted → someone has it: same user and content hash → replay the stored answer
//     ('applied' is replayed as 'duplicate'); anything else → conflict 'id_reused'.
//  3. inserted → apply. A rule refusal (RuleFailure), or a database constraint the rules did not
//     foresee, undoes that item's writes only; the refusal is stored on the claimed row, so a
//     replay gets the same answer.
//  4. any other error ends the batch at that item: the items before it are committed and
//     answered; it (its claim included) and the rest are undone and get no answer, so the phone
//     sends them again. A PostgreSQL deadlock or serialization failure instead aborts the
//     transaction and writeTransaction runs the whole batch again; the answers are built inside
//     the transaction function, from the run that committed only.
//  5. after the last item: the change log, once per scope and entity (row locks before scope
//     counters, as server/db/changes.ts asks); then commit. No answer leaves before the commit.
//     The change numbers of rows the phone built itself (entries it created) are returned as
//     `ownRows`, so that this request's pull can leave them out (pull.ts).
//
// Two ways to run those steps, with the same rules (apply-*.ts) and the same answers:
// - buffered (first): claims in one multi-row INSERT, every read from the batch's preloaded view
//   (batch-cache.ts, entry-writes.ts), entry writes collected per item and written set-wise after
//   the last item. This is what makes a 200-entry batch cost about as much as a plain batched
//   insert. It runs inside a savepoint; whatever it cannot decide exactly (RetryItemByItem: a
//   database error while writing the collected rows, an entry inserted meanwhile by another
//   transaction, …) rolls it back, and the batch runs
// - item by item: a SAVEPOINT per item (sync_item) around its claim, apply and answer, and a nested
//   one (sync_apply) around the apply, so a refusal or constraint undoes exactly that item and an
//   unexpected error pins exactly the item that caused it.
// household.update, person.update, credit.create and credit.withdraw items write directly in both
// ways, each in its own savepoints.
//
// Where the transaction runs: validation and hashing happen here, then the batch goes as a plain
// job (batch-job.ts) to deps.batchRunner — on SQLite the server's writer thread (writer/), which
// writes while this thread serves other requests — or, without one, to this thread's connection.
import { log } from '../ops/log';
import type { SessionUser } from '../context';
import type { Deps } from '../context';
import { writeTransaction, withSavepoint, type WriteTrx } from '../db/transaction';
import { recordChanges } from '../db/changes';
import type { Mutation, MutationResult, PulledEntity } from '../../shared/protocol/sync';
import { mutationSchema } from '../../shared/protocol/sync';
import { classifyInsert, dedupeBatch, isFutureTimestamp, mutationContent } from '../../shared/sync/result-rules';
import { RuleFailure, toResult, type Outcome } from './outcome';
import { sha256, type Applied, type ApplyContext } from './apply-context';
import { applyEntryCreate, applyEntryResubmit, applyEntryWithdraw, entryContentHash } from './apply-entry';
import type { BatchItem, BatchJob, BatchOutcome, BatchRunner, OwnRows } from './batch-job';
import { applyHouseholdUpdate } from './apply-household';
import { applyPersonUpdate } from './apply-person';
import { applyHouseholdCreate, applyPersonCreate, applyPersonMove, applyPersonRemove } from './apply-roster';
import { prepareIdNumber, sealedIdOf } from './sealed-id';
import { applyCreditCreate, applyCreditWithdraw } from './apply-credit';
import { applyShopHandover } from './apply-shop';
import { BatchCache } from './batch-cache';
import { BufferedWrites, DirectWrites, RetryItemByItem, type EntryWrites } from './entry-writes';
import { isDataRefusal, isRetryableError } from './db-errors';
import {
  claimMutation, claimMutations, deleteMutations, findMutation, findMutations, saveOutcome, saveOutcomes,
  type NewMutation, type StoredMutation,
} from './repo/mutations';

type PushDeps = Pick<Deps, 'db' | 'dialect' | 'now' | 'batchRunner' | 'pii'>;
export type { OwnRows } from './batch-job';

export interface PushResult {
  /** One answer per mutation the phone sent (or none for items left for a retry). */
  results: MutationResult[];
  ownRows: OwnRows;
}

export async function pushMutations(
  deps: PushDeps,
  user: SessionUser,
  deviceId: string,
  raw: readonly unknown[],
): Promise<PushResult> {
  const answers: (MutationResult | null)[] = raw.map(() => null);
  const valid: (BatchItem & { index: number; content: string })[] = [];
  raw.forEach((item, index) => {
    const parsed = mutationSchema.safeParse(item);
    if (parsed.success) valid.push({ index, ...hashed(parsed.data) });
    else answers[index] = toResult(rawId(item), { status: 'rejected', code: 'invalid_mutation', message: describeIssue(parsed.error.issues[0]) });
  });

  // The same id twice in one batch: only the first is processed (exactly one row).
  const { unique, repeats } = dedupeBatch(valid.map((v) => ({ ...v, id: v.m.id })), (v) => v.content);
  // A device's mutations are applied in its own order (a withdraw after the create it refers
  // to), whatever order the batch lists them in; the sort is stable for equal deviceSeq.
  const ordered = [...unique].sort((a, b) => a.m.deviceSeq - b.m.deviceSeq);
  let ownRows: OwnRows = new Map();
  if (ordered.length > 0) {
    let outcomes: (Outcome | undefined)[] = [];
    try {
      const now = deps.now();
      const items = ordered.map(({ m, contentHash, entryHash }) => {
        // An ID number is opened here, on the main thread, so only its stored form reaches the transaction.
        const sealed = sealedIdOf(m);
        return sealed === null ? { m, contentHash, entryHash } : { m, contentHash, entryHash, preparedId: prepareIdNumber(deps.pii, sealed, now) };
      });
      const job: BatchJob = { user, deviceId, items, nowMs: now.getTime() };
      ({ outcomes, ownRows } = await (deps.batchRunner ?? inThisThread(deps)).run(job));
    } catch (err) {
      // Nothing of the batch was committed (the commit failed, the database went away, or
      // PostgreSQL kept deadlocking): no item is answered, the phone sends them all again.
      log().error({ err, deviceId, items: ordered.length }, 'sync: batch not committed; left for a retry');
    }
    ordered.forEach(({ index, m }, k) => {
      const o = outcomes[k];
      if (o) answers[index] = toResult(m.id, o);
    });
  }
  // Repeats answer like a replay of their first occurrence (positions are indexes into `valid`).
  for (const r of repeats) {
    const first = answers[valid[r.firstIndex].index];
    answers[valid[r.index].index] = r.status === 'conflict'
      ? toResult(r.id, { status: 'conflict', code: 'id_reused', message: '同一编号在本批中出现了不同内容' })
      : first ? toResult(r.id, replay(first)) : null;
  }
  return { results: answers.filter((a): a is MutationResult => a !== null), ownRows };
}

/** A mutation's canonical content and hashes: pure work, done before the transaction. */
function hashed(m: Mutation): BatchItem & { content: string } {
  const content = mutationContent(m);
  return { m, content, contentHash: sha256(content), entryHash: m.kind === 'entry.create' ? entryContentHash(m.payload, content) : null };
}

/** Runs a batch job's write transaction on this thread's connection (PostgreSQL, tests). */
export function inThisThread(deps: Pick<Deps, 'db' | 'dialect'>): BatchRunner {
  return { run: (job) => runBatchJob(deps, job) };
}

/** The write transaction of one batch; the SQLite writer thread runs this too (writer/worker.ts). */
export function runBatchJob(deps: Pick<Deps, 'db' | 'dialect'>, job: BatchJob): Promise<BatchOutcome> {
  const now = new Date(job.nowMs);
  const jobDeps = { db: deps.db, dialect: deps.dialect, now: () => now };
  return writeTransaction(jobDeps, (trx) => applyBatch(trx, jobDeps, job.user, job.deviceId, job.items));
}

type BatchDeps = Pick<Deps, 'db' | 'dialect' | 'now'>;

/**
 * The body of the batch's write transaction; it may run more than once (PostgreSQL retries), so
 * everything it reports is built here, from this run only. One outcome per mutation, undefined
 * from the first item that hit an unexpected error on.
 */
async function applyBatch(trx: WriteTrx, deps: BatchDeps, user: SessionUser, deviceId: string, items: readonly BatchItem[]): Promise<BatchOutcome> {
  const batch = await openBatch(trx, deps, user, deviceId, items);
  try {
    return await withSavepoint(trx, 'sync_buffered', () => runBuffered(batch));
  } catch (err) {
    if (!(err instanceof RetryItemByItem)) throw err;
    log().warn({ deviceId, items: items.length, reason: err.message }, 'sync: batch running item by item');
  }
  return runItemByItem(await openBatch(trx, deps, user, deviceId, items));
}

interface Batch {
  trx: WriteTrx;
  deps: BatchDeps;
  user: SessionUser;
  deviceId: string;
  now: Date;
  nowIso: string;
  ms: readonly Mutation[];
  items: readonly BatchItem[];
  claims: (NewMutation & { entityId: string })[];
  cache: BatchCache;
}

async function openBatch(trx: WriteTrx, deps: BatchDeps, user: SessionUser, deviceId: string, items: readonly BatchItem[]): Promise<Batch> {
  // One server time for the batch: it arrived, and commits, as one.
  const now = deps.now();
  const ms = items.map((i) => i.m);
  const receivedAt = now.toISOString();
  const claims = items.map(({ m, contentHash }) => ({
    id: m.id, userId: user.id, deviceId, deviceSeq: m.deviceSeq, kind: m.kind, contentHash,
    receivedAt, entityId: entityOf(m),
  }));
  const cache = new BatchCache(trx, deps.dialect);
  await cache.preload(ms);
  return { trx, deps, user, deviceId, now, nowIso: receivedAt, ms, items, claims, cache };
}

async function runBuffered(b: Batch): Promise<BatchOutcome> {
  const { trx, ms, claims } = b;
  const writes = new BufferedWrites(trx, b.deps.dialect);
  await writes.preload(ms, b.cache, b.user.id);
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(ms.length);
  const changes = new ChangeLog();
  const toSave: { id: string; outcome: Outcome; entityId: string | null }[] = [];
  const claimed = await claimMutations(trx, b.deps.dialect, claims);
  const stored = await findMutations(trx, claims.filter((c) => !claimed.has(c.id)).map((c) => c.id));
  let stop = ms.length;
  for (let k = 0; k < ms.length; k++) {
    const m = ms[k];
    const claim = claims[k];
    if (!claimed.has(m.id)) {
      outcomes[k] = answerForTaken(stored.get(m.id) ?? null, b.user, claim.contentHash);
      continue;
    }
    const effects = new ItemEffects();
    try {
      // Entry mutations only collect writes; a household or person edit writes now, in its own savepoints.
      const applied = writesDirectly(m)
        ? await withSavepoint(trx, 'sync_item', () => applyItem(b, writes, effects, k, true))
        : await applyItem(b, writes, effects, k, false);
      if (needsSaving(applied, claim.entityId)) toSave.push({ id: m.id, outcome: applied.outcome, entityId: applied.entityId });
      outcomes[k] = applied.outcome;
    } catch (err) {
      writes.discardItem();
      if (isRetryableError(err) || err instanceof RetryItemByItem) throw err;
      log().error({ err, mutationId: m.id, kind: m.kind }, 'sync: mutation failed; it and the rest of the batch are left for a retry');
      stop = k;
      break;
    }
    writes.keepItem();
    effects.keep(changes);
  }
  try {
    // Items not reached give back their claims: they were never applied.
    await deleteMutations(trx, claims.slice(stop).filter((c) => claimed.has(c.id)).map((c) => c.id));
    await writes.flush();
    await saveOutcomes(trx, toSave);
  } catch (err) {
    if (isRetryableError(err) || err instanceof RetryItemByItem) throw err;
    // A constraint or any other error while writing the collected rows: item by item pins the item.
    throw new RetryItemByItem(`writing the batch failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { outcomes, ownRows: await changes.write(trx) };
}

async function runItemByItem(b: Batch): Promise<BatchOutcome> {
  const { trx, ms, claims } = b;
  const writes = new DirectWrites(trx);
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(ms.length);
  const changes = new ChangeLog();
  for (let k = 0; k < ms.length; k++) {
    const m = ms[k];
    const claim = claims[k];
    const effects = new ItemEffects();
    try {
      outcomes[k] = await withSavepoint(trx, 'sync_item', async () => {
        if (!(await claimMutation(trx, claim))) return answerForTaken(await findMutation(trx, m.id), b.user, claim.contentHash);
        const applied = await applyItem(b, writes, effects, k, true);
        if (needsSaving(applied, claim.entityId)) await saveOutcome(trx, m.id, applied.outcome, applied.entityId);
        return applied.outcome;
      });
    } catch (err) {
      // The savepoint is rolled back: nothing of this item stays, its claim included.
      if (isRetryableError(err)) throw err;
      log().error({ err, mutationId: m.id, kind: m.kind }, 'sync: mutation failed; it and the rest of the batch are left for a retry');
      break;
    }
    effects.keep(changes);
  }
  return { outcomes, ownRows: await changes.write(trx) };
}

/** The id was claimed before: a replay of the same user's same content, or a conflict. */
function answerForTaken(stored: StoredMutation | null, user: SessionUser, contentHash: string): Outcome {
  const sameOwner = stored !== null && stored.userId === user.id;
  const verdict = classifyInsert({ inserted: false, storedHash: sameOwner ? stored.contentHash : null, incomingHash: contentHash });
  if (verdict !== 'duplicate' || !stored) return { status: 'conflict', code: 'id_reused', message: '该编号已被其他内容使用' };
  return replay(stored.outcome);
}

/**
 * Applies one claimed mutation. A refusal (rule or database constraint) is an answer, with the
 * item's writes undone (its savepoint rolled back, its collected writes dropped); any other error
 * is thrown.
 */
async function applyItem(b: Batch, writes: EntryWrites & { discardItem?(): void }, effects: ItemEffects, k: number, savepoint: boolean): Promise<Applied> {
  const m = b.ms[k];
  const ctx: ApplyContext = {
    trx: b.trx, dialect: b.deps.dialect, user: b.user, deviceId: b.deviceId, now: b.now, nowIso: b.nowIso, mutationId: m.id,
    entryHash: b.items[k].entryHash, preparedId: b.items[k].preparedId ?? null, cache: b.cache, writes,
    logChange: (scope, entity, id, senderHolds) => effects.logChange(scope, entity, id, senderHolds),
    afterItem: (fn) => effects.afterItem(fn),
  };
  try {
    return savepoint ? await withSavepoint(b.trx, 'sync_apply', () => apply(ctx, m)) : await apply(ctx, m);
  } catch (err) {
    effects.discard();
    writes.discardItem?.();
    if (err instanceof RuleFailure) return { outcome: err.outcome, entityId: entityOf(m) };
    if (isDataRefusal(err) && !isRetryableError(err)) {
      log().error({ err, mutationId: m.id, kind: m.kind }, 'sync: mutation refused by a database constraint');
      return { outcome: { status: 'rejected', code: 'data_constraint', message: '服务器数据约束不允许此记录，请核对后重新录入' }, entityId: entityOf(m) };
    }
    throw err;
  }
}

/** The claim already says 'applied' for the mutation's entity; only other answers need writing. */
function needsSaving(a: Applied, claimedEntityId: string): boolean {
  const o = a.outcome;
  return o.status !== 'applied' || !!o.code || !!o.message || (o.fields?.length ?? 0) > 0 || a.entityId !== claimedEntityId;
}

/** What one item noted while applying: kept when the item is kept, dropped otherwise. */
class ItemEffects {
  private changes: [string, PulledEntity, string, boolean][] = [];
  private callbacks: (() => void)[] = [];
  logChange(scope: string, entity: PulledEntity, id: string, senderHolds = false): void {
    this.changes.push([scope, entity, id, senderHolds]);
  }
  afterItem(fn: () => void): void {
    this.callbacks.push(fn);
  }
  discard(): void {
    this.changes = [];
    this.callbacks = [];
  }
  keep(log: ChangeLog): void {
    for (const [scope, entity, id, senderHolds] of this.changes) log.add(scope, entity, id, senderHolds);
    for (const fn of this.callbacks) fn();
    this.discard();
  }
}

/** The batch's changed entities per scope, written with one recordChanges per scope and entity. */
class ChangeLog {
  private readonly byScope = new Map<string, Map<PulledEntity, Set<string>>>();
  /** `scope entity id` of changes the sender holds already; one that is also changed otherwise is not. */
  private readonly held = new Set<string>();
  private readonly notHeld = new Set<string>();
  add(scope: string, entity: PulledEntity, id: string, senderHolds: boolean): void {
    let entities = this.byScope.get(scope);
    if (!entities) this.byScope.set(scope, (entities = new Map()));
    let ids = entities.get(entity);
    if (!ids) entities.set(entity, (ids = new Set()));
    ids.add(id);
    (senderHolds ? this.held : this.notHeld).add(`${scope} ${entity} ${id}`);
  }
  /**
   * Township scopes before village scopes, each sorted: the fixed order changes.ts asks for.
   * Returns the change numbers of the rows the sender holds.
   */
  async write(trx: WriteTrx): Promise<OwnRows> {
    const own: OwnRows = new Map();
    const scopes = [...this.byScope.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const scope of scopes) {
      for (const [entity, set] of this.byScope.get(scope)!) {
        const ids = [...set];
        const first = await recordChanges(trx, scope, entity, ids);
        if (first === null) continue;
        ids.forEach((id, i) => {
          const key = `${scope} ${entity} ${id}`;
          if (!this.held.has(key) || this.notHeld.has(key)) return;
          if (!own.has(scope)) own.set(scope, new Map());
          own.get(scope)!.set(key.slice(scope.length + 1), first + i);
        });
      }
    }
    return own;
  }
}

const rank = (scope: string) => (scope.startsWith('township:') ? 0 : 1);

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
    case 'entry.resubmit': return applyEntryResubmit(ctx, m.payload);
    case 'household.update': return applyHouseholdUpdate(ctx, m.payload);
    case 'person.update': return applyPersonUpdate(ctx, m.payload);
    case 'household.create': return applyHouseholdCreate(ctx, m.payload);
    case 'person.create': return applyPersonCreate(ctx, m.payload, ctx.preparedId);
    case 'person.remove': return applyPersonRemove(ctx, m.payload);
    case 'person.move': return applyPersonMove(ctx, m.payload);
    case 'credit.create': return applyCreditCreate(ctx, m.payload, m);
    case 'credit.withdraw': return applyCreditWithdraw(ctx, m.payload);
    case 'shop.handover': return applyShopHandover(ctx, m.payload);
  }
}

/** Roster edits write at once, each in its own savepoints; entry mutations only collect writes. */
function writesDirectly(m: Mutation): boolean {
  return m.kind !== 'entry.create' && m.kind !== 'entry.withdraw';
}

function entityOf(m: Mutation): string {
  switch (m.kind) {
    case 'household.update': return m.payload.householdId;
    case 'person.update': case 'person.remove': case 'person.move': case 'person.create': return m.payload.personId;
    case 'household.create': return m.payload.householdId;
    case 'credit.create': case 'credit.withdraw': return m.payload.recordId;
    case 'shop.handover': return m.payload.redemptionId;
    default: return m.payload.entryId;
  }
}

function rawId(item: unknown): string {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return '无效的同步项';
  return `无效的同步项：${issue.path.map(String).join('.') || '(根)'} ${issue.message}`;
}
