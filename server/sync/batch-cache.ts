// What one pushed batch reads, loaded in bulk at the start of its transaction instead of one
// query per item: households (locked on PostgreSQL), entries the batch refers to (locked),
// persons, catalogue versions and their indicators. A 200-item batch then costs a handful of
// reads plus each item's own writes.
//
// Staleness: the batch holds the write lock (SQLite) or the row locks (PostgreSQL) of the
// households and existing entries it loaded, so nobody else changes them before it commits.
// What the batch itself changes is written back here by the items (entry inserts and state
// changes), but only once the item's savepoint was released (ApplyContext.afterItem), so a
// rolled-back item leaves no trace. Entries that did not exist may still be inserted by a
// concurrent PostgreSQL batch; insertEntry's ON CONFLICT path handles that by asking the database.
// Anything not preloaded is read on demand and remembered.
import type { WriteTrx } from '../db/transaction';
import type { Dialect } from '../db/connect';
import type { Mutation } from '../../shared/protocol/sync';
import * as repo from '../repositories/entry-ingest';
import { listCreditKinds, type CreditKindRow } from '../repositories/credit';

type CatalogBrief = { id: string; townshipId: string; status: string };

export class BatchCache {
  private readonly households = new Map<string, repo.HouseholdForWrite | null>();
  private readonly entries = new Map<string, repo.EntryBrief | null>();
  private readonly persons = new Map<string, string | null>();
  private readonly catalogs = new Map<string, CatalogBrief | null>();
  /** `${catalogVersionId}|${code}`; catalogues in `indicatorsOf` are complete. */
  private readonly indicators = new Map<string, repo.IndicatorRules>();
  private readonly indicatorsOf = new Set<string>();

  constructor(private readonly trx: WriteTrx, private readonly dialect: Dialect) {}

  async preload(mutations: readonly Mutation[]): Promise<void> {
    const households = new Set<string>();
    const entries = new Set<string>();
    const persons = new Set<string>();
    const catalogs = new Set<string>();
    for (const m of mutations) {
      if (m.kind === 'entry.create') {
        households.add(m.payload.householdId);
        entries.add(m.payload.entryId);
        if (m.payload.reverses) entries.add(m.payload.reverses);
        if (m.payload.personId) persons.add(m.payload.personId);
        catalogs.add(m.payload.catalogVersionId);
      } else if (m.kind === 'entry.withdraw' || m.kind === 'entry.resubmit') {
        entries.add(m.payload.entryId);
      }
    }
    for (const h of await repo.findHouseholdsForWrite(this.trx, this.dialect, [...households])) this.households.set(h.id, h);
    for (const id of households) if (!this.households.has(id)) this.households.set(id, null);
    for (const e of await repo.findEntries(this.trx, this.dialect, [...entries])) this.entries.set(e.id, e);
    for (const id of entries) if (!this.entries.has(id)) this.entries.set(id, null);
    const found = await repo.findPersonsHouseholds(this.trx, [...persons]);
    for (const id of persons) this.persons.set(id, found.get(id) ?? null);
    for (const c of await repo.findCatalogVersions(this.trx, [...catalogs])) this.catalogs.set(c.id, c);
    for (const id of catalogs) if (!this.catalogs.has(id)) this.catalogs.set(id, null);
    await this.loadIndicators([...catalogs].filter((id) => this.catalogs.get(id)));
  }

  private async loadIndicators(catalogIds: string[]): Promise<void> {
    if (catalogIds.length === 0) return;
    for (const [key, rules] of await repo.findIndicatorsOf(this.trx, catalogIds)) this.indicators.set(key, rules);
    for (const id of catalogIds) this.indicatorsOf.add(id);
  }

  async household(id: string): Promise<repo.HouseholdForWrite | null> {
    if (!this.households.has(id)) this.households.set(id, await repo.findHouseholdForWrite(this.trx, this.dialect, id));
    return this.households.get(id)!;
  }

  async entry(id: string): Promise<repo.EntryBrief | null> {
    if (!this.entries.has(id)) this.entries.set(id, await repo.findEntry(this.trx, this.dialect, id));
    return this.entries.get(id)!;
  }

  /** The database's current answer (after a conflicting concurrent insert); remembered. */
  async reloadEntry(id: string): Promise<repo.EntryBrief | null> {
    const e = await repo.findEntry(this.trx, this.dialect, id);
    this.entries.set(id, e);
    return e;
  }

  /**
   * A roster edit (apply-roster.ts) created or changed this household or person: the next read
   * asks the database. Call only from ApplyContext.afterItem.
   */
  forget(kind: 'household' | 'person', id: string): void {
    (kind === 'household' ? this.households : this.persons).delete(id);
  }

  /** Call only from ApplyContext.afterItem: the item that wrote it has been kept. */
  rememberEntry(e: repo.EntryBrief): void {
    this.entries.set(e.id, e);
  }

  async personHousehold(id: string): Promise<string | null> {
    if (!this.persons.has(id)) this.persons.set(id, await repo.findPersonHousehold(this.trx, id));
    return this.persons.get(id)!;
  }

  async catalogVersion(id: string): Promise<CatalogBrief | null> {
    if (!this.catalogs.has(id)) this.catalogs.set(id, await repo.findCatalogVersion(this.trx, id));
    return this.catalogs.get(id)!;
  }

  private readonly townshipRules = new Map<string, Awaited<ReturnType<typeof repo.findTownshipEntryRules>>>();
  /** The township's catalogue versions and per-recorder-per-day cap, read once per batch. */
  async entryRules(townshipId: string): Promise<Awaited<ReturnType<typeof repo.findTownshipEntryRules>>> {
    if (!this.townshipRules.has(townshipId)) this.townshipRules.set(townshipId, await repo.findTownshipEntryRules(this.trx, townshipId));
    return this.townshipRules.get(townshipId)!;
  }

  private readonly creditKindLists = new Map<string, CreditKindRow[]>();
  /** The township's credit kinds (credit.create), read once per batch. */
  async creditKinds(townshipId: string): Promise<CreditKindRow[]> {
    if (!this.creditKindLists.has(townshipId)) this.creditKindLists.set(townshipId, await listCreditKinds(this.trx, townshipId));
    return this.creditKindLists.get(townshipId)!;
  }

  async indicator(catalogVersionId: string, code: string): Promise<repo.IndicatorRules | null> {
    if (!this.indicatorsOf.has(catalogVersionId)) await this.loadIndicators([catalogVersionId]);
    return this.indicators.get(`${catalogVersionId}|${code}`) ?? null;
  }
}
