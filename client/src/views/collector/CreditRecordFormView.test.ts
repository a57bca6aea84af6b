// The phone's credit-record form (issue 7 / issue 13): it offers the township's own kinds as
// pulled, asks a negative kind for its document number AND issuer (refused on the phone with the
// same rule as the server), and queues credit.create with the issuer and the photos.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

const toasts = vi.hoisted(() => [] as string[]);
vi.mock('vant', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  showConfirmDialog: vi.fn(() => Promise.resolve()),
  showToast: vi.fn((o: { message: string }) => { toasts.push(o.message); }),
}));

import CreditRecordFormView from './CreditRecordFormView.vue';
import { useAuthStore } from '../../stores/auth';
import { db } from '../../db/db';
import { setCachedUser } from '../../db/meta';
import { HOUSEHOLD, resetDb, USER, VILLAGE } from '../../test/fixtures';
import { eventually, testPlugins } from '../../test/mount';

const TOWNSHIP = '0190a000-0000-7000-8000-0000000000a1';
const me = { id: USER, displayName: '孙志强', role: 'collector' as const, townshipId: null, householdId: null, villageIds: [VILLAGE] };

beforeEach(async () => {
  await resetDb();
  toasts.length = 0;
  vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
  await db.villages.put({ id: VILLAGE, townshipId: TOWNSHIP, code: 'V1', name: '东村' });
  await db.households.put({ id: HOUSEHOLD, villageId: VILLAGE, householdNo: '001', groupNo: 1, headName: '王胜胜', phone: null, status: 'active', consentPublic: true, version: 1 });
  const kind = (id: string, code: string, nameZh: string, over: Record<string, unknown> = {}) => ({
    id, townshipId: TOWNSHIP, code, nameZh, nameEn: code, negative: false, documentRequired: false, sources: ['village'], active: true, sort: 10, ...over,
  });
  await db.creditKinds.bulkPut([
    kind('0190a000-0000-7000-8000-0000000000b1', 'elder_care_star', '孝老爱亲之星'),
    kind('0190a000-0000-7000-8000-0000000000b2', 'admin_penalty', '行政处罚', { negative: true, documentRequired: true, sources: ['township'], sort: 20 }),
    kind('0190a000-0000-7000-8000-0000000000b3', 'loan_repaid', '贷款按时还款', { active: false }),
  ]);
});

async function open() {
  const { plugins, router } = testPlugins();
  await setCachedUser(me);
  await useAuthStore().restore();
  await router.push('/');
  return mount(CreditRecordFormView, { props: { householdId: HOUSEHOLD }, global: { plugins: plugins as never[] } });
}

describe('CreditRecordFormView', () => {
  it('offers the township\'s active kinds; a negative kind needs the issuer; saving queues credit.create with it', async () => {
    const w = await open();
    await eventually(() => expect(w.findAll('[data-test="credit-kind"]').map((k) => k.attributes('data-kind'))).toEqual(['elder_care_star', 'admin_penalty']));
    await w.get('[data-test="credit-kind"][data-kind="admin_penalty"]').trigger('click');
    await eventually(() => expect(w.find('[data-test="credit-issuer-required"]').exists()).toBe(true));
    await w.get('input[data-test="credit-document"]').setValue('平综执罚决字〔2026〕12号');
    await w.get('form').trigger('submit');
    await eventually(() => expect(toasts.at(-1)).toBe('负面信用信息必须写明作出生效文书的法院或机关'));
    expect(await db.outbox.count()).toBe(0);

    await w.get('input[data-test="credit-issuer"]').setValue('平度市综合行政执法局');
    await w.get('form').trigger('submit');
    await eventually(async () => expect(await db.outbox.count()).toBe(1), 3000);
    const [item] = await db.outbox.toArray();
    expect(item).toMatchObject({ kind: 'credit.create', payload: { kind: 'admin_penalty', source: 'township', documentNo: '平综执罚决字〔2026〕12号', issuer: '平度市综合行政执法局' } });
    expect(await db.creditRecords.get(item.entityId)).toMatchObject({ state: 'queued', issuer: '平度市综合行政执法局' });
  });
});
