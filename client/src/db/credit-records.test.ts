// The credit ledger on the phone (issue 7 / issue 13): the township's kinds arrive by the pull and
// are what the form offers (else the defaults); a record carries its issuer and photos in its
// credit.create, and its photos are uploaded before it is sent; the review reason is stored.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from './db';
import { applyScopeChanges, dropScopesExcept } from './apply-pull';
import { creditKindsOfVillage, creditRecordsOfHousehold } from './credit-records';
import { enqueueCreditCreate } from './outbox';
import { clearLocalData } from './meta';
import { uploadEvidenceOf, type UploadDeps } from '../sync/evidence-upload';
import { encodeRows, type CreditKindDto, type CreditRecordDto } from '../../../shared/protocol/tables';
import { DEFAULT_CREDIT_KINDS } from '../../../shared/domain/credit';
import { HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

const TOWNSHIP = '0190a000-0000-7000-8000-0000000000a1';
const KIND_ID = '0190a000-0000-7000-8000-0000000000b1';
const RECORD = '0190a000-0000-7000-8000-0000000000c1';

beforeEach(async () => {
  await resetDb();
  await db.creditKinds.clear();
  await db.creditRecords.clear();
  await db.villages.put({ id: VILLAGE, townshipId: TOWNSHIP, code: 'V1', name: '东村' });
});

const kind = (over: Partial<CreditKindDto> = {}): CreditKindDto => ({
  id: KIND_ID, townshipId: TOWNSHIP, code: 'elder_care_star', nameZh: '孝老爱亲之星', nameEn: 'Elder care star', negative: false,
  documentRequired: false, sources: ['village'], active: true, sort: 15, ...over,
});

describe('credit kinds on the phone', () => {
  it('are the defaults until the township\'s list is pulled, then the township\'s active kinds', async () => {
    expect((await creditKindsOfVillage(VILLAGE)).offered).toEqual(DEFAULT_CREDIT_KINDS);
    await applyScopeChanges({ scope: `township:${TOWNSHIP}`, tables: { creditKind: encodeRows('creditKind', [kind(), kind({ id: '0190a000-0000-7000-8000-0000000000b2', code: 'loan_repaid', nameZh: '贷款按时还款', sort: 10, sources: ['bank'] }), kind({ id: '0190a000-0000-7000-8000-0000000000b3', code: 'old_kind', active: false })]) }, deleted: [], cursor: 7, hasMore: false });
    const { offered, all } = await creditKindsOfVillage(VILLAGE);
    expect(offered.map((k) => k.code)).toEqual(['loan_repaid', 'elder_care_star']);
    expect(offered[1]).toMatchObject({ nameZh: '孝老爱亲之星', nameEn: 'Elder care star', sources: ['village'] });
    // An inactive kind is not offered, but old records that name it still show its name.
    expect(all.get('old_kind')?.nameZh).toBe('孝老爱亲之星');
    // The township's scope dropped (user moved): its kinds go with it.
    await dropScopesExcept([`village:${VILLAGE}`]);
    expect(await db.creditKinds.count()).toBe(0);
  });
});

describe('a credit record recorded on the phone', () => {
  const photo = { hash: 'e'.repeat(64), size: 150, type: 'image/jpeg', takenAt: '2026-12-02T08:00:00.000Z' };

  it('queues credit.create with the issuer and the photo references; its photo is uploaded before it is sent', async () => {
    const { record, item } = await enqueueCreditCreate({
      villageId: VILLAGE, householdId: HOUSEHOLD, personId: null, kind: 'admin_penalty', source: 'township', occurredOn: '2026-11-30',
      documentNo: '平综执罚决字〔2026〕12号', issuer: '平度市综合行政执法局', note: '', evidence: [photo],
    }, USER);
    expect(item.kind).toBe('credit.create');
    expect(item.payload).toMatchObject({ issuer: '平度市综合行政执法局', documentNo: '平综执罚决字〔2026〕12号', evidence: [photo] });
    expect(record).toMatchObject({ state: 'queued', issuer: '平度市综合行政执法局', stateReason: '', evidenceHashes: [photo.hash] });

    const uploaded: string[] = [];
    const deps: UploadDeps = {
      chunkBytes: 100,
      async uploadState() { return { received: 0, complete: false }; },
      async putChunk(_h, chunk, start, total) { return { received: start + chunk.size, complete: start + chunk.size === total }; },
      async getPhoto(hash) { return hash === photo.hash ? { ...photo, blob: new Blob([new Uint8Array(150)]), gps: null, createdAt: '', uploaded: 0 } : undefined; },
      async markUploaded(hash) { uploaded.push(hash); },
    };
    await uploadEvidenceOf(deps, [item]);
    expect(uploaded).toEqual([photo.hash]);
  });

  it('stores the review reason and issuer the pull brings, and logout removes credit data', async () => {
    const row: CreditRecordDto = {
      id: RECORD, villageId: VILLAGE, householdId: HOUSEHOLD, personId: null, kind: 'loan_repaid', source: 'bank', occurredOn: '2026-11-01',
      documentNo: '', note: '', recorderId: USER, state: 'returned', createdAt: '2026-11-01T08:00:00.000Z', issuer: '', stateReason: '请补充贷款合同号',
    };
    await applyScopeChanges({ scope: `village:${VILLAGE}`, tables: { creditRecord: encodeRows('creditRecord', [row]) }, deleted: [], cursor: 3, hasMore: false });
    expect(await creditRecordsOfHousehold(HOUSEHOLD)).toEqual([expect.objectContaining({ state: 'returned', stateReason: '请补充贷款合同号' })]);
    await clearLocalData();
    expect(await db.creditRecords.count()).toBe(0);
  });
});
