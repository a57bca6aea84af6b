// The two shared stores of migration 0012 on SQLite and PostgreSQL: consent in force is the latest
// change per purpose (history kept), and the audit log pages newest first within one township.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture } from '../test/fixtures';
import { consentHistory, currentConsents, hasAnsweredConsent, hasConsent, householdsConsenting, recordConsent } from './consents';
import { listAudit, recordAudit } from './audit';

describe.each(await testDialects())('consents and audit log on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('a purpose never answered is refused; the latest change is in force; the history is kept', async () => {
    const db = fx.deps.db;
    const { h1, v1 } = fx.ids;
    expect(await hasAnsweredConsent(db, h1)).toBe(false);
    expect(await hasConsent(db, h1, 'public_boards')).toBe(false);
    await recordConsent(db, { householdId: h1, villageId: v1, purpose: 'public_boards', granted: true, recordedBy: 'u', at: '2026-01-01T00:00:00Z' });
    await recordConsent(db, { householdId: h1, villageId: v1, purpose: 'bank_sharing', granted: true, recordedBy: 'u', at: '2026-01-01T00:00:00Z' });
    await recordConsent(db, { householdId: h1, villageId: v1, purpose: 'public_boards', granted: false, recordedBy: 'u', at: '2026-02-01T00:00:00Z' });
    expect(await hasAnsweredConsent(db, h1)).toBe(true);
    expect(await currentConsents(db, h1)).toEqual({ moral_points: false, credit_records: false, bank_sharing: true, public_boards: false });
    expect((await consentHistory(db, h1)).map((r) => [r.purpose, r.granted])).toEqual([['public_boards', false], ['bank_sharing', true], ['public_boards', true]]);
    expect([...(await householdsConsenting(db, v1, 'bank_sharing'))]).toEqual([h1]);
    expect((await householdsConsenting(db, v1, 'public_boards')).size).toBe(0);
  });

  it('the audit log pages newest first and stays within its township', async () => {
    const db = fx.deps.db;
    for (let i = 0; i < 5; i++) {
      await recordAudit(db, { townshipId: fx.ids.t1, actorId: 'u1', action: i % 2 ? 'export.entries' : 'user.create', rowCount: i, at: `2026-03-0${i + 1}T00:00:00Z` });
    }
    await recordAudit(db, { townshipId: fx.ids.t2, actorId: 'u2', action: 'export.entries', at: '2026-03-09T00:00:00Z' });
    const first = await listAudit(db, fx.ids.t1, { limit: 3 });
    expect(first.map((r) => r.rowCount)).toEqual([4, 3, 2]);
    const last = first[first.length - 1];
    const next = await listAudit(db, fx.ids.t1, { limit: 3, before: { at: last.at, id: last.id } });
    expect(next.map((r) => r.rowCount)).toEqual([1, 0]);
    expect((await listAudit(db, fx.ids.t1, { limit: 10, actionPrefix: 'export.' })).map((r) => r.rowCount)).toEqual([3, 1]);
  });
});
