// Roster edits through the store: the shared rules, the outbox items, and — the point of it — an
// ID number typed on the phone is nowhere in IndexedDB in clear afterwards (every table dumped),
// while the server can still open what the outbox carries.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useRosterStore } from './roster';
import { useAuthStore } from './auth';
import { db } from '../db/db';
import { toMutation } from '../db/outbox';
import { checkIdNumber } from '../domain/roster-form';
import { mutationSchema } from '../../../shared/protocol/sync';
import { makeSyntheticIdNumber } from '../../../shared/validation/id-number';
import { idTransportKeyFrom, openSealedId } from '../../../server/security/id-transport';
import { HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

const serverKey = idTransportKeyFrom('ab'.repeat(32));
const ID = makeSyntheticIdNumber('370283', '19800101', 123);

/** Everything IndexedDB holds, every table of the app's database, as one text. */
async function dumpIndexedDb(): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) out[table.name] = await table.toArray();
  return JSON.stringify(out);
}

beforeEach(async () => {
  await resetDb();
  setActivePinia(createPinia());
  useAuthStore().user = { id: USER, displayName: '孙志强', role: 'collector', townshipId: null, householdId: null, villageIds: [VILLAGE] };
  await db.households.put({ id: HOUSEHOLD, villageId: VILLAGE, householdNo: '0001', groupNo: 1, headName: '张三', phone: null, status: 'active', consentPublic: false, version: 2 });
  await db.households.put({ id: `${HOUSEHOLD.slice(0, -1)}9`, villageId: VILLAGE, householdNo: '0002', groupNo: 1, headName: '李四', phone: null, status: 'active', consentPublic: false, version: 1 });
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes('/api/sync/id-key')) {
      return new Response(JSON.stringify({ scheme: 'e1', keyId: serverKey.keyId, publicKey: serverKey.publicKey, curve: 'P-256' }), { headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ error: { code: 'offline', message: '' } }), { status: 503, headers: { 'content-type': 'application/json' } });
  }));
});
afterEach(() => vi.unstubAllGlobals());

describe('roster store', () => {
  it('adds a household with its head; the ID number is stored sealed, never in clear, and the server opens it', async () => {
    const store = useRosterStore();
    const checked = checkIdNumber(ID.toLowerCase().replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    expect(checked.ok).toBe(true);
    const householdId = await store.addHousehold(
      { villageId: VILLAGE, householdNo: '0003', groupNo: 2, headName: '单雄信', phone: null },
      { name: '单雄信', birthYear: 1980, phone: '13800000009', idNumber: checked.ok ? checked.value!.value : null },
    );
    const dump = await dumpIndexedDb();
    expect(dump).not.toContain(ID);
    expect(dump).not.toContain(ID.slice(0, 14)); // area + birth date
    expect(dump).not.toContain(ID.slice(6, 17)); // birth date + sequence
    expect(dump).toContain(ID.slice(-4)); // the last 4, for display

    const items = await db.outbox.orderBy('deviceSeq').toArray();
    expect(items.map((i) => i.kind)).toEqual(['household.create', 'person.create']);
    for (const i of items) expect(mutationSchema.safeParse(toMutation(i)).success).toBe(true);
    const create = items[1];
    if (create.kind !== 'person.create') throw new Error('expected person.create');
    expect(create.payload).toMatchObject({ householdId, name: '单雄信', relation: '户主', birthYear: 1980, phone: '13800000009' });
    expect(openSealedId(serverKey, create.payload.idSealed!)).toEqual({ ok: true, value: ID });
    expect(await db.persons.where('householdId').equals(householdId).first()).toMatchObject({ idLast4: ID.slice(-4), version: 0 });
  });

  it('edits a member offline with the kept key: a new ID number, a move, then a removal', async () => {
    const store = useRosterStore();
    expect(await store.ensureIdKey()).toBe(true);
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await db.persons.put({ id: 'p-1', householdId: HOUSEHOLD, villageId: VILLAGE, name: '张三', relation: '户主', birthYear: 1950, isMinor: false, idLast4: null, version: 4, phone: null });
    expect(await store.editMember('p-1', { idNumber: ID, relation: '户主' })).toBe(true);
    const other = `${HOUSEHOLD.slice(0, -1)}9`;
    expect(await store.moveMember('p-1', other)).toBe(true);
    await store.removeMember('p-1', '已故');
    const items = await db.outbox.orderBy('deviceSeq').toArray();
    expect(items.map((i) => [i.kind, i.entityId])).toEqual([['person.update', 'p-1'], ['person.move', 'p-1'], ['person.remove', 'p-1']]);
    expect(items[0].payload).toMatchObject({ personId: 'p-1', baseVersion: 4, fields: { idSealed: expect.stringMatching(/^e1\./) } });
    expect(items[1].payload).toEqual({ personId: 'p-1', baseVersion: 4, toHouseholdId: other });
    expect(await dumpIndexedDb()).not.toContain(ID);
  });

  it('folds edits of a member not yet sent into its person.create', async () => {
    const store = useRosterStore();
    await store.addMember(HOUSEHOLD, { name: '曾小花', relation: '配偶', birthYear: 1982, phone: null, idNumber: null });
    const p = (await db.persons.where('householdId').equals(HOUSEHOLD).first())!;
    await store.editMember(p.id, { idNumber: ID, phone: '13800000001' });
    const items = await db.outbox.toArray();
    expect(items.map((i) => i.kind)).toEqual(['person.create']);
    expect(items[0].payload).toMatchObject({ name: '曾小花', phone: '13800000001', idSealed: expect.stringMatching(/^e1\./) });
    await store.removeMember(p.id, '录重了');
    expect(await db.outbox.count()).toBe(0);
    expect(await dumpIndexedDb()).not.toContain(ID);
  });

  it('refuses to take an ID number without a key rather than keep it in clear', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    const store = useRosterStore();
    await expect(store.addMember(HOUSEHOLD, { name: '仇英', relation: '子', birthYear: 2000, phone: null, idNumber: ID })).rejects.toThrow(/联网/);
    expect(await db.outbox.count()).toBe(0);
    expect(await dumpIndexedDb()).not.toContain(ID);
  });

  it('marks a household moved out through household.update', async () => {
    const store = useRosterStore();
    await store.setStatus(HOUSEHOLD, 'moved-out');
    const [item] = await db.outbox.toArray();
    expect(item).toMatchObject({ kind: 'household.update', payload: { householdId: HOUSEHOLD, baseVersion: 2, fields: { status: 'moved-out' } } });
    expect((await db.households.get(HOUSEHOLD))!.status).toBe('moved-out');
  });
});
