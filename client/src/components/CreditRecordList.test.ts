// The household page's credit records on the phone: the township's kind name as pulled, a rejected
// or returned record's reason, and the person of a person-subject record with the ID number masked.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import CreditRecordList from './CreditRecordList.vue';
import { db } from '../db/db';
import { eventually, testPlugins } from '../test/mount';
import { HOUSEHOLD, resetDb, USER, VILLAGE } from '../test/fixtures';

const TOWNSHIP = '0190a000-0000-7000-8000-0000000000a1';
const PERSON = '0190a000-0000-7000-8000-0000000000d1';

beforeEach(async () => {
  await resetDb();
  URL.createObjectURL = vi.fn(() => 'blob:thumb');
  URL.revokeObjectURL = vi.fn();
  await db.villages.put({ id: VILLAGE, townshipId: TOWNSHIP, code: 'V1', name: '东村' });
  await db.persons.put({ id: PERSON, householdId: HOUSEHOLD, villageId: VILLAGE, name: '王胜胜', relation: '户主', birthYear: 1970, isMinor: false, idLast4: '1234', version: 1, phone: null });
  await db.creditKinds.put({ id: '0190a000-0000-7000-8000-0000000000b1', townshipId: TOWNSHIP, code: 'elder_care_star', nameZh: '孝老爱亲之星', nameEn: 'Elder care star', negative: false, documentRequired: false, sources: ['village'], active: true, sort: 15 });
  await db.creditRecords.put({
    id: '0190a000-0000-7000-8000-0000000000c1', villageId: VILLAGE, householdId: HOUSEHOLD, personId: PERSON, kind: 'elder_care_star', source: 'village',
    occurredOn: '2026-11-20', documentNo: '', issuer: '', note: '照顾老人', recorderId: USER, state: 'returned', createdAt: '2026-11-20T08:00:00.000Z', stateReason: '请补充村民小组证明',
  });
});

describe('CreditRecordList', () => {
  it('shows the township\'s kind name, the review reason, and the person with the ID number masked', async () => {
    const { plugins } = testPlugins();
    const w = mount(CreditRecordList, { props: { householdId: HOUSEHOLD, villageId: VILLAGE }, global: { plugins: plugins as never[] } });
    await eventually(() => expect(w.find('[data-test="credit-record-reason"]').exists()).toBe(true));
    const row = w.get('[data-test="credit-record"]');
    expect(row.attributes('data-state')).toBe('returned');
    expect(row.text()).toContain('孝老爱亲之星');
    expect(w.get('[data-test="credit-record-reason"]').text()).toBe('原因：请补充村民小组证明');
    await eventually(() => expect(row.text()).toContain('王胜胜（身份证 ******' + '********1234）'));
    expect(row.text()).toContain('已退回');
  });
});
