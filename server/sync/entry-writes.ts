// How an apply step writes entries, and reads what depends on the batch's own writes (cap counts,
// live reversals). Two implementations with one contract, so the rules in apply-entry.ts exist once:
//
// - DirectWrites: each call is a statement in the item's savepoint (push.ts "item by item").
// - BufferedWrites: calls are collected per item and kept only when the item is kept; after the
//   last item they are written set-wise (one multi-row INSERT per table), which is what makes a
//   200-item batch cost about as much as a plain batched insert. Reads answer from what the batch
//   preloaded plus what its kept items wrote, so every item sees exactly what it would see item by
//   item. Whatever the buffered path cannot answer exactly (a cap subject it did not preload, an
//   entry inserted meanwhile by another PostgreSQL transaction, a database constraint) throws
//   RetryItemByItem: push.ts rolls the buffered run back and runs the batch item by item.
import type { WriteTrx } from '../db/transaction';
import type { Dialect } from '../db/connect';
import type { Mutation } from '../../shared/protocol/sync';
import { periodBounds } from '../../shared/domain/points';
import { isCapPeriod } from '../../shared/domain/period';
import type { BatchCache } from './batch-cache';
import * as repo from '../repositories/entry-ingest';
import { insertEvidence, type NewEvidence } from '../repositories/evidence';
import { isRealDate } from './time';
import { applyTallyDelta, applyTransitionTally, loadTallyFacts, type TallyChange } from '../repositories/tallies';
import type { EntryState } from '../../shared/domain/entry-state';
import type { TallyEntry } from '../../shared/domain/tally';

const tallyEntryOf = (e: repo.NewEntry): TallyEntry => ({
  id: e.id, villageId: e.villageId, householdId: e.householdId, points: e.points, occurredOn: e.occurredOn, createdAt: e.now,
});

export type CapSubject = { column: 'household_id' | 'person_id'; id: string };

export interface EntryWrites {
  /** False when an entry with this id exists (the caller compares content). */
  insertEntry(e: repo.NewEntry): Promise<boolean>;
  insertEntryEvent(ev: repo.NewEntryEvent): Promise<void>;
  /** Compare-and-set of an entry's state (and its state reason): false when it was no longer `from`. */
  setEntryState(id: string, from: string, to: string, now: string, reason?: string): Promise<boolean>;
  /** The entry's current revision (entry.resubmit). */
  entryRevision(id: string): Promise<number | null>;
  /** Keeps the entry's current content as a revision and writes the corrected one (entry.resubmit). */
  reviseEntry(r: repo.EntryRevise): Promise<void>;
  /** Entries of the subject and indicator in one of `states`, occurred in [from, to]. */
  countCapSlots(subject: CapSubject, indicatorCode: string, states: readonly string[], from: string, to: string): Promise<number>;
  hasLiveReversal(entryId: string, states: readonly string[]): Promise<boolean>;
  /** The recorder's entries in one of `states` with this occurred-on date (the per-day cap). */
  countRecorderDay(recorderId: string, date: string, states: readonly string[]): Promise<number>;
  /** The photos a new entry carries (entry_evidence), written after the entry itself. */
  insertEntryEvidence(rows: readonly NewEvidence[]): Promise<void>;
}

/** Signals that the buffered run cannot decide exactly; the batch is run again item by item. */
export class RetryItemByItem extends Error {}

export class DirectWrites implements EntryWrites {
  constructor(private readonly trx: WriteTrx) {}
  async insertEntry(e: repo.NewEntry) {
    const inserted = await repo.insertEntry(this.trx, e);
    // In the item's savepoint: an item rolled back takes its tally change with it.
    if (inserted) await applyTallyDelta(this.trx, [{ entry: tallyEntryOf(e), from: null, to: 'submitted', at: e.now }]);
    return inserted;
  }
  insertEntryEvent(ev: repo.NewEntryEvent) { return repo.insertEntryEvent(this.trx, ev); }
  async setEntryState(id: string, from: string, to: string, now: string, reason = '') {
    const facts = await loadTallyFacts(this.trx, [id], from as EntryState);
    const changed = await repo.setEntryState(this.trx, id, from, to, now, reason);
    if (changed) await applyTransitionTally(this.trx, facts, to as EntryState, now);
    return changed;
  }
  entryRevision(id: string) { return repo.entryRevision(this.trx, id); }
  async reviseEntry(r: repo.EntryRevise) {
    // A resubmitted entry leaves the tallies as it was and comes back as submitted, with its new
    // points and date (the household stays the same).
    const [before] = await loadTallyFacts(this.trx, [r.id]);
    await repo.reviseEntry(this.trx, r);
    if (before) {
      await applyTallyDelta(this.trx, [
        { entry: before, from: before.state, to: null, at: r.now },
        { entry: { ...before, points: r.points, occurredOn: r.occurredOn }, from: null, to: 'submitted', at: r.now },
      ]);
    }
  }
  countCapSlots(subject: CapSubject, code: string, states: readonly string[], from: string, to: string) {
    return repo.countCapSlots(this.trx, subject, code, states, from, to);
  }
  hasLiveReversal(entryId: string, states: readonly string[]) { return repo.hasLiveReversal(this.trx, entryId, states); }
  countRecorderDay(recorderId: string, date: string, states: readonly string[]) { return repo.countRecorderDay(this.trx, recorderId, date, states); }
  insertEntryEvidence(rows: readonly NewEvidence[]) { return insertEvidence(this.trx, 'entry', rows); }
}

interface StateChange { id: string; from: string; to: string; now: string; reason: string }

const capKey = (column: string, id: string, code: string) => `${column}|${id}|${code}`;

export class BufferedWrites implements EntryWrites {
  // What the current item wrote; moved to the kept buffers by keepItem, dropped by discardItem.
  private pendingEntries: repo.NewEntry[] = [];
  private pendingEvents: repo.NewEntryEvent[] = [];
  private pendingStates: StateChange[] = [];
  private pendingEvidence: NewEvidence[] = [];
  private readonly evidence: NewEvidence[] = [];
  // What kept items wrote, in order.
  private readonly newEntries = new Map<string, { row: repo.NewEntry; state: string; updatedAt: string }>();
  private readonly events: repo.NewEntryEvent[] = [];
  private readonly updates = new Map<string, StateChange>();
  // Rows that can count against a cap, per subject and indicator, with their current state.
  private readonly capRows = new Map<string, repo.CapRow[]>();
  private readonly capById = new Map<string, repo.CapRow>();
  /** Entry id → state after the batch's kept changes (for rows read from the database). */
  private readonly states = new Map<string, string>();

  constructor(private readonly trx: WriteTrx, private readonly dialect: Dialect) {}

  /** The recorder's entries on the batch's dates (loaded only when a township has a day cap). */
  private recorderDay: { recorderId: string; dates: Set<string>; rows: { id: string; occurredOn: string; state: string }[] } | null = null;

  /** Loads the cap-relevant entries of every subject the batch's capped entries count against. */
  async preload(ms: readonly Mutation[], cache: BatchCache, recorderId?: string): Promise<void> {
    if (recorderId !== undefined) await this.preloadRecorderDay(ms, cache, recorderId);
    const codes = new Set<string>();
    const households = new Set<string>();
    const persons = new Set<string>();
    let from = '9999-12-31';
    let to = '0000-01-01';
    for (const m of ms) {
      if (m.kind !== 'entry.create' || m.payload.reverses !== null || !isRealDate(m.payload.occurredOn)) continue;
      const p = m.payload;
      const ind = await cache.indicator(p.catalogVersionId, p.indicatorCode);
      if (!ind || ind.capCount === null || !isCapPeriod(ind.capPeriod)) continue;
      const bounds = periodBounds(ind.capPeriod, p.occurredOn);
      // The subject the cap counts per (apply-entry.ts checkCapRule): the person, else the household.
      const byPerson = ind.subject === 'person' && p.personId !== null;
      if (byPerson) persons.add(p.personId!);
      else households.add(p.householdId);
      this.capRows.set(capKey(byPerson ? 'person_id' : 'household_id', byPerson ? p.personId! : p.householdId, ind.code), []);
      codes.add(ind.code);
      if (bounds.from < from) from = bounds.from;
      if (bounds.to > to) to = bounds.to;
    }
    if (codes.size === 0) return;
    const rows = await repo.listCapRows(this.trx, { codes: [...codes], householdIds: [...households], personIds: [...persons], from, to });
    for (const r of rows) this.index(r);
  }

  private async preloadRecorderDay(ms: readonly Mutation[], cache: BatchCache, recorderId: string): Promise<void> {
    const dates = new Set<string>();
    for (const m of ms) {
      if (m.kind !== 'entry.create' || !isRealDate(m.payload.occurredOn)) continue;
      const h = await cache.household(m.payload.householdId);
      if (h && (await cache.entryRules(h.townshipId)).recorderDayCap !== null) dates.add(m.payload.occurredOn);
    }
    if (dates.size === 0) return;
    this.recorderDay = { recorderId, dates, rows: await repo.listRecorderDayRows(this.trx, recorderId, [...dates]) };
  }

  async countRecorderDay(recorderId: string, date: string, states: readonly string[]): Promise<number> {
    const rd = this.recorderDay;
    if (!rd || rd.recorderId !== recorderId || !rd.dates.has(date)) throw new RetryItemByItem(`recorder day ${date} not preloaded`);
    let n = rd.rows.filter((r) => r.occurredOn === date && states.includes(this.states.get(r.id) ?? r.state)).length;
    for (const e of this.newEntries.values()) if (e.row.recorderId === recorderId && e.row.occurredOn === date && states.includes(e.state)) n++;
    return n;
  }

  /** Files a row under the keys that were preloaded (a row reached twice is filed once per key). */
  private index(r: repo.CapRow): void {
    if (this.capRows.size === 0 || this.capById.has(r.id)) return;
    this.capById.set(r.id, r);
    for (const key of [capKey('household_id', r.householdId, r.indicatorCode), r.personId ? capKey('person_id', r.personId, r.indicatorCode) : null]) {
      if (key) this.capRows.get(key)?.push(r);
    }
  }

  async insertEntry(e: repo.NewEntry): Promise<boolean> {
    this.pendingEntries.push(e);
    return true;
  }

  async insertEntryEvent(ev: repo.NewEntryEvent): Promise<void> {
    this.pendingEvents.push(ev);
  }

  async insertEntryEvidence(rows: readonly NewEvidence[]): Promise<void> {
    this.pendingEvidence.push(...rows);
  }

    async setEntryState(id: string, from: string, to: string, now: string, reason = ''): Promise<boolean> {
    // The caller read the state from the batch's view (locked rows plus kept writes): it holds.
    this.pendingStates.push({ id, from, to, now, reason });
    return true;
  }

  // Corrections are rare: a batch with one runs item by item rather than buffering content changes.
  async entryRevision(): Promise<number | null> {
    throw new RetryItemByItem('entry.resubmit runs item by item');
  }

  async reviseEntry(): Promise<void> {
    throw new RetryItemByItem('entry.resubmit runs item by item');
  }

  async countCapSlots(subject: CapSubject, code: string, states: readonly string[], from: string, to: string): Promise<number> {
    const rows = this.capRows.get(capKey(subject.column, subject.id, code));
    if (!rows) throw new RetryItemByItem(`cap subject ${subject.column} ${subject.id} ${code} not preloaded`);
    return rows.filter((r) => states.includes(r.state) && r.occurredOn >= from && r.occurredOn <= to).length;
  }

  async hasLiveReversal(entryId: string, states: readonly string[]): Promise<boolean> {
    for (const r of await repo.listReversals(this.trx, entryId)) {
      if (states.includes(this.states.get(r.id) ?? r.state)) return true;
    }
    for (const e of this.newEntries.values()) if (e.row.reverses === entryId && states.includes(e.state)) return true;
    return false;
  }

  keepItem(): void {
    for (const row of this.pendingEntries) {
      this.newEntries.set(row.id, { row, state: 'submitted', updatedAt: row.now });
      if (this.capRows.size > 0) this.index({ id: row.id, householdId: row.householdId, personId: row.personId, indicatorCode: row.indicatorCode, occurredOn: row.occurredOn, state: 'submitted', reverses: row.reverses });
    }
    for (const ev of this.pendingEvents) this.events.push(ev);
    for (const row of this.pendingEvidence) this.evidence.push(row);
    for (const s of this.pendingStates) {
      const created = this.newEntries.get(s.id);
      if (created) {
        // Created in this batch: it is inserted in its final state (its events tell the history).
        created.state = s.to;
        created.updatedAt = s.now;
      } else {
        const earlier = this.updates.get(s.id);
        this.updates.set(s.id, { ...s, from: earlier?.from ?? s.from });
      }
      this.states.set(s.id, s.to);
      const row = this.capById.get(s.id);
      if (row) row.state = s.to;
    }
    this.discardItem();
  }

  discardItem(): void {
    this.pendingEntries.length = 0;
    this.pendingEvents.length = 0;
    this.pendingStates.length = 0;
    this.pendingEvidence.length = 0;
  }

  /** Writes what the kept items wrote. Throws RetryItemByItem when the database disagrees. */
  async flush(): Promise<void> {
    const rows = [...this.newEntries.values()];
    if (rows.length > 0) {
      const inserted = await repo.insertEntries(this.trx, this.dialect, rows);
      // Fewer: another PostgreSQL transaction inserted one of these entry ids since the preload.
      if (inserted !== rows.length) throw new RetryItemByItem('an entry was inserted concurrently');
    }
    await repo.insertEntryEvents(this.trx, this.dialect, this.events);
    await insertEvidence(this.trx, 'entry', this.evidence);
    const updates = [...this.updates.values()];
    const facts = new Map((await loadTallyFacts(this.trx, updates.map((u) => u.id))).map((f) => [f.id, f]));
    const tally: TallyChange[] = rows.map(({ row, state }) => ({ entry: tallyEntryOf(row), from: null, to: state as EntryState, at: row.now }));
    for (const u of updates) {
      if (!(await repo.setEntryState(this.trx, u.id, u.from, u.to, u.now, u.reason))) throw new RetryItemByItem(`entry ${u.id} changed state`);
      const f = facts.get(u.id);
      if (f) tally.push({ entry: f, from: u.from as EntryState, to: u.to as EntryState, at: u.now, approvedAt: u.from === 'approved' ? f.updatedAt : null });
    }
    // The batch's tally change as one set-wise write, in the batch's transaction.
    await applyTallyDelta(this.trx, tally);
  }
}
