import { describe, expect, it } from 'vitest';
import type { FieldConflict } from './field-merge';
import { mergeFields } from './field-merge';

interface Household {
  headName: string;
  phone: string | null;
  groupNo: number;
  status: string;
  consentPublic: boolean;
  tags?: string[];
}

const BASE: Household = { headName: '张三', phone: '13800000001', groupNo: 1, status: 'active', consentPublic: false };

describe('mergeFields', () => {
  it.each<[
    string,
    { server: Partial<Household>; client: Partial<Household>; changed: string[]; serverChanged: string[]; base?: Partial<Household> },
    { merged: Partial<Household>; applied: string[]; unchanged: string[]; conflicts: FieldConflict[] },
  ]>([
    ['client-only change is applied',
      { server: {}, client: { phone: '13900000002' }, changed: ['phone'], serverChanged: [] },
      { merged: { phone: '13900000002' }, applied: ['phone'], unchanged: [], conflicts: [] }],
    ['disjoint changes both survive',
      { server: { groupNo: 2 }, client: { phone: '13900000002' }, changed: ['phone'], serverChanged: ['groupNo'] },
      { merged: { groupNo: 2, phone: '13900000002' }, applied: ['phone'], unchanged: [], conflicts: [] }],
    ['both changed to different values: conflict, server kept',
      { server: { phone: '13700000003' }, client: { phone: '13900000002' }, changed: ['phone'], serverChanged: ['phone'] },
      { merged: { phone: '13700000003' }, applied: [], unchanged: [],
        conflicts: [{ field: 'phone', baseValue: '13800000001', serverValue: '13700000003', clientValue: '13900000002' }] }],
    ['both changed to the same value: no conflict',
      { server: { phone: '13900000002' }, client: { phone: '13900000002' }, changed: ['phone'], serverChanged: ['phone'] },
      { merged: { phone: '13900000002' }, applied: [], unchanged: ['phone'], conflicts: [] }],
    ['server changed and changed back (log says changed): still a conflict',
      { server: {}, client: { phone: '13900000002' }, changed: ['phone'], serverChanged: ['phone'] },
      { merged: {}, applied: [], unchanged: [],
        conflicts: [{ field: 'phone', baseValue: '13800000001', serverValue: '13800000001', clientValue: '13900000002' }] }],
    ['server change visible against base even if the log misses it',
      { server: { headName: '张四' }, client: { headName: '张五' }, changed: ['headName'], serverChanged: [] },
      { merged: { headName: '张四' }, applied: [], unchanged: [],
        conflicts: [{ field: 'headName', baseValue: '张三', serverValue: '张四', clientValue: '张五' }] }],
    ['client listed a field but kept its base value: server change wins quietly',
      { server: { groupNo: 3 }, client: { groupNo: 1 }, changed: ['groupNo'], serverChanged: ['groupNo'] },
      { merged: { groupNo: 3 }, applied: [], unchanged: ['groupNo'], conflicts: [] }],
    ['set to null is a real change',
      { server: {}, client: { phone: null }, changed: ['phone'], serverChanged: [] },
      { merged: { phone: null }, applied: ['phone'], unchanged: [], conflicts: [] }],
    ['false is a real value',
      { server: { consentPublic: true }, client: { consentPublic: false }, changed: ['consentPublic'], serverChanged: [],
        base: { ...BASE, consentPublic: true } },
      { merged: { consentPublic: false }, applied: ['consentPublic'], unchanged: [], conflicts: [] }],
    ['mixed: one applied, one conflict, one unchanged, one not listed',
      { server: { phone: '13700000003', status: 'moved-out', groupNo: 5 },
        client: { phone: '13900000002', headName: '李四', status: 'moved-out' },
        changed: ['phone', 'headName', 'status'], serverChanged: ['phone', 'status', 'groupNo'] },
      { merged: { phone: '13700000003', status: 'moved-out', groupNo: 5, headName: '李四' }, applied: ['headName'], unchanged: ['status'],
        conflicts: [{ field: 'phone', baseValue: '13800000001', serverValue: '13700000003', clientValue: '13900000002' }] }],
    ['listed without a value: ignored',
      { server: {}, client: {}, changed: ['phone'], serverChanged: [] },
      { merged: {}, applied: [], unchanged: [], conflicts: [] }],
    ['unlisted client value: ignored',
      { server: {}, client: { phone: '13900000002' }, changed: [], serverChanged: [] },
      { merged: {}, applied: [], unchanged: [], conflicts: [] }],
    ['listed twice: handled once',
      { server: {}, client: { groupNo: 7 }, changed: ['groupNo', 'groupNo'], serverChanged: [] },
      { merged: { groupNo: 7 }, applied: ['groupNo'], unchanged: [], conflicts: [] }],
    ['base unknown for the field: only the log decides',
      { server: { groupNo: 9 }, client: { groupNo: 7 }, changed: ['groupNo'], serverChanged: [], base: {} },
      { merged: { groupNo: 7 }, applied: ['groupNo'], unchanged: [], conflicts: [] }],
    ['arrays compared by content',
      { server: { tags: ['a', 'b'] }, client: { tags: ['a', 'b'] }, changed: ['tags'], serverChanged: ['tags'], base: { ...BASE, tags: [] } },
      { merged: { tags: ['a', 'b'] }, applied: [], unchanged: ['tags'], conflicts: [] }],
  ])('%s', (_name, c, expected) => {
    const base = c.base ?? BASE;
    const server = { ...BASE, ...c.server };
    const r = mergeFields<Household>({ base, server, client: c.client, changedByClient: c.changed, serverChangedSince: c.serverChanged });
    expect(r).toEqual({ ...expected, merged: { ...BASE, ...expected.merged } });
  });

  it('does not modify its inputs', () => {
    const server = { ...BASE };
    const client = { phone: '13900000002' };
    mergeFields<Household>({ base: BASE, server, client, changedByClient: ['phone'], serverChangedSince: [] });
    expect(server).toEqual(BASE);
    expect(client).toEqual({ phone: '13900000002' });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('never writes %s', (key) => {
    const client = JSON.parse(`{"${key}": {"polluted": true}}`) as Partial<Household>;
    const r = mergeFields<Household>({ base: {}, server: { ...BASE }, client, changedByClient: [key], serverChangedSince: [] });
    expect(r.applied).toEqual([]);
    expect(Object.getPrototypeOf(r.merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
