// Entry notes on the server (shared/validation/note.ts): the same refusals the phone shows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test/databases';
import { makeSyntheticIdNumber } from '../../shared/validation/id-number';
import { count, entryCreate, postSync, request, openSyncWorld, type TestApp, type World } from '../test/sync-fixture';

describe.each(await testDialects())('entry notes on %s', (dialect) => {
  let t: TestDatabase;
  let w: World;
  let app: TestApp;
  beforeEach(async () => ({ t, w, app } = await openSyncWorld(dialect)));
  afterEach(() => t.drop());

  it('guardrail 6: an entry whose note contains an ID number is refused with the reason and not stored', async () => {
    const id = makeSyntheticIdNumber('370283', '19800512', 41);
    const m = entryCreate(w, { note: `帮扶对象身份证 ${id}` });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results[0]).toMatchObject({ id: m.id, status: 'rejected', code: 'note_id_number' });
    expect(json.results[0].message).toContain('身份证');
    expect(await count(t, 'entries')).toBe(0);
    // Nothing of the number reached the database either, not even in the stored answer.
    const stored = await t.db.selectFrom('sync_mutations').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(id.slice(6, 14));
  });

  it('refuses control and direction characters in a note', async () => {
    const bidi = entryCreate(w, { note: '拾金\u202E不昧' });
    const ctl = entryCreate(w, { note: '拾金\u0007不昧' });
    const { json } = await postSync(app, 'collector', request([bidi, ctl]));
    expect(json.results.map((r) => r.code)).toEqual(['note_bidi', 'note_control']);
    expect(await count(t, 'entries')).toBe(0);
  });

  it('stores a note normalised (NFC, zero-width stripped) and sends the stored form back', async () => {
    const m = entryCreate(w, { note: ' 拾金\u200B不昧 cafe\u0301 ' });
    const { json } = await postSync(app, 'collector', request([m]));
    expect(json.results[0]).toMatchObject({ status: 'applied' });
    const row = await t.db.selectFrom('entries').select('note').executeTakeFirstOrThrow();
    expect(row.note).toBe('拾金不昧 caf\u00e9');
  });
});
